using System.Text;

namespace LlmdDoctor.Core.Security;

/// <summary>
/// A writer that passes text on line by line with every <see cref="KnownCredentials">known credential</see>
/// scrubbed: the CLI's stdout and stderr, whatever a command or an exception message puts there. Whole lines,
/// because a credential written in two pieces must still be recognised (credentials never hold a line break).
/// </summary>
public sealed class ScrubbingWriter(TextWriter inner) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    public override void Write(char value)
    {
        _line.Append(value);
        if (value == '\n')
        {
            Pass();
        }
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        _line.Append(value);
        if (value.Contains('\n', StringComparison.Ordinal))
        {
            Pass();
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync()
    {
        WriteLine();
        return Task.CompletedTask;
    }

    public override void Flush()
    {
        if (_line.Length > 0)
        {
            inner.Write(KnownCredentials.Scrub(_line.ToString()));
            _line.Clear();
        }

        inner.Flush();
    }

    public override Task FlushAsync()
    {
        Flush();
        return Task.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    /// <summary>Writes every complete line, keeps the unfinished rest.</summary>
    private void Pass()
    {
        var text = _line.ToString();
        var end = text.LastIndexOf('\n') + 1;
        inner.Write(KnownCredentials.Scrub(text[..end]));
        _line.Clear().Append(text, end, text.Length - end);
    }
}
