using LlmdDoctor.Core.Cluster;
using System.Text.Json;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.Admin;

/// <summary>
/// Envoy admin <c>/server_info</c>: <c>version</c> is <c>&lt;sha&gt;/&lt;semver&gt;/&lt;Clean|Modified&gt;/&lt;RELEASE|DEBUG&gt;/BoringSSL</c>;
/// the Envoy version is its second segment.
/// </summary>
public sealed record EnvoyServerInfo(string? VersionString, ComponentVersion? EnvoyVersion, string? State, string? IstioVersion, string? Problem)
{
    public static EnvoyServerInfo Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Failed("not a JSON object");
            }

            var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var state = root.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            string? istio = null;
            if (root.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.Object
                && node.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("ISTIO_VERSION", out var iv) && iv.ValueKind == JsonValueKind.String)
            {
                istio = iv.GetString();
            }

            return new EnvoyServerInfo(version, VersionOf(version), state, istio, null);
        }
        catch (JsonException ex)
        {
            return Failed($"invalid JSON: {ex.Message}");
        }
    }

    /// <summary>The semver segment of a <c>/server_info</c> version string.</summary>
    public static ComponentVersion? VersionOf(string? versionString)
    {
        var parts = versionString?.Split('/') ?? [];
        return parts.Length >= 2 ? IstioEnvoyVersions.Parse(parts[1]) : null;
    }

    private static EnvoyServerInfo Failed(string problem) => new(null, null, null, null, problem);
}
