using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Envoy.Fix;
using LlmdDoctor.Envoy.Tests.ConfigDump;

namespace LlmdDoctor.Envoy.Tests.Fix;

/// <summary>The runbooks show the manifests exactly as <c>fix --gateway</c> prints them (placeholders for the names).</summary>
public sealed class RunbookManifestTests
{
    private static readonly Gateway Placeholder = new() { Metadata = new ObjectMeta { Namespace = "<gateway-namespace>", Name = "<gateway>" } };

    private static string Manifest(string code)
    {
        var subject = Subject.Gateway(Placeholder.Metadata.Ns, Placeholder.Metadata.Name);
        var finding = code == "LLMD0204"
            ? FindingCatalog.EndpointPickerUnreachableFromGateway.At(subject, ("gateway", "g"), ("cluster", "outbound|9002||<epp-service>.<epp-namespace>.svc.cluster.local"), ("detail", "d"))
            : FindingCatalog.ExtProcBodyLossRisk.At(subject, ("gateway", "g"), ("route", "r"), ("mode", "m"), ("envoyVersion", "1.34.1"));
        var step = GatewayRemedy.For(Placeholder, [finding], new DoctorInputs()).Steps.Single();
        return Manifests.Write(step.Manifest!);
    }

    [Theory]
    [InlineData("LLMD0204", "LLMD0204")]
    [InlineData("LLMD0204", "LLMD0301")]
    [InlineData("LLMD0301", "LLMD0301")]
    public void Runbook_shows_the_manifest_fix_prints(string code, string runbook)
    {
        var text = File.ReadAllText(Path.Combine(EnvoyFixtures.RepoRoot(), "runbooks", runbook + ".md"));
        var manifest = Manifest(code);
        Assert.True(text.Contains(manifest, StringComparison.Ordinal), $"runbooks/{runbook}.md lacks:\n{manifest}");
    }

    [Theory]
    [InlineData("LLMD0204")]
    [InlineData("LLMD0301")]
    [InlineData("LLMD0302")]
    [InlineData("LLMD0304")]
    [InlineData("LLMD0306")]
    [InlineData("LLMD0401")]
    [InlineData("LLMD0801")]
    public void Runbook_never_recommends_the_removed_command_or_a_buffered_patch(string runbook)
    {
        var text = File.ReadAllText(Path.Combine(EnvoyFixtures.RepoRoot(), "runbooks", runbook + ".md"));
        Assert.DoesNotContain("fix envoyfilter", text, StringComparison.Ordinal);
        Assert.DoesNotContain("request_body_mode: BUFFERED", text, StringComparison.Ordinal);
    }
}
