namespace LlmdDoctor.Core.Probes;

/// <summary>What a 2xx body turned out to be, as read by the prober (within its parse limit).</summary>
public enum ProbeAnswer
{
    /// <summary>No 2xx body was read (failure, or not a 2xx status).</summary>
    None,

    /// <summary>An OpenAI model list with at least one id.</summary>
    ModelList,

    /// <summary>An OpenAI model list whose <c>data</c> is empty.</summary>
    EmptyModelList,

    /// <summary>A completion object with <c>choices</c>.</summary>
    Completion,

    /// <summary>Not JSON (or cut at the parse limit).</summary>
    NotJson,

    /// <summary>JSON, but not the shape asked for.</summary>
    UnexpectedJson,
}

/// <summary>Where the model id of an inference probe came from.</summary>
public enum ModelSource
{
    /// <summary>No model id (GET probes, or a probe not run).</summary>
    None,

    /// <summary>Listed by GET /v1/models on the same gateway and prefix in the same cycle.</summary>
    ModelList,

    /// <summary>The configured probe model override.</summary>
    Override,

    /// <summary>The cluster's own name for it (LLMInferenceService <c>spec.model.name</c> or <c>--served-model-name</c>).</summary>
    Cluster,
}
