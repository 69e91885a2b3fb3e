namespace LlmdDoctor.Core.Cluster;

/// <summary>How a Gateway's Envoy proxies were deployed, which decides where its pods are and its admin port.</summary>
public enum GatewayDeployment
{
    /// <summary>No convention found pods for it.</summary>
    Unknown,

    /// <summary>Istio's automated deployment: pods labelled <c>gateway.networking.k8s.io/gateway-name</c> in the Gateway's namespace.</summary>
    IstioAutomated,

    /// <summary>Istio's manual deployment: <c>spec.addresses</c> names an existing ingress gateway Service; its selector's pods.</summary>
    IstioManual,

    /// <summary>Envoy Gateway, one proxy fleet per Gateway (<c>gateway.envoyproxy.io/owning-gateway-name/-namespace</c>).</summary>
    EnvoyGateway,

    /// <summary>Envoy Gateway with merged gateways: one fleet per GatewayClass (<c>gateway.envoyproxy.io/owning-gatewayclass</c>).</summary>
    EnvoyGatewayMerged,
}

/// <summary>The Envoy pods that serve one Gateway, how they were found, and where their admin endpoint listens.</summary>
/// <param name="Looked">What was looked for, in words (for a report when nothing was found).</param>
public sealed record GatewayProxies(GatewayDeployment Deployment, IReadOnlyList<Pod> Pods, int AdminPort, string Looked)
{
    /// <summary>Istio binds the proxy admin to 127.0.0.1:15000 (istio pilot/cmd/pilot-agent/app/request.go @1.27.0).</summary>
    public const int IstioAdminPort = 15000;

    /// <summary>Envoy Gateway binds the proxy admin to 127.0.0.1:19000 (envoyproxy/gateway internal/xds/bootstrap/bootstrap.go @v1.9.0).</summary>
    public const int EnvoyGatewayAdminPort = 19000;

    /// <summary>Istio's automated deployment labels pods with the Gateway's name (manifests/…/files/kube-gateway.yaml @1.27.0).</summary>
    public const string IstioGatewayNameLabel = "gateway.networking.k8s.io/gateway-name";

    /// <summary>Envoy Gateway owner labels (internal/gatewayapi/translator.go and helpers.go GatewayOwnerLabels @v1.9.0).</summary>
    public const string EnvoyGatewayOwnerNameLabel = "gateway.envoyproxy.io/owning-gateway-name";

    public const string EnvoyGatewayOwnerNamespaceLabel = "gateway.envoyproxy.io/owning-gateway-namespace";

    /// <summary>With <c>mergeGateways</c> Envoy Gateway labels the shared fleet by class only (helpers.go GatewayClassOwnerLabel @v1.9.0).</summary>
    public const string EnvoyGatewayOwnerClassLabel = "gateway.envoyproxy.io/owning-gatewayclass";

    /// <summary>GatewayClass controllerName of Envoy Gateway (api/v1alpha1/envoygateway_types.go @v1.9.0).</summary>
    public const string EnvoyGatewayController = "gateway.envoyproxy.io/gatewayclass-controller";

    /// <summary>
    /// Finds the pods of <paramref name="gateway"/> by the conventions of its implementation (the GatewayClass's
    /// controller; every convention when the class is not in the inventory). Envoy Gateway runs its proxies in its
    /// own namespace (<c>envoy-gateway-system</c> by default) or, in GatewayNamespace mode, in the Gateway's
    /// (internal/infrastructure/kubernetes/proxy_infra.go GetResourceNamespace @v1.9.0): its labels are matched in
    /// every namespace.
    /// </summary>
    public static GatewayProxies Of(ClusterSnapshot cluster, Gateway gateway)
    {
        var controller = cluster.GatewayClasses.FirstOrDefault(c => c.Metadata.Name == gateway.Spec.GatewayClassName)?.Spec.ControllerName;
        var envoyGateway = controller is null || controller == EnvoyGatewayController;
        var istio = controller is null || controller != EnvoyGatewayController;
        var looked = new List<string>();
        var gw = gateway.Metadata;

        if (envoyGateway)
        {
            looked.Add($"pods labelled {EnvoyGatewayOwnerNameLabel}={gw.Name},{EnvoyGatewayOwnerNamespaceLabel}={gw.Ns}");
            var owned = cluster.Pods.Where(p => Label(p, EnvoyGatewayOwnerNameLabel) == gw.Name && Label(p, EnvoyGatewayOwnerNamespaceLabel) == gw.Ns).ToList();
            if (owned.Count > 0)
            {
                return new GatewayProxies(GatewayDeployment.EnvoyGateway, owned, EnvoyGatewayAdminPort, looked[^1]);
            }

            if (gateway.Spec.GatewayClassName.Length > 0)
            {
                looked.Add($"pods labelled {EnvoyGatewayOwnerClassLabel}={gateway.Spec.GatewayClassName}");
                var merged = cluster.Pods.Where(p => Label(p, EnvoyGatewayOwnerClassLabel) == gateway.Spec.GatewayClassName
                    && Label(p, EnvoyGatewayOwnerNameLabel) is null).ToList();
                if (merged.Count > 0)
                {
                    return new GatewayProxies(GatewayDeployment.EnvoyGatewayMerged, merged, EnvoyGatewayAdminPort, looked[^1]);
                }
            }
        }

        if (istio)
        {
            if (ManualService(gateway) is { } manual)
            {
                var service = cluster.FindService(manual.Namespace, manual.Name);
                looked.Add(service is null
                    ? $"Service {manual.Namespace}/{manual.Name} named by spec.addresses (not in the inventory)"
                    : $"pods selected by Service {manual.Namespace}/{manual.Name} named by spec.addresses");
                var pods = service is { Spec.Selector.Count: > 0 }
                    ? cluster.PodsMatching(manual.Namespace, LabelSelector.FromMap(service.Spec.Selector)).ToList()
                    : [];
                return new GatewayProxies(pods.Count > 0 ? GatewayDeployment.IstioManual : GatewayDeployment.Unknown, pods, IstioAdminPort, string.Join("; ", looked));
            }

            looked.Add($"pods labelled {IstioGatewayNameLabel}={gw.Name} in namespace {gw.Ns}");
            var automated = cluster.Pods.Where(p => p.Metadata.Ns == gw.Ns && Label(p, IstioGatewayNameLabel) == gw.Name).ToList();
            if (automated.Count > 0)
            {
                return new GatewayProxies(GatewayDeployment.IstioAutomated, automated, IstioAdminPort, looked[^1]);
            }
        }

        return new GatewayProxies(GatewayDeployment.Unknown, [], envoyGateway && !istio ? EnvoyGatewayAdminPort : IstioAdminPort, string.Join("; ", looked));
    }

    /// <summary>
    /// Istio treats a Gateway as manually deployed when <c>spec.addresses</c> holds Hostname addresses (several
    /// addresses, or one that is not an IP); a short name is a Service in the Gateway's namespace, an FQDN
    /// <c>name.ns.svc…</c> one in <c>ns</c> (pilot/pkg/config/kube/gateway/conversion.go IsManaged and
    /// extractGatewayServices @1.27.0). Hostnames outside the cluster (ServiceEntries) have no pods here.
    /// </summary>
    public static (string Namespace, string Name)? ManualService(Gateway gateway)
    {
        var addresses = gateway.Spec.Addresses;
        if (addresses.Count == 0 || (addresses.Count == 1 && addresses[0].Type is null or "" or "IPAddress"))
        {
            return null;
        }

        var hostname = addresses.FirstOrDefault(a => a.Type == "Hostname")?.Value;
        if (string.IsNullOrEmpty(hostname))
        {
            return null;
        }

        var parts = hostname.Split('.');
        return parts.Length == 1 ? (gateway.Metadata.Ns, parts[0])
            : parts.Length >= 3 && parts[2] == "svc" ? (parts[1], parts[0])
            : null;
    }

    private static string? Label(Pod pod, string key) => pod.Metadata.Labels.GetValueOrDefault(key);
}
