using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>
/// Runs a <see cref="ProbePlan"/>: per group GET /v1/models first (its ids name the model for the POSTs), then
/// the POST probes and the direct probe; groups in parallel, at most <see cref="ProbeSettings.MaxConcurrency"/>
/// requests in flight. Every probe is one attempt with its own timeout; nothing here throws for a probe
/// failure, only for cancellation by the caller.
/// </summary>
public sealed class GatewayProber : IDisposable
{
    private readonly ProbeSettings _settings;
    private readonly TimeProvider _time;
    private readonly HttpProber _http;
    private readonly ModelListProber _models;
    private readonly ChatCompletionProber _inference;

    public GatewayProber(ProbeSettings settings, TimeProvider? time = null)
    {
        _settings = settings;
        _time = time ?? TimeProvider.System;
        _http = new HttpProber(settings, _time);
        _models = new ModelListProber(_http, settings);
        _inference = new ChatCompletionProber(_http);
    }

    /// <summary>Probes everything in <paramref name="plan"/> once; appends the results to <paramref name="history"/> when given.</summary>
    public async Task<ProbeResults> RunAsync(ProbePlan plan, ProbeHistory? history = null, CancellationToken cancellation = default)
    {
        var perGroup = await Task.WhenAll(plan.Groups.Select(g => RunGroupAsync(g, cancellation))).ConfigureAwait(false);
        var results = perGroup.SelectMany(r => r).ToList();
        return new ProbeResults
        {
            CollectedAt = _time.GetUtcNow(),
            Results = results,
            Unprobed = plan.Unprobed,
            History = (history ?? ProbeHistory.Empty).Append(results),
        };
    }

    /// <summary>The probes of one group, in plan order: models, inferences, direct.</summary>
    public async Task<IReadOnlyList<ProbeResult>> RunGroupAsync(ProbeGroup group, CancellationToken cancellation = default)
    {
        var direct = group.Direct is { } d ? _models.ProbeAsync(d, group.DirectOptions, cancellation) : null;
        var models = await _models.ProbeAsync(group.Models, group.Options, cancellation).ConfigureAwait(false);
        var (model, source) = ChooseModel(group, models);
        var inferences = await Task.WhenAll(group.Inferences.Select(target => model is null
            ? Task.FromResult(ProbeSealer.NotRun(target, _time.GetUtcNow(),
                $"no model id to ask for: GET {group.Models.Path} listed none, and neither the cluster nor the configuration names one"))
            : _inference.ProbeAsync(target, group.Options, model, source, cancellation))).ConfigureAwait(false);
        List<ProbeResult> results = [models, .. inferences];
        if (direct is not null)
        {
            results.Add(await direct.ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>
    /// One request exactly as given (a trace's): <paramref name="target"/>'s method, URL and headers, the options' Host,
    /// TLS trust and credential, <paramref name="body"/> as JSON. One attempt, timed per phase and sealed like every
    /// probe (credential redacted); a 2xx answer is not judged as OpenAI JSON (the caller may have asked for anything).
    /// </summary>
    public async Task<ProbeResult> SendOnceAsync(ProbeTarget target, GatewayProbeOptions options, byte[]? body, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        var exchange = await _http.SendAsync(target, options, body, _settings.ExcerptBytes, cancellation).ConfigureAwait(false);
        return ProbeSealer.Seal(exchange, options.Credential, ProbeAnswer.None, []);
    }

    /// <summary>
    /// The configured override wins; else the cluster's name if /v1/models lists it, else the first listed id
    /// (vLLM lists the base model before adapters); else the cluster's name unverified.
    /// </summary>
    internal static (string? Model, ModelSource Source) ChooseModel(ProbeGroup group, ProbeResult models)
    {
        if (group.ModelOverride is { } overridden)
        {
            return (overridden, ModelSource.Override);
        }

        if (models.ModelIds.Count > 0)
        {
            return group.ClusterModel is { } named && models.ModelIds.Contains(named, StringComparer.Ordinal)
                ? (named, ModelSource.ModelList)
                : (models.ModelIds[0], ModelSource.ModelList);
        }

        return group.ClusterModel is { } fallback ? (fallback, ModelSource.Cluster) : (null, ModelSource.None);
    }

    public void Dispose() => _http.Dispose();
}
