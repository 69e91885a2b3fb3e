using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Envoy;

/// <summary>
/// Which Envoy minor each Istio minor ships, for dumps that carry the Istio version but no Envoy build
/// version. Source: envoyproxy/envoy issue #46237 (Istio 1.26.2 ↔ Envoy 1.34, 1.27.9 ↔ 1.35.13,
/// 1.28.8 ↔ 1.36.9, 1.29.5 ↔ 1.37.5); OSSM's 1.26.2-redhat is built on the same proxy line.
/// </summary>
public static class IstioEnvoyVersions
{
    private static readonly Dictionary<(int, int), (int, int)> EnvoyOfIstio = new()
    {
        [(1, 26)] = (1, 34),
        [(1, 27)] = (1, 35),
        [(1, 28)] = (1, 36),
        [(1, 29)] = (1, 37),
    };

    /// <summary>A version from text (<c>1.34.1</c>, <c>v1.27.0</c>, <c>1.26.2-redhat</c>), or null.</summary>
    public static ComponentVersion? Parse(string? text) => ComponentVersion.TryParse(text, out var v) ? v : null;

    /// <summary>The Envoy minor (patch 0) that Istio <paramref name="istio"/> ships, when known.</summary>
    public static ComponentVersion? EnvoyOf(ComponentVersion? istio) =>
        istio is { } v && EnvoyOfIstio.TryGetValue((v.Major, v.Minor), out var envoy)
            ? new ComponentVersion(envoy.Item1, envoy.Item2, 0)
            : null;
}
