using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Tests.Cluster;

/// <summary>Gateway API hostname intersection of a route and its listener, and the Host a probe carries.</summary>
public sealed class GatewayHostnamesTests
{
    public static TheoryData<string, string, bool> Matching => new()
    {
        { "models.example.com", "models.example.com", true },
        { "models.example.com", "MODELS.example.com", true },
        { "models.example.com", "other.example.com", false },
        { "*.example.com", "models.example.com", true },
        { "*.example.com", "a.b.example.com", true },
        { "*.example.com", "example.com", false },
        { "*.example.com", "models.example.org", false },
    };

    [Theory]
    [MemberData(nameof(Matching))]
    public void Exact_and_wildcard_hostnames_match_as_gateway_api_defines(string pattern, string host, bool matches) =>
        Assert.Equal(matches, GatewayHostnames.Matches(pattern, host));

    public static TheoryData<string[], string?, string?> ProbeHosts => new()
    {
        { [], null, null },                                                              // any host: no Host needed
        { [], "gw.apps.example.com", "gw.apps.example.com" },                            // the listener's
        { [], "*.apps.example.com", "llmd-doctor-probe.apps.example.com" },              // a wildcard made concrete
        { ["models.example.com"], null, "models.example.com" },                          // the route's
        { ["models.apps.example.com"], "*.apps.example.com", "models.apps.example.com" },// route inside the listener's wildcard
        { ["*.example.com"], "gw.example.com", "gw.example.com" },                       // listener inside the route's wildcard
        { ["*.example.com"], "*.apps.example.com", "llmd-doctor-probe.apps.example.com" },// the narrower wildcard
        { ["*.apps.example.com"], "*.example.com", "llmd-doctor-probe.apps.example.com" },
        { ["other.example.org", "models.example.com"], "*.example.com", "models.example.com" }, // the first that intersects
        { ["models.example.org"], "gw.example.com", null },                              // no intersection: the route cannot attach
    };

    [Theory]
    [MemberData(nameof(ProbeHosts))]
    public void A_probe_carries_a_host_of_the_route_and_listener_intersection(string[] routeHostnames, string? listenerHostname, string? expected) =>
        Assert.Equal(expected, GatewayHostnames.ProbeHost(routeHostnames, listenerHostname));

    [Fact]
    public void No_intersection_is_empty_and_no_hostnames_at_all_is_any_host()
    {
        Assert.Empty(GatewayHostnames.Effective(["a.example.org"], "b.example.com")!);
        Assert.Null(GatewayHostnames.Effective([], null));
    }
}
