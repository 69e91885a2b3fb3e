using System.Text;

namespace LlmdDoctor.Probes;

/// <summary>A bounded transcript of one attempt: lines stop being added once the limit is reached.</summary>
internal sealed class ProbeTranscript
{
    private readonly StringBuilder _text = new();
    private readonly int _limit;
    private bool _cut;

    public ProbeTranscript(int limit) => _limit = limit;

    public void Request(string line) => Line("> ", line);
    public void Response(string line) => Line("< ", line);
    public void Note(string line) => Line("* ", line);
    public void Outcome(string line) => Line("= ", line);

    public void Body(string prefix, string body)
    {
        foreach (var line in body.ReplaceLineEndings("\n").Split('\n'))
        {
            Line(prefix, line);
        }
    }

    private void Line(string prefix, string line)
    {
        if (_cut)
        {
            return;
        }

        if (_text.Length + prefix.Length + line.Length + 1 > _limit)
        {
            var room = Math.Max(0, _limit - _text.Length - prefix.Length - 1);
            _text.Append(prefix).Append(line.AsSpan(0, Math.Min(room, line.Length))).Append("…(transcript cut)\n");
            _cut = true;
            return;
        }

        _text.Append(prefix).Append(line).Append('\n');
    }

    public override string ToString() => _text.ToString();
}
