using LlmdDoctor.Core.Checks.Sources;
using System.Text.RegularExpressions;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Runbooks;

namespace LlmdDoctor.Core.Tests.Catalog;

public sealed partial class CatalogTests
{
    [GeneratedRegex(@"^LLMD\d{4}$")]
    private static partial Regex CodeShape();

    [Fact]
    public void Codes_are_well_formed_unique_and_in_order()
    {
        var codes = FindingCatalog.All.Select(d => d.Code).ToList();
        Assert.All(codes, c => Assert.Matches(CodeShape(), c));
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
        Assert.Equal(FindingCatalog.All.Count, FindingCatalog.All.Select(d => d.Name).Distinct().Count());
    }

    [Fact]
    public void The_catalog_holds_every_code_of_the_design_contract()
    {
        // design.md §5: codes and names are a contract, only ever added to.
        string[] contract =
        [
            "LLMD0001 CheckFailed", "LLMD0002 PermissionDenied", "LLMD0003 SourceUnavailable",
            "LLMD0101 GatewayNotReady", "LLMD0102 HTTPRouteNotAccepted", "LLMD0103 RouteBackendMissing",
            "LLMD0201 InferencePoolNotAccepted", "LLMD0202 InferencePoolNoReadyEndpoints", "LLMD0203 EndpointPickerNotReady",
            "LLMD0204 EndpointPickerUnreachableFromGateway", "LLMD0205 EndpointPickerRejects", "LLMD0206 InferencePoolApiMismatch",
            "LLMD0301 ExtProcBodyLossRisk", "LLMD0302 EnvoyFilterFixNotCovering", "LLMD0303 EnvoyFilterStaleRouteName",
            "LLMD0304 ExtProcTrailerModeMissing", "LLMD0305 EnvoyRouteNotProgrammed", "LLMD0306 BufferedOverrideStallsPicker",
            "LLMD0401 ChatCompletionBodyLost", "LLMD0402 ModelNameMismatch", "LLMD0403 GatewayAuthRequired", "LLMD0404 GatewayProbeFailed",
            "LLMD0405 InferenceRequestShed", "LLMD0406 NoHealthyUpstream", "LLMD0407 EndpointPickerBypassed", "LLMD0408 ModelListFailing",
            "LLMD0409 ProbeSlow",
            "LLMD0501 UserWorkloadMonitoringDisabled", "LLMD0502 NamespaceNotMonitored", "LLMD0503 MonitorMissing",
            "LLMD0504 MonitorSelectsNothing", "LLMD0505 ScrapeTargetsDown", "LLMD0506 MetricsAbsent", "LLMD0507 MetricPrefixMismatch",
            "LLMD0508 GpuMetricsAbsent",
            "LLMD0601 DatasourceUnreachable", "LLMD0602 DatasourceUnauthorized", "LLMD0603 DatasourceSchemeMismatch",
            "LLMD0604 GrafanaNoMatchingInstance", "LLMD0605 GrafanaDatasourceNotSynced", "LLMD0606 GrafanaDatasourceUnhealthy",
            "LLMD0607 DashboardQueriesEmpty",
            "LLMD0701 AlertDeliveryBroken", "LLMD0702 AlertRulesNotLoaded",
            "LLMD0801 KnownIssue",
        ];
        // Codes added beyond design.md §5 (additions only, never renames), each for an issue that asked for it.
        string[] added =
        [
            "LLMD0104 EnvoyDumpWithoutGateway", // issue 15 item 7: a dump whose pod maps to no Gateway is reported (info)
            "LLMD0608 GrafanaDashboardNotLoaded", // issue 17 item 4: a dashboard whose configMapRef is missing is loaded nowhere
        ];
        Assert.Equal(contract.Concat(added).Order(StringComparer.Ordinal), FindingCatalog.All.Select(d => $"{d.Code} {d.Name}"));
    }

    [Theory]
    [InlineData("LLMD0001", Severity.Warning)]
    [InlineData("LLMD0101", Severity.Critical)]
    [InlineData("LLMD0206", Severity.Warning)]
    [InlineData("LLMD0306", Severity.Critical)]
    [InlineData("LLMD0403", Severity.Info)]
    [InlineData("LLMD0409", Severity.Info)]
    [InlineData("LLMD0507", Severity.Warning)]
    [InlineData("LLMD0701", Severity.Critical)]
    [InlineData("LLMD0801", Severity.Warning)]
    public void Default_severities_follow_the_contract(string code, Severity expected) =>
        Assert.Equal(expected, FindingCatalog.Find(code)!.DefaultSeverity);

    [Fact]
    public void Every_code_has_a_runbook_and_every_runbook_a_code()
    {
        var codes = FindingCatalog.All.Select(d => d.Code).ToList();
        Assert.Equal(codes, RunbookLibrary.Codes);
    }

    [Fact]
    public void Every_runbook_names_its_code_severity_and_has_the_five_sections()
    {
        foreach (var definition in FindingCatalog.All)
        {
            var text = RunbookLibrary.Get(definition.Code)!;
            var lines = text.Split('\n');
            Assert.Equal($"# {definition.Code} {definition.Name}", lines[0].TrimEnd());
            Assert.StartsWith($"Severity: {definition.DefaultSeverity.ToName()} ", lines[2]);
            var sections = lines.Where(l => l.StartsWith("## ", StringComparison.Ordinal)).Select(l => l.TrimEnd()).ToList();
            Assert.Equal(["## Meaning", "## Impact", "## Diagnosis", "## Mitigation", "## Verify"], sections);
            Assert.Contains("```", text);
        }
    }

    [Fact]
    public void Monitoring_and_Grafana_runbooks_give_both_the_OpenShift_and_the_vanilla_Kubernetes_commands()
    {
        foreach (var definition in FindingCatalog.All.Where(d => d.Code.StartsWith("LLMD05", StringComparison.Ordinal) || d.Code.StartsWith("LLMD06", StringComparison.Ordinal)))
        {
            var text = RunbookLibrary.Get(definition.Code)!;
            var diagnosis = text[text.IndexOf("## Diagnosis", StringComparison.Ordinal)..text.IndexOf("## Mitigation", StringComparison.Ordinal)];
            Assert.True(Regex.IsMatch(diagnosis, @"(^|\s)oc (get|exec|describe|auth|set|label)\b", RegexOptions.Multiline), $"{definition.Code}: no oc command in Diagnosis");
            Assert.True(Regex.IsMatch(diagnosis, @"(^|\s)kubectl (get|exec|describe|auth|set|label|port-forward|run)\b", RegexOptions.Multiline), $"{definition.Code}: no kubectl command in Diagnosis");
        }
    }

    [Fact]
    public void Monitoring_runbooks_write_the_subjects_namespace_as_one_placeholder()
    {
        // <namespace> is what `explain --namespace` fills; no other spelling may stand for the same thing.
        foreach (var definition in FindingCatalog.All.Where(d => d.Code.StartsWith("LLMD05", StringComparison.Ordinal) || d.Code.StartsWith("LLMD06", StringComparison.Ordinal)))
        {
            var text = RunbookLibrary.Get(definition.Code)!;
            Assert.DoesNotContain("<ns>", text);
            Assert.DoesNotContain("<project>", text);
            Assert.DoesNotContain("<sa-from-annotation>", text);
            Assert.DoesNotContain("<image-with-curl>", text);
            Assert.DoesNotContain("thanos-querier.openshift-monitoring.svc:9091   # or port-forward", text);
        }
    }

    [Theory]
    [InlineData("LLMD0502", "team-a", "oc get namespace team-a --show-labels")]
    [InlineData("LLMD0602", "grafana", "oc get grafanadatasource <datasource> -n grafana")]
    [InlineData("LLMD0608", "grafana", "kubectl get grafanadashboard <name> -n grafana")]
    public void A_runbook_for_a_namespace_names_it_everywhere_the_subjects_namespace_goes(string code, string ns, string line)
    {
        var text = RunbookLibrary.Get(code, ns)!;
        Assert.Contains(line, text);
        Assert.DoesNotContain(RunbookLibrary.NamespacePlaceholder, text);
    }

    [Theory]
    [InlineData("LLMD0503", "team-a", "llmd-doctor explain LLMD0503 --namespace team-a")]
    [InlineData("LLMD0503", null, "llmd-doctor explain LLMD0503")]
    [InlineData("LLMD0503", "", "llmd-doctor explain LLMD0503")]
    [InlineData("LLMD0503", "Team A", "llmd-doctor explain LLMD0503")]
    [InlineData("LLMD0503", "a;reboot", "llmd-doctor explain LLMD0503")]
    [InlineData("LLMD0503", "a\u001b[2J", "llmd-doctor explain LLMD0503")]
    public void The_explain_command_carries_only_a_valid_namespace(string code, string? ns, string expected) =>
        Assert.Equal(expected, RunbookLibrary.ExplainCommand(code, ns is null ? null : System.Text.RegularExpressions.Regex.Unescape(ns)));

    [Theory]
    [InlineData("http://llmd-doctor.llm-d-monitoring.svc:8080/runbooks", "http://llmd-doctor.llm-d-monitoring.svc:8080/runbooks/LLMD0504")]
    [InlineData("https://docs.example.org/llmd/runbooks/", "https://docs.example.org/llmd/runbooks/LLMD0504")]
    [InlineData("https://example.org/blob/main/runbooks/{code}.md", "https://example.org/blob/main/runbooks/LLMD0504.md")]
    [InlineData("runbooks", "runbooks/LLMD0504.md")]
    [InlineData("docs/runbooks/", "docs/runbooks/LLMD0504.md")]
    public void Runbook_links_follow_the_base(string runbookBase, string expected) =>
        Assert.Equal(expected, LlmdDoctor.Core.Reporting.ReportBuilder.RunbookLink(runbookBase, "LLMD0504"));

    [Fact]
    public void Every_code_is_emitted_by_a_registered_check_or_listed_pending_with_its_issue()
    {
        var emitted = CheckRegistry.All.SelectMany(c => c.Emits).Concat(FindingCatalog.RunnerCodes).Select(d => d.Code).ToHashSet();
        foreach (var d in FindingCatalog.All)
        {
            var pending = FindingCatalog.Pending.ContainsKey(d.Code);
            Assert.True(emitted.Contains(d.Code) ^ pending,
                pending ? $"{d.Code} is listed pending but a check emits it: remove it from Pending"
                        : $"{d.Code} is emitted by no registered check and not listed pending");
        }

        Assert.All(FindingCatalog.Pending.Values, v => Assert.Matches(@"^issue #\d+$", v));
        Assert.All(FindingCatalog.Pending.Keys, k => Assert.NotNull(FindingCatalog.Find(k)));
    }

    [Fact]
    public void Registered_checks_have_unique_names_descriptions_and_declared_codes()
    {
        var names = CheckRegistry.All.Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(CheckRegistry.All, c =>
        {
            Assert.Matches(@"^[a-z]+\.[A-Za-z]+$", c.Name);
            Assert.False(string.IsNullOrWhiteSpace(c.Description));
            Assert.NotEmpty(c.Emits);
            // Only the checks about the source itself read no input: they report what the collection could not read.
            Assert.True(c.Inputs.Count > 0 || SourceChecks.All.Contains(c), $"{c.Name} declares no input");
        });
    }

    [Fact]
    public void Each_area_list_is_sorted_by_check_name()
    {
        foreach (var list in new[] { ClusterChecks.All, EnvoyChecks.All, EndpointPickerChecks.All, ProbeChecks.All, MonitoringChecks.All })
        {
            var names = list.Select(c => c.Name).ToList();
            Assert.Equal(names.Order(StringComparer.Ordinal), names);
        }
    }

    [Fact]
    public void A_message_template_needs_all_its_evidence()
    {
        var subject = Subject.Gateway("ns", "gw");
        var ex = Assert.Throws<ArgumentException>(() => FindingCatalog.GatewayNotReady.At(subject, ("gateway", "ns/gw")));
        Assert.Contains("reason", ex.Message);
        var finding = FindingCatalog.GatewayNotReady.At(subject, ("gateway", "ns/gw"), ("reason", "no address"));
        Assert.Equal("Gateway ns/gw is not ready: no address", finding.Message);
    }

    [Fact]
    public void Findings_of_one_code_on_one_subject_are_told_apart_by_identity_evidence_only()
    {
        var gateway = Subject.Gateway("openshift-ingress", "maas-gateway");
        var a = FindingCatalog.KnownIssue.At(gateway, ("issue", "envoy-39740"), ("detail", "Envoy 1.34.1"));
        var b = FindingCatalog.KnownIssue.At(gateway, ("issue", "envoy-36520"), ("detail", "Envoy 1.34.1"));
        var aLater = FindingCatalog.KnownIssue.At(gateway, ("issue", "envoy-39740"), ("detail", "Envoy 1.34.2"));

        Assert.NotEqual(a.Identity, b.Identity);
        Assert.Equal(a.Identity, aLater.Identity);
        Assert.NotEqual(a.Identity, FindingCatalog.KnownIssue.At(Subject.Gateway("openshift-ingress", "other"), ("issue", "envoy-39740"), ("detail", "x")).Identity);
    }
}
