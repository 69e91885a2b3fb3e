using LlmdDoctor.Core.Cluster;
using System.Text.Json;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>Reads the node identity and versions from a <c>BootstrapConfigDump.bootstrap</c>.</summary>
internal static class BootstrapReader
{
    public static bool Read(JsonElement bootstrap, DumpState state)
    {
        var node = ((JsonElement?)bootstrap).Prop("node");
        state.NodeId = node.Str("id");
        state.IstioVersion = node.Prop("metadata").Str("ISTIO_VERSION");
        state.EnvoyVersion = BuildVersion(node.Prop("user_agent_build_version").Prop("version"))
            ?? IstioEnvoyVersions.Parse(node.Str("user_agent_version"));
        return true;
    }

    private static ComponentVersion? BuildVersion(JsonElement? version)
    {
        if (version.Int("major_number") is not { } major || version.Int("minor_number") is not { } minor)
        {
            return null;
        }

        // proto3 JSON omits zero: 1.34.0 has no "patch".
        var patch = version.Int("patch") ?? 0;
        return new ComponentVersion(major, minor, patch);
    }
}
