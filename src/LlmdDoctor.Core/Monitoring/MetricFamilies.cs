namespace LlmdDoctor.Core.Monitoring;

/// <summary>Which component a metric family comes from.</summary>
public enum MetricFamily
{
    None,

    /// <summary>vLLM: <c>vllm:*</c> (domain-facts §4).</summary>
    Vllm,

    /// <summary>GIE Endpoint Picker: <c>inference_model_*</c>, <c>inference_objective_*</c>, <c>inference_pool_*</c>, <c>inference_extension_*</c> (§3.3).</summary>
    EndpointPicker,
}

/// <summary>
/// Metric names of the model path and KServe's renaming: RHOAI/ODH KServe's monitors rewrite every series to
/// <c>kserve_&lt;name&gt;</c> (opendatahub-io/kserve pkg/controller/llmisvc/monitoring.go, PR #847); newer ODH
/// adds <c>-default</c> twins without the rename (commit 8cb87c406), so both spellings may exist.
/// </summary>
public static class MetricFamilies
{
    public const string KServePrefix = "kserve_";

    /// <summary>Regex (PromQL <c>=~</c>) matching both spellings of both families.</summary>
    public const string WorkloadNameRegex = "(kserve_)?(vllm:.+|inference_(model|objective|pool|extension)_.+)";

    /// <summary>DCGM exporter's GPU utilisation gauge (NVIDIA dcgm-exporter default counters).</summary>
    public const string GpuUtilization = "DCGM_FI_DEV_GPU_UTIL";

    /// <summary>The family of a name, ignoring the <c>kserve_</c> prefix.</summary>
    public static MetricFamily FamilyOf(string name)
    {
        var bare = StripPrefix(name);
        if (bare.StartsWith("vllm:", StringComparison.Ordinal))
        {
            return MetricFamily.Vllm;
        }

        return bare.StartsWith("inference_model_", StringComparison.Ordinal)
            || bare.StartsWith("inference_objective_", StringComparison.Ordinal)
            || bare.StartsWith("inference_pool_", StringComparison.Ordinal)
            || bare.StartsWith("inference_extension_", StringComparison.Ordinal)
            ? MetricFamily.EndpointPicker
            : MetricFamily.None;
    }

    public static bool HasKServePrefix(string name) => name.StartsWith(KServePrefix, StringComparison.Ordinal);

    public static string StripPrefix(string name) => HasKServePrefix(name) ? name[KServePrefix.Length..] : name;

    /// <summary>How a report names a family's spelling: <c>vllm:</c> or <c>kserve_vllm:</c>.</summary>
    public static string Spelling(MetricFamily family, bool kservePrefixed) =>
        (kservePrefixed ? KServePrefix : "") + (family == MetricFamily.Vllm ? "vllm:" : "inference_");

    public static string Describe(MetricFamily family) => family switch
    {
        MetricFamily.Vllm => "vLLM",
        MetricFamily.EndpointPicker => "Endpoint Picker",
        _ => "other",
    };
}
