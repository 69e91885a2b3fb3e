using LlmdDoctor.Configuration;
using LlmdDoctor.Kubernetes;
using YamlDotNet.Core;

namespace LlmdDoctor.Fuzz.Tests;

/// <summary>Inputs the fuzz harness found, shrunk, each with the fix it led to (see <see cref="ParserFuzzTests"/>).</summary>
public sealed class FoundByFuzzingTests
{
    /// <summary>
    /// A merge key glued to a plain scalar inside a flow mapping, then a line break: YamlDotNet 16.3.0's scanner throws
    /// InvalidOperationException (Scanner.ScanPlainScalar) instead of a YamlException. Found by the config loader target
    /// (seed 5KkQ3NiC8y62: the third config seed with "&lt;&lt;: *a\n" inserted at 0.888 of its length).
    /// </summary>
    public static TheoryData<string> ScannerCrashes => new()
    {
        "limits: {maxBodyBytes: 4096, maxDump<<: *a\nMegabytes: 8, probeHistory: 20}",
        "{a: 1, b<<: *a\nc: 2}",
    };

    [Theory]
    [MemberData(nameof(ScannerCrashes))]
    public void A_YAML_scanner_crash_in_the_config_is_a_ConfigException_naming_the_file(string yaml)
    {
        var ex = Record.Exception(() => DoctorConfigLoader.Load(yaml, "config.yaml", new Dictionary<string, string?>()));
        Assert.StartsWith("config.yaml:", Assert.IsType<ConfigException>(ex).Message, StringComparison.Ordinal);
        Assert.Contains("invalid YAML", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ScannerCrashes))]
    public void A_YAML_scanner_crash_in_an_object_file_is_a_YamlException(string yaml)
    {
        var ex = Record.Exception(() => YamlJson.ParseDocuments(yaml));
        Assert.IsType<YamlException>(ex, exactMatch: false);
    }

    /// <summary>
    /// A gateway override whose value is empty made the loader dereference null (NullReferenceException, exit 134).
    /// Found by the config loader target (seed f4BoBUqK53I1, shrunk by hand to the key alone).
    /// </summary>
    [Theory]
    [InlineData("gateways:\n  overrides:\n    openshift-ingress/maas-gateway:\n", "config.yaml:3: gateways.overrides.openshift-ingress/maas-gateway: expected a mapping")]
    [InlineData("gateways:\n  overrides:\n    openshift-ingress/maas-gateway: \t\t\n", "config.yaml:3: gateways.overrides.openshift-ingress/maas-gateway: expected a mapping")]
    [InlineData("gateways:\n  overrides:\n    openshift-ingress/maas-gateway: 5\n", "config.yaml:3: gateways.overrides.openshift-ingress/maas-gateway: expected a mapping")]
    public void An_empty_gateway_override_is_a_ConfigException(string yaml, string expected)
    {
        var ex = Record.Exception(() => DoctorConfigLoader.Load(yaml, "config.yaml", new Dictionary<string, string?>()));
        Assert.Contains(expected, Assert.IsType<ConfigException>(ex).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gateway_override_with_settings_still_loads()
    {
        var config = DoctorConfigLoader.Load("gateways:\n  overrides:\n    openshift-ingress/maas-gateway: {url: 'https://gw'}\n", "config.yaml", new Dictionary<string, string?>());
        Assert.Equal("https://gw", config.Gateways.Overrides["openshift-ingress/maas-gateway"].Url);
    }
}
