using LlmdDoctor.Configuration;
using YamlDotNet.RepresentationModel;

namespace LlmdDoctor.Deploy.Tests;

/// <summary>Both overlays render with kubectl's kustomize, and what they render is least-privilege and restricted.</summary>
public sealed class ManifestTests
{
    private const string Ns = "llm-d-monitoring";
    private static readonly string[] ReadVerbs = ["get", "list", "watch"];

    /// <summary>What the checks read (src/LlmdDoctor.Kubernetes/Inventory/InventoryKind.cs), as group/resource.</summary>
    private static readonly string[] ReadResources =
    [
        "/namespaces", "/pods", "/services", "/configmaps", "/secrets", "apps/deployments",
        "gateway.networking.k8s.io/gateways", "gateway.networking.k8s.io/gatewayclasses", "gateway.networking.k8s.io/httproutes",
        "inference.networking.k8s.io/inferencepools", "inference.networking.x-k8s.io/inferencepools",
        "serving.kserve.io/llminferenceservices", "networking.istio.io/envoyfilters", "sailoperator.io/istios",
        "monitoring.coreos.com/servicemonitors", "monitoring.coreos.com/podmonitors", "monitoring.coreos.com/prometheuses",
        "monitoring.coreos.com/prometheusrules",
        "grafana.integreatly.org/grafanas", "grafana.integreatly.org/grafanadatasources", "grafana.integreatly.org/grafanadashboards",
    ];

    public static IEnumerable<object[]> Overlays => Manifests.Overlays;

    private static string GatewayNamespace(string overlay) => overlay == "openshift" ? "openshift-ingress" : "istio-system";

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Renders_the_expected_objects(string overlay)
    {
        var m = Manifests.Of(overlay);
        var kinds = m.Objects.Select(o => $"{o.Str("kind")} {o.Str("metadata", "namespace")}/{o.Str("metadata", "name")}").ToHashSet();
        string[] expected =
        [
            "Namespace /llm-d-monitoring", $"ServiceAccount {Ns}/llmd-doctor", "ClusterRole /llmd-doctor", "ClusterRoleBinding /llmd-doctor",
            $"Role {Ns}/llmd-doctor-leader-election", $"RoleBinding {Ns}/llmd-doctor-leader-election",
            $"Role {GatewayNamespace(overlay)}/llmd-doctor-envoy-admin", $"RoleBinding {GatewayNamespace(overlay)}/llmd-doctor-envoy-admin",
            $"ConfigMap {Ns}/llmd-doctor-config", $"Deployment {Ns}/llmd-doctor", $"Service {Ns}/llmd-doctor",
            $"ServiceMonitor {Ns}/llmd-doctor", $"PrometheusRule {Ns}/llmd-doctor", $"NetworkPolicy {Ns}/llmd-doctor",
        ];
        if (overlay == "openshift")
        {
            expected = [.. expected, "ClusterRoleBinding /llmd-doctor-cluster-monitoring-view"];
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), kinds.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ClusterRole_only_reads_what_the_checks_read(string overlay)
    {
        var role = Manifests.Of(overlay).Single("ClusterRole", "llmd-doctor");
        var granted = new List<string>();
        foreach (var rule in role.Seq("rules"))
        {
            Assert.Null(rule.At("nonResourceURLs"));
            Assert.Null(rule.At("resourceNames"));
            Assert.Equal(ReadVerbs, rule.Strings("verbs").Order(StringComparer.Ordinal));
            granted.AddRange(from g in rule.Strings("apiGroups") from r in rule.Strings("resources") select $"{g}/{r}");
        }

        Assert.Equal(ReadResources.Order(StringComparer.Ordinal), granted.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_only_write_verbs_are_portforward_in_the_gateway_namespace_and_the_lease(string overlay)
    {
        var m = Manifests.Of(overlay);
        var writes = new List<string>();
        foreach (var role in m.OfKind("Role").Concat(m.OfKind("ClusterRole")))
        {
            foreach (var rule in role.Seq("rules"))
            {
                Assert.DoesNotContain("*", rule.Strings("verbs"));
                Assert.DoesNotContain("*", rule.Strings("resources"));
                Assert.DoesNotContain("*", rule.Strings("apiGroups"));
                writes.AddRange(
                    from verb in rule.Strings("verbs").Except(ReadVerbs)
                    from g in rule.Strings("apiGroups")
                    from r in rule.Strings("resources")
                    select $"{role.Str("kind")} {role.Str("metadata", "namespace")} {g}/{r} {verb}");
            }
        }

        string[] expected =
        [
            $"Role {GatewayNamespace(overlay)} /pods/portforward create",
            $"Role {Ns} coordination.k8s.io/leases create",
            $"Role {Ns} coordination.k8s.io/leases update",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), writes.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_binding_grants_to_the_doctor_service_account_only(string overlay)
    {
        var m = Manifests.Of(overlay);
        var bindings = m.OfKind("RoleBinding").Concat(m.OfKind("ClusterRoleBinding")).ToList();
        Assert.NotEmpty(bindings);
        foreach (var b in bindings)
        {
            var subject = Assert.Single(b.Seq("subjects"));
            Assert.Equal(("ServiceAccount", "llmd-doctor", Ns), (subject.Str("kind"), subject.Str("name"), subject.Str("namespace")));
            var refKind = b.Str("roleRef", "kind")!;
            var refName = b.Str("roleRef", "name")!;
            if (refName == "cluster-monitoring-view")
            {
                Assert.Equal(("openshift", "ClusterRole"), (overlay, refKind));
                continue;
            }

            // A RoleBinding's Role must be in the binding's own namespace.
            Assert.Contains(m.OfKind(refKind), r => r.Str("metadata", "name") == refName
                && r.Str("metadata", "namespace") == b.Str("metadata", "namespace"));
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Deployment_meets_pod_security_restricted(string overlay)
    {
        var m = Manifests.Of(overlay);
        Assert.Equal("restricted", m.Single("Namespace", Ns).Str("metadata", "labels", "pod-security.kubernetes.io/enforce"));
        var pod = m.Single("Deployment", "llmd-doctor").At("spec", "template", "spec")!;
        Assert.Equal("llmd-doctor", pod.Str("serviceAccountName"));
        Assert.Equal("true", pod.Str("securityContext", "runAsNonRoot"));
        Assert.Equal("RuntimeDefault", pod.Str("securityContext", "seccompProfile", "type"));
        Assert.Null(pod.At("securityContext", "runAsUser"));
        foreach (var key in new[] { "hostNetwork", "hostPID", "hostIPC" })
        {
            Assert.NotEqual("true", pod.Str(key));
        }

        Assert.All(pod.Seq("volumes"), v => Assert.Null(v.At("hostPath")));
        var container = Assert.Single(pod.Seq("containers"));
        Assert.Empty(pod.Seq("initContainers"));
        Assert.Equal("false", container.Str("securityContext", "allowPrivilegeEscalation"));
        Assert.Equal("true", container.Str("securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("true", container.Str("securityContext", "runAsNonRoot"));
        Assert.NotEqual("true", container.Str("securityContext", "privileged"));
        Assert.Equal(["ALL"], container.Strings("securityContext", "capabilities", "drop"));
        Assert.Null(container.At("securityContext", "capabilities", "add"));
        Assert.Equal("RuntimeDefault", container.Str("securityContext", "seccompProfile", "type"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Deployment_runs_serve_with_probes_resources_and_a_small_footprint(string overlay)
    {
        var pod = Manifests.Of(overlay).Single("Deployment", "llmd-doctor").At("spec", "template", "spec")!;
        var c = Assert.Single(pod.Seq("containers"));
        Assert.Equal("ghcr.io/llm-d-doctor/llmd-doctor:latest", c.Str("image"));
        Assert.Equal(["serve", "--config", "/etc/llmd-doctor/config.yaml"], c.Strings("args"));
        var port = Assert.Single(c.Seq("ports"));
        Assert.Equal(("http", "8080"), (port.Str("name"), port.Str("containerPort")));
        Assert.Equal(("/healthz", "http"), (c.Str("livenessProbe", "httpGet", "path"), c.Str("livenessProbe", "httpGet", "port")));
        Assert.Equal(("/readyz", "http"), (c.Str("readinessProbe", "httpGet", "path"), c.Str("readinessProbe", "httpGet", "port")));
        foreach (var kind in new[] { "requests", "limits" })
        {
            Assert.False(string.IsNullOrEmpty(c.Str("resources", kind, "cpu")), $"resources.{kind}.cpu");
            Assert.False(string.IsNullOrEmpty(c.Str("resources", kind, "memory")), $"resources.{kind}.memory");
        }

        var env = c.Seq("env").ToDictionary(e => e.Str("name")!, e => e.Str("value"), StringComparer.Ordinal);
        Assert.Equal("0", env["DOTNET_gcServer"]);
        Assert.Equal("0", env["DOTNET_EnableDiagnostics"]);
        Assert.True(env.ContainsKey("DOTNET_GCgen0size"));
        Assert.Equal("0", env["DOTNET_TieredPGO"]);

        // The benchmarks measure the footprint with exactly these runtime settings.
        var bench = File.ReadLines(Path.Combine(Tools.RepoRoot, "bench", "run.sh")).Single(l => l.StartsWith("export DOTNET_gcServer=", StringComparison.Ordinal));
        var benchEnv = bench["export ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => (string?)kv[1], StringComparer.Ordinal);
        Assert.Equal(env.Where(kv => kv.Key.StartsWith("DOTNET_", StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal), benchEnv.OrderBy(kv => kv.Key, StringComparer.Ordinal));

        // Config from the ConfigMap at the path the args name; a writable /tmp on a read-only root.
        var mounts = c.Seq("volumeMounts").ToDictionary(v => v.Str("mountPath")!, v => v.Str("name")!, StringComparer.Ordinal);
        var volumes = pod.Seq("volumes").ToDictionary(v => v.Str("name")!, v => v, StringComparer.Ordinal);
        Assert.Equal("llmd-doctor-config", volumes[mounts["/etc/llmd-doctor"]].Str("configMap", "name"));
        Assert.NotNull(volumes[mounts["/tmp"]].At("emptyDir"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ConfigMap_loads_with_the_doctors_own_loader(string overlay)
    {
        var text = Manifests.Of(overlay).Single("ConfigMap", "llmd-doctor-config").Str("data", "config.yaml")!;
        var config = DoctorConfigLoader.Load(text, $"{overlay} ConfigMap", new Dictionary<string, string?>());
        Assert.Equal(TimeSpan.FromSeconds(60), config.Interval);
        Assert.Equal("http://llmd-doctor.llm-d-monitoring.svc:8080/runbooks", config.RunbookBaseUrl);
        if (overlay == "openshift")
        {
            Assert.NotNull(config.Prometheus);
            Assert.Equal("https://thanos-querier.openshift-monitoring.svc:9091", config.Prometheus.Url);
            Assert.Equal("/var/run/secrets/kubernetes.io/serviceaccount/token", config.Prometheus.TokenFile);
            Assert.Equal("/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt", config.Prometheus.CaFile);
            Assert.False(config.Prometheus.InsecureSkipVerify);
        }
        else
        {
            Assert.Null(config.Prometheus); // discovered
        }

        // The loader is strict, so loading above means every key is known: prove it with an unknown one.
        var ex = Assert.Throws<ConfigException>(() => DoctorConfigLoader.Load(text + "\nbogusKey: 1\n", "probe", new Dictionary<string, string?>()));
        Assert.Contains("bogusKey: unknown key", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Service_and_ServiceMonitor_expose_metrics_as_the_alerts_expect(string overlay)
    {
        var m = Manifests.Of(overlay);
        var podLabels = m.Single("Deployment", "llmd-doctor").StringMap("spec", "template", "metadata", "labels");
        var service = m.Single("Service", "llmd-doctor");
        Assert.All(service.StringMap("spec", "selector"), kv => Assert.Equal(kv.Value, podLabels[kv.Key]));
        var port = Assert.Single(service.Seq("spec", "ports"));
        Assert.Equal(("http", "8080"), (port.Str("name"), port.Str("port")));

        var monitor = m.Single("ServiceMonitor", "llmd-doctor");
        var serviceLabels = service.StringMap("metadata", "labels");
        Assert.All(monitor.StringMap("spec", "selector", "matchLabels"), kv => Assert.Equal(kv.Value, serviceLabels[kv.Key]));
        var endpoint = Assert.Single(monitor.Seq("spec", "endpoints"));
        Assert.Equal(("http", "/metrics"), (endpoint.Str("port"), endpoint.Str("path")));
        // The alerts read exported_namespace and job="llmd-doctor" (the Service name): both follow from these.
        Assert.NotEqual("true", endpoint.Str("honorLabels"));
        Assert.Null(monitor.At("spec", "jobLabel"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void NetworkPolicy_admits_the_scrapers_and_lets_the_doctor_reach_what_it_checks(string overlay)
    {
        var policy = Manifests.Of(overlay).Single("NetworkPolicy", "llmd-doctor");
        Assert.Equal("llmd-doctor", policy.Str("spec", "podSelector", "matchLabels", "app.kubernetes.io/name"));
        Assert.Equal(["Ingress", "Egress"], policy.Strings("spec", "policyTypes"));
        var ingress = Assert.Single(policy.Seq("spec", "ingress"));
        Assert.Equal("8080", Assert.Single(ingress.Seq("ports")).Str("port"));
        var from = Assert.Single(ingress.Seq("from")).Seq("namespaceSelector", "matchExpressions").Single();
        Assert.Contains(overlay == "openshift" ? "openshift-user-workload-monitoring" : "monitoring", from.Strings("values"));

        var egress = policy.Seq("spec", "egress").SelectMany(r => r.Seq("ports"))
            .Select(p => $"{p.Str("port")}/{p.Str("protocol")}").ToHashSet(StringComparer.Ordinal);
        // DNS, API server, gateways, vLLM, EPP ext_proc + health, Prometheus, Thanos, Alertmanager, Grafana.
        Assert.Subset(egress, new HashSet<string>(["53/UDP", "53/TCP", "443/TCP", "6443/TCP", "80/TCP", "8000/TCP", "9002/TCP", "9003/TCP",
            "9090/TCP", "9091/TCP", "9093/TCP", "3000/TCP"]));
    }

    [Fact]
    public void Only_the_OpenShift_rule_is_scoped_to_the_user_workload_prometheus()
    {
        const string scope = "openshift.io/prometheus-rule-evaluation-scope";
        Assert.Equal("leaf-prometheus", Manifests.Of("openshift").Single("PrometheusRule", "llmd-doctor").Str("metadata", "labels", scope));
        Assert.Null(Manifests.Of("kubernetes").Single("PrometheusRule", "llmd-doctor").Str("metadata", "labels", scope));
    }

    [Fact]
    public void The_grafana_dashboard_object_imports_the_generated_ConfigMap()
    {
        var m = Manifests.Grafana;
        var dashboard = m.Single("GrafanaDashboard", "llmd-doctor");
        Assert.Equal("grafana.integreatly.org/v1beta1", dashboard.Str("apiVersion"));
        Assert.Equal(Ns, dashboard.Str("metadata", "namespace"));
        Assert.NotNull(dashboard.At("spec", "instanceSelector", "matchLabels"));
        var name = dashboard.Str("spec", "configMapRef", "name")!;
        var key = dashboard.Str("spec", "configMapRef", "key")!;
        var configMap = m.Single("ConfigMap", name);
        Assert.Equal(Ns, configMap.Str("metadata", "namespace"));
        var json = System.Text.Json.Nodes.JsonNode.Parse(configMap.Str("data", key)!)!;
        Assert.Equal("llmd-doctor", (string?)json["uid"]);
        Assert.Equal(File.ReadAllText(Path.Combine(Tools.RepoRoot, "deploy", "grafana", "llmd-doctor.json")), configMap.Str("data", key));
    }
}
