using System.Globalization;
using System.Text.Json.Nodes;

namespace LlmdDoctor.Kubernetes;

/// <summary>The outcome of one election round.</summary>
/// <param name="IsLeader">This replica holds the Lease and may probe.</param>
/// <param name="Holder">Who holds it (this replica's identity when leader).</param>
/// <param name="Problem">Why the round could not be decided (API error), when it could not.</param>
public sealed record LeaseState(bool IsLeader, string? Holder, string? Problem);

/// <summary>
/// Leader election on a <c>coordination.k8s.io/v1</c> Lease, as client-go's leaderelection does: take the Lease when it
/// is free or expired (renewTime + leaseDurationSeconds in the past), renew it while holding it, and let the API
/// server's resourceVersion check settle races (409 → someone else won). With replicas &gt; 1 only the holder probes.
/// </summary>
public sealed class LeaseElector(KubeClient client, string ns, string name, string identity, TimeSpan leaseDuration, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Identity => identity;

    public async Task<LeaseState> TryAcquireOrRenewAsync(CancellationToken cancellation)
    {
        try
        {
            var now = _time.GetUtcNow();
            var lease = await client.GetAsync(KubeResource.Leases, ns, name, cancellation).ConfigureAwait(false);
            if (lease is null)
            {
                await client.CreateAsync(KubeResource.Leases, ns, NewLease(now, transitions: 0), cancellation).ConfigureAwait(false);
                return new LeaseState(true, identity, null);
            }

            var spec = lease["spec"] as JsonObject ?? [];
            var holder = Str(spec, "holderIdentity");
            var renewed = Str(spec, "renewTime") is { } r && DateTimeOffset.TryParse(r, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.MinValue;
            var duration = spec["leaseDurationSeconds"] is JsonValue d && d.TryGetValue<int>(out var s) ? TimeSpan.FromSeconds(s) : leaseDuration;
            var expired = renewed + duration < now;
            if (!string.IsNullOrEmpty(holder) && holder != identity && !expired)
            {
                return new LeaseState(false, holder, null);
            }

            var transitions = spec["leaseTransitions"] is JsonValue tv && tv.TryGetValue<int>(out var n) ? n : 0;
            var next = NewLease(now, holder == identity ? transitions : transitions + 1);
            next["metadata"]!["resourceVersion"] = (lease["metadata"] as JsonObject)?["resourceVersion"]?.DeepClone();
            if (holder == identity && spec["acquireTime"] is { } acquired)
            {
                next["spec"]!["acquireTime"] = acquired.DeepClone();
            }

            await client.ReplaceAsync(KubeResource.Leases, ns, name, next, cancellation).ConfigureAwait(false);
            return new LeaseState(true, identity, null);
        }
        catch (KubeConflictException)
        {
            var current = await client.GetAsync(KubeResource.Leases, ns, name, cancellation).ConfigureAwait(false);
            return new LeaseState(false, current?["spec"] is JsonObject spec ? Str(spec, "holderIdentity") : null, null);
        }
        catch (KubeApiException ex)
        {
            return new LeaseState(false, null, ex.Message);
        }
    }

    private JsonObject NewLease(DateTimeOffset now, int transitions)
    {
        var stamp = MicroTime(now);
        return new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject
            {
                ["holderIdentity"] = identity,
                ["leaseDurationSeconds"] = (int)Math.Ceiling(leaseDuration.TotalSeconds),
                ["acquireTime"] = stamp,
                ["renewTime"] = stamp,
                ["leaseTransitions"] = transitions,
            },
        };
    }

    /// <summary>metav1.MicroTime: RFC 3339 with microseconds.</summary>
    private static string MicroTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
