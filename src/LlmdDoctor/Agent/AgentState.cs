namespace LlmdDoctor.Agent;

/// <summary>What the agent serves: the last complete cycle and the counters; safe to read from request threads.</summary>
public sealed class AgentState
{
    private CycleResult? _last;

    public CycleResult? Last => Volatile.Read(ref _last);

    public AgentCounters Counters { get; } = new();

    /// <summary>Why the last attempt failed, when it did (the previous report is still served).</summary>
    public string? LastError { get; private set; }

    /// <summary>Ready once a first cycle completed.</summary>
    public bool Ready => Last is not null;

    public void Complete(CycleResult result)
    {
        Counters.Record(result.Run);
        Volatile.Write(ref _last, result);
        LastError = null;
    }

    public void Fail(string error) => LastError = error;
}
