using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Tests.Runner;

public sealed class CheckRunnerTests
{
    private sealed class FakeCheck(string name, Action<CheckContext> run, params CheckInput[] inputs) : ICheck
    {
        public string Name => name;
        public string Description => "test check";
        public IReadOnlyList<CheckInput> Inputs { get; } = inputs.Length == 0 ? [CheckInput.Gateways] : inputs;
        public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.GatewayNotReady];
        public void Run(CheckContext context) => run(context);
    }

    private static DoctorInputs With(params (CheckInput Input, InputState State)[] states) =>
        new() { States = states.ToDictionary(s => s.Input, s => s.State) };

    private static readonly DoctorInputs AllAvailable = With((CheckInput.Gateways, InputState.Available("test")), (CheckInput.Pods, InputState.Available("test")));

    private static void ReportOne(CheckContext c) =>
        c.Report(FindingCatalog.GatewayNotReady.At(Subject.Gateway("ns", "gw"), ("gateway", "ns/gw"), ("reason", "r")));

    [Fact]
    public async Task A_healthy_check_reports_what_it_found_with_its_name()
    {
        var run = await new CheckRunner().RunAsync([new FakeCheck("test.Reports", ReportOne)], AllAvailable);
        var finding = Assert.Single(run.Findings);
        Assert.Equal("LLMD0101", finding.Code);
        Assert.Equal("test.Reports", finding.Check);
        Assert.Equal(1, run.ChecksRun);
        Assert.Empty(run.Skipped);
    }

    [Fact]
    public async Task A_check_that_finds_nothing_reports_nothing()
    {
        var run = await new CheckRunner().RunAsync([new FakeCheck("test.Quiet", _ => { })], AllAvailable);
        Assert.Empty(run.Findings);
        Assert.Equal(1, run.ChecksRun);
    }

    [Fact]
    public async Task A_throwing_check_becomes_LLMD0001_naming_the_check()
    {
        var run = await new CheckRunner().RunAsync(
            [new FakeCheck("test.Throws", _ => throw new InvalidOperationException("boom")), new FakeCheck("test.After", ReportOne)], AllAvailable);
        var failure = Assert.Single(run.Findings, f => f.Code == "LLMD0001");
        Assert.Equal("test.Throws", failure.Subject.Name);
        Assert.Contains("test.Throws", failure.Message);
        Assert.Contains("boom", failure.Message);
        Assert.Single(run.Findings, f => f.Code == "LLMD0101");
        Assert.True(run.Outcomes.Single(o => o.Check == "test.Throws").Failed);
    }

    [Fact]
    public async Task Reporting_an_undeclared_code_is_a_check_bug()
    {
        var check = new FakeCheck("test.Undeclared", c => c.Report(FindingCatalog.KnownIssue.At(Subject.Doctor("x"), ("issue", "i"), ("detail", "d"))));
        var run = await new CheckRunner().RunAsync([check], AllAvailable);
        var failure = Assert.Single(run.Findings);
        Assert.Equal("LLMD0001", failure.Code);
        Assert.Contains("LLMD0801", failure.Message);
    }

    [Fact]
    public async Task A_slow_check_is_cut_at_its_timeout()
    {
        using var release = new ManualResetEventSlim();
        var check = new FakeCheck("test.Slow", c => { ReportOne(c); release.Wait(TimeSpan.FromSeconds(10)); });
        var started = DateTime.UtcNow;
        var run = await new CheckRunner(TimeSpan.FromMilliseconds(200)).RunAsync([check], AllAvailable);
        release.Set();
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        var failure = Assert.Single(run.Findings);
        Assert.Equal("LLMD0001", failure.Code);
        Assert.Contains("did not finish within 0.2 s", failure.Message);
    }

    [Theory]
    [InlineData(InputStatus.NotCollected)]
    [InlineData(InputStatus.Absent)]
    public async Task A_check_with_a_missing_input_is_skipped_with_the_reason(InputStatus status)
    {
        var state = new InputState(status, "gateway.networking.k8s.io/v1 gateways", "the Gateway API CRDs are not installed");
        var ran = false;
        var run = await new CheckRunner().RunAsync([new FakeCheck("test.NeedsGateways", _ => ran = true)], With((CheckInput.Gateways, state)));
        Assert.False(ran);
        Assert.Empty(run.Findings);
        var skip = Assert.Single(run.Skipped);
        Assert.Equal("test.NeedsGateways", skip.Check);
        Assert.Contains("not installed", skip.Reason);
        Assert.Equal(1, run.ChecksSkipped);
    }

    [Fact]
    public async Task An_input_never_collected_is_a_skip_not_silence()
    {
        var run = await new CheckRunner().RunAsync([new FakeCheck("test.NeedsProbes", ReportOne, CheckInput.Probes)], AllAvailable);
        Assert.Empty(run.Findings);
        Assert.Contains("Probes was not collected", Assert.Single(run.Skipped).Reason);
    }

    [Fact]
    public async Task Denied_inputs_become_one_LLMD0002_per_resource_naming_the_checks()
    {
        var denied = InputState.Denied("pods (v1)", "pods is forbidden: cannot list resource \"pods\"");
        var checks = new[] { new FakeCheck("test.A", ReportOne, CheckInput.Pods), new FakeCheck("test.B", ReportOne, CheckInput.Pods) };
        var run = await new CheckRunner().RunAsync(checks, With((CheckInput.Pods, denied)));
        var finding = Assert.Single(run.Findings);
        Assert.Equal("LLMD0002", finding.Code);
        Assert.Equal("pods (v1)", finding.Evidence["resource"]);
        Assert.Equal("test.A, test.B", finding.Evidence["checks"]);
        Assert.Equal(2, run.Skipped.Count);
    }

    [Fact]
    public async Task Unreachable_sources_become_LLMD0003()
    {
        var down = InputState.Unavailable("https://thanos-querier.openshift-monitoring.svc:9091", "connection refused");
        var run = await new CheckRunner().RunAsync([new FakeCheck("test.Prom", ReportOne, CheckInput.Prometheus)], With((CheckInput.Prometheus, down)));
        var finding = Assert.Single(run.Findings);
        Assert.Equal("LLMD0003", finding.Code);
        Assert.Contains("connection refused", finding.Message);
        Assert.Contains("test.Prom", finding.Message);
    }

    [Fact]
    public async Task A_check_may_say_it_could_not_conclude()
    {
        var run = await new CheckRunner().RunAsync([new FakeCheck("test.Unsure", c => c.Skip("the Istio version is unknown"))], AllAvailable);
        Assert.Empty(run.Findings);
        Assert.Equal("the Istio version is unknown", Assert.Single(run.Skipped).Reason);
    }
}
