using System.Globalization;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0701: the always-firing <c>LlmdDoctorHeartbeat</c> alert is not active in Alertmanager, so no alert from
/// this cluster's rules would reach anyone (rule not loaded, evaluator not sending, or a different Alertmanager).
/// </summary>
public sealed class AlertDeliveryBrokenCheck : ICheck
{
    public const string HeartbeatAlert = "LlmdDoctorHeartbeat";

    public string Name => "alerting.HeartbeatDelivered";
    public string Description => "the doctor's heartbeat alert is visible in Alertmanager";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Alertmanager];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.AlertDeliveryBroken];

    public void Run(CheckContext context)
    {
        var facts = context.Inputs.Monitoring.Alertmanager
            ?? throw new InvalidOperationException("the Alertmanager input is available but the collector recorded no Alertmanager facts");
        if (facts.ActiveHeartbeatAlerts > 0)
        {
            return;
        }

        var ruleExists = context.Cluster.PrometheusRules.Any(r => r.Spec.Groups.SelectMany(g => g.Rules).Any(e => e.Alert == HeartbeatAlert));
        var detail = facts.HeartbeatAlerts > 0
            ? $"{facts.HeartbeatAlerts.ToString(CultureInfo.InvariantCulture)} {HeartbeatAlert} alert(s) are there but none is active (silenced or inhibited)"
            : ruleExists
                ? $"the PrometheusRule defining {HeartbeatAlert} exists, but its alert never arrived: check where the evaluator sends alerts"
                : $"no alert named {HeartbeatAlert}, and no PrometheusRule in the snapshot defines it";
        context.Report(FindingCatalog.AlertDeliveryBroken.At(MonitoringCheckInputs.ForUrl(facts.Url, "alertmanager"),
            ("alertmanager", facts.Url), ("detail", detail)));
    }
}
