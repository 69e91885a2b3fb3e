using System.Globalization;

namespace LlmdDoctor.Core.Cluster;

/// <summary>A <c>major.minor.patch</c> version as Istio and Envoy print them (<c>v1.26.2</c>, <c>1.26.2-redhat</c>, <c>1.28.1</c>).</summary>
public readonly record struct ComponentVersion(int Major, int Minor, int Patch) : IComparable<ComponentVersion>
{
    public static bool TryParse(string? text, out ComponentVersion version)
    {
        version = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var t = text.Trim().TrimStart('v', 'V');
        var end = 0;
        while (end < t.Length && (char.IsDigit(t[end]) || t[end] == '.'))
        {
            end++;
        }

        var parts = t[..end].Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }

        var patch = parts.Length > 2 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        version = new ComponentVersion(major, minor, patch);
        return true;
    }

    public int CompareTo(ComponentVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor != other.Minor ? Minor.CompareTo(other.Minor) : Patch.CompareTo(other.Patch);

    public static bool operator <(ComponentVersion a, ComponentVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(ComponentVersion a, ComponentVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(ComponentVersion a, ComponentVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(ComponentVersion a, ComponentVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Major}.{Minor}.{Patch}";
}

/// <summary>Which Istio runs the gateways, and which InferencePool API group that Istio reads.</summary>
public static class IstioVersions
{
    /// <summary>
    /// The control plane version: the Sail/OSSM 3 <c>Istio</c> resource's <c>spec.version</c>, else the image tag of an
    /// <c>istiod</c> Deployment. Null when neither says.
    /// </summary>
    public static ComponentVersion? Of(ClusterSnapshot cluster)
    {
        foreach (var istio in cluster.IstioControlPlanes)
        {
            if (ComponentVersion.TryParse(istio.Spec.Version, out var v))
            {
                return v;
            }
        }

        foreach (var d in cluster.Deployments.Where(d => d.Metadata.Name.StartsWith("istiod", StringComparison.Ordinal)))
        {
            foreach (var image in d.Spec.Template.Spec.Containers.Select(c => c.Image ?? ""))
            {
                var colon = image.LastIndexOf(':');
                if (colon > 0 && ComponentVersion.TryParse(image[(colon + 1)..], out var v))
                {
                    return v;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Istio 1.27.x and OSSM 1.26.2-redhat read <c>inference.networking.x-k8s.io/v1alpha2</c> only (GIE v0.5.0);
    /// 1.28.0+ read <c>inference.networking.k8s.io/v1</c> (istio pkg/config/schema/metadata.yaml @1.28.0).
    /// Istio before 1.26 has no InferencePool support at all.
    /// </summary>
    public static string? PoolGroupRead(ComponentVersion istio) =>
        istio >= new ComponentVersion(1, 28, 0) ? InferencePool.GroupV1
        : istio >= new ComponentVersion(1, 26, 0) ? InferencePool.GroupV1Alpha2
        : null;
}
