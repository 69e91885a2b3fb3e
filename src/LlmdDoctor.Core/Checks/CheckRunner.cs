using System.Diagnostics;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>A check that did not run, and why.</summary>
public sealed record SkippedCheck(string Check, string Reason);

/// <summary>How one check fared: for metrics (<c>llmd_doctor_check_*</c>).</summary>
public sealed record CheckOutcome(string Check, TimeSpan Duration, bool Failed, bool Skipped);

/// <summary>The result of running every check once.</summary>
public sealed record CheckRun(
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<SkippedCheck> Skipped,
    IReadOnlyList<CheckOutcome> Outcomes)
{
    public int ChecksRun => Outcomes.Count(o => !o.Skipped);
    public int ChecksSkipped => Outcomes.Count(o => o.Skipped);
}

/// <summary>
/// Runs checks in isolation: a check that throws becomes LLMD0001 naming it, a slow one is cut at its
/// timeout (LLMD0001 again, its partial findings dropped), and a check whose inputs are missing is skipped
/// with the reason — or, for RBAC denial and unreachable sources, reported once per source as
/// LLMD0002/LLMD0003 so that "could not check" never reads as healthy.
/// </summary>
public sealed class CheckRunner
{
    private readonly TimeSpan _timeout;

    public CheckRunner(TimeSpan? timeout = null) => _timeout = timeout ?? TimeSpan.FromSeconds(10);

    public async Task<CheckRun> RunAsync(IReadOnlyList<ICheck> checks, DoctorInputs inputs, CancellationToken cancellation = default)
    {
        var findings = new List<Finding>();
        var skipped = new List<SkippedCheck>();
        var outcomes = new List<CheckOutcome>();
        var denied = new SortedDictionary<string, (InputState State, List<string> Checks)>(StringComparer.Ordinal);
        var unavailable = new SortedDictionary<string, (InputState State, List<string> Checks)>(StringComparer.Ordinal);

        foreach (var check in checks)
        {
            var blocking = check.Inputs
                .Select(input => (Input: input, State: inputs.StateOf(input)))
                .FirstOrDefault(x => x.State.Status != InputStatus.Available);
            if (blocking.State is { } state)
            {
                var reason = state.Status switch
                {
                    InputStatus.Denied => $"permission denied reading {Describe(state, blocking.Input)}",
                    InputStatus.Unavailable => $"{Describe(state, blocking.Input)} unavailable: {state.Reason}",
                    _ => state.Reason,
                };
                skipped.Add(new SkippedCheck(check.Name, reason));
                outcomes.Add(new CheckOutcome(check.Name, TimeSpan.Zero, Failed: false, Skipped: true));
                var bucket = state.Status switch
                {
                    InputStatus.Denied => denied,
                    InputStatus.Unavailable => unavailable,
                    _ => null,
                };
                if (bucket is not null)
                {
                    var key = Describe(state, blocking.Input);
                    if (!bucket.TryGetValue(key, out var entry))
                    {
                        entry = (state, []);
                        bucket[key] = entry;
                    }

                    entry.Checks.Add(check.Name);
                }

                continue;
            }

            var (result, duration, failed, skipReason) = await RunOneAsync(check, inputs, cancellation).ConfigureAwait(false);
            findings.AddRange(result);
            var selfSkipped = skipReason is not null && result.Count == 0;
            if (skipReason is not null)
            {
                skipped.Add(new SkippedCheck(check.Name, skipReason));
            }

            outcomes.Add(new CheckOutcome(check.Name, duration, failed, Skipped: selfSkipped));
        }

        foreach (var (source, (state, names)) in denied)
        {
            findings.Add(FindingCatalog.PermissionDenied.At(Subject.Permission(source),
                ("resource", source), ("reason", state.Reason), ("checks", string.Join(", ", names))) with { Check = "runner" });
        }

        foreach (var (source, (state, names)) in unavailable)
        {
            findings.Add(FindingCatalog.SourceUnavailable.At(Subject.Source(source),
                ("source", source), ("reason", state.Reason), ("checks", string.Join(", ", names))) with { Check = "runner" });
        }

        return new CheckRun(findings, skipped, outcomes);
    }

    private static string Describe(InputState state, CheckInput input) => state.Source is { Length: > 0 } s ? s : input.ToString();

    private async Task<(IReadOnlyList<Finding> Findings, TimeSpan Duration, bool Failed, string? SkipReason)> RunOneAsync(
        ICheck check, DoctorInputs inputs, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(_timeout);
        var context = new CheckContext(inputs, check, timeout.Token);
        using var activity = Telemetry.DoctorActivity.Source.StartActivity($"check {check.Name}");
        var started = Stopwatch.GetTimestamp();
        var work = Task.Run(() => check.Run(context), CancellationToken.None);
        try
        {
            await work.WaitAsync(_timeout, cancellation).ConfigureAwait(false);
            activity?.SetTag("llmd.findings", context.Findings.Count);
            return (context.Findings, Stopwatch.GetElapsedTime(started), false, context.SkipReason);
        }
        catch (TimeoutException)
        {
            timeout.Cancel();
            return ([Failure(check, $"did not finish within {_timeout.TotalSeconds:0.###} s")], Stopwatch.GetElapsedTime(started), true, null);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return ([Failure(check, $"did not finish within {_timeout.TotalSeconds:0.###} s")], Stopwatch.GetElapsedTime(started), true, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ([Failure(check, $"{ex.GetType().Name}: {ex.Message}")], Stopwatch.GetElapsedTime(started), true, null);
        }
    }

    private static Finding Failure(ICheck check, string error) =>
        FindingCatalog.CheckFailed.At(Subject.Doctor(check.Name), ("check", check.Name), ("error", error)) with { Check = check.Name };
}
