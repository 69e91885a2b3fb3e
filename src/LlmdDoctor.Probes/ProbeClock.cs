using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>Marks the phase boundaries of one attempt; knows which phase it is in when something fails.</summary>
internal sealed class ProbeClock
{
    private readonly TimeProvider _time;
    private readonly long _start;
    private long _resolveStart, _resolveEnd, _connectEnd, _tlsStart, _tlsEnd, _ready, _headers, _end;

    public ProbeClock(TimeProvider time)
    {
        _time = time;
        _start = time.GetTimestamp();
        _ready = _start;
    }

    /// <summary>The phase under way; a failure is attributed to it.</summary>
    public ProbePhase Phase { get; private set; } = ProbePhase.Resolve;

    public void ResolveStarted() => (_resolveStart, Phase) = (Now, ProbePhase.Resolve);
    public void ResolveDone() => (_resolveEnd, Phase) = (Now, ProbePhase.Connect);
    public void ConnectDone() => (_connectEnd, _ready) = (Now, Now);
    public void TlsStarted() => (_tlsStart, Phase) = (Now, ProbePhase.Tls);
    public void TlsDone() => (_tlsEnd, _ready) = (Now, Now);

    /// <summary>The connection is ready and the request goes out: processing runs until the response headers.</summary>
    public void Sending() => Phase = ProbePhase.Processing;

    public void HeadersReceived() => (_headers, Phase) = (Now, ProbePhase.Transfer);
    public void Finished() => _end = Now;

    /// <summary>The phases so far; the phase under way when the attempt ended runs to its end (a failed handshake still took time).</summary>
    public ProbeTimings Timings()
    {
        var end = _end == 0 ? Now : _end;
        long Until(long mark, ProbePhase phase) => mark != 0 ? mark : Phase == phase ? end : 0;
        return new ProbeTimings(
            Span(_resolveStart, Until(_resolveEnd, ProbePhase.Resolve)),
            Span(_resolveEnd, Until(_connectEnd, ProbePhase.Connect)),
            Span(_tlsStart, Until(_tlsEnd, ProbePhase.Tls)),
            Span(_ready, Until(_headers, ProbePhase.Processing)),
            Span(_headers, _headers == 0 ? 0 : end),
            _time.GetElapsedTime(_start, end));
    }

    private long Now => _time.GetTimestamp();

    private TimeSpan Span(long from, long to) => from == 0 || to == 0 || to < from ? TimeSpan.Zero : _time.GetElapsedTime(from, to);
}
