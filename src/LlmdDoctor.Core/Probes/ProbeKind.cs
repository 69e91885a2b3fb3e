namespace LlmdDoctor.Core.Probes;

/// <summary>What a synthetic probe asks. The label values are a metrics contract (design.md §6).</summary>
public enum ProbeKind
{
    /// <summary><c>GET &lt;prefix&gt;/v1/models</c> through the gateway (KServe's catch-all rule: Service, no EPP).</summary>
    Models,

    /// <summary><c>POST &lt;prefix&gt;/v1/chat/completions</c> through the gateway (InferencePool rule: EPP in the loop).</summary>
    Chat,

    /// <summary><c>POST &lt;prefix&gt;/v1/completions</c> through the gateway.</summary>
    Completions,

    /// <summary><c>GET /v1/models</c> on the model Service itself, bypassing the gateway.</summary>
    Direct,
}

/// <summary>The <c>probe</c> label values of <see cref="ProbeKind"/>.</summary>
public static class ProbeKindNames
{
    public static string ToLabel(this ProbeKind kind) => kind switch
    {
        ProbeKind.Models => "models",
        ProbeKind.Chat => "chat",
        ProbeKind.Completions => "completions",
        ProbeKind.Direct => "direct",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool TryParse(string? label, out ProbeKind kind)
    {
        foreach (var candidate in Enum.GetValues<ProbeKind>())
        {
            if (string.Equals(candidate.ToLabel(), label, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>True for the kinds that ask for a model list (<c>models</c>, <c>direct</c>).</summary>
    public static bool ListsModels(this ProbeKind kind) => kind is ProbeKind.Models or ProbeKind.Direct;

    /// <summary>True for the kinds that POST an inference request.</summary>
    public static bool IsInference(this ProbeKind kind) => kind is ProbeKind.Chat or ProbeKind.Completions;
}
