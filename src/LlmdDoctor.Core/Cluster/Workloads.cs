namespace LlmdDoctor.Core.Cluster;

public sealed class Service
{
    public ObjectMeta Metadata { get; set; } = new();
    public ServiceSpec Spec { get; set; } = new();
}

public sealed class ServiceSpec
{
    public string? Type { get; set; }
    public string? ClusterIP { get; set; }
    public Dictionary<string, string> Selector { get; set; } = [];
    public List<ServicePort> Ports { get; set; } = [];
}

public sealed class ServicePort
{
    public string? Name { get; set; }
    public int Port { get; set; }
    public IntOrString? TargetPort { get; set; }
    public string? Protocol { get; set; }
    public string? AppProtocol { get; set; }
}

/// <summary>A Pod as the doctor keeps it: the fields of <see cref="PodFields"/> only (Pods are the kind that grows with the cluster).</summary>
public sealed class Pod
{
    public ObjectMeta Metadata { get; set; } = new();
    public PodSpec Spec { get; set; } = new();
    public PodStatus Status { get; set; } = new();

    /// <summary>Running with condition Ready=True (what Endpoints/EndpointSlices count as ready).</summary>
    public bool IsReady => Status.Phase == "Running" && Status.Conditions.Find("Ready")?.IsTrue == true;

    public bool ExposesPort(int port) => Spec.Containers.Any(c => c.Ports.Any(p => p.ContainerPort == port));

    public int? PortNamed(string name) =>
        Spec.Containers.SelectMany(c => c.Ports).FirstOrDefault(p => p.Name == name)?.ContainerPort;
}

public sealed class PodTemplate
{
    public ObjectMeta Metadata { get; set; } = new();
    public PodSpec Spec { get; set; } = new();
}

public sealed class PodSpec
{
    public string? NodeName { get; set; }
    public List<Container> Containers { get; set; } = [];
}

public sealed class Container
{
    public string Name { get; set; } = "";
    public string? Image { get; set; }
    public List<string> Args { get; set; } = [];
    public List<string> Command { get; set; } = [];
    public List<ContainerPortSpec> Ports { get; set; } = [];
    public ResourceRequirements Resources { get; set; } = new();

    /// <summary>Literal environment variables (<c>valueFrom</c> is not read: its value is not in the object).</summary>
    public List<EnvVar> Env { get; set; } = [];
}

public sealed class EnvVar
{
    public string Name { get; set; } = "";
    public string? Value { get; set; }
}

public sealed class ContainerPortSpec
{
    public string? Name { get; set; }
    public int ContainerPort { get; set; }
    public string? Protocol { get; set; }
}

public sealed class ResourceRequirements
{
    public Dictionary<string, string> Requests { get; set; } = [];
    public Dictionary<string, string> Limits { get; set; } = [];
}

public sealed class PodStatus
{
    public string? Phase { get; set; }
    public string? PodIP { get; set; }
    public List<Condition> Conditions { get; set; } = [];
}

public sealed class Deployment
{
    public ObjectMeta Metadata { get; set; } = new();
    public DeploymentSpec Spec { get; set; } = new();
    public DeploymentStatus Status { get; set; } = new();
}

public sealed class DeploymentSpec
{
    public int? Replicas { get; set; }
    public LabelSelector Selector { get; set; } = new();
    public PodTemplate Template { get; set; } = new();
}

public sealed class DeploymentStatus
{
    public int Replicas { get; set; }
    public int ReadyReplicas { get; set; }
    public int AvailableReplicas { get; set; }
    public List<Condition> Conditions { get; set; } = [];
}

/// <summary>apps/v1 StatefulSet: only what says which pods it makes.</summary>
public sealed class StatefulSet
{
    public ObjectMeta Metadata { get; set; } = new();
    public StatefulSetSpec Spec { get; set; } = new();
}

public sealed class StatefulSetSpec
{
    public int? Replicas { get; set; }
    public LabelSelector Selector { get; set; } = new();
    public PodTemplate Template { get; set; } = new();
}

/// <summary>
/// leaderworkerset.x-k8s.io/v1 LeaderWorkerSet: <c>replicas</c> groups of <c>size</c> pods, one leader (from
/// <c>leaderTemplate</c>, else <c>workerTemplate</c>) and size-1 workers (kubernetes-sigs/lws
/// api/leaderworkerset/v1/leaderworkerset_types.go @060ab4d, v0.10.0+11).
/// </summary>
public sealed class LeaderWorkerSet
{
    /// <summary>Label the LWS controller puts on every pod of the set (its name).</summary>
    public const string SetNameLabel = "leaderworkerset.sigs.k8s.io/name";

    /// <summary>Label with the pod's index in its group: 0 for the leader.</summary>
    public const string WorkerIndexLabel = "leaderworkerset.sigs.k8s.io/worker-index";

    public ObjectMeta Metadata { get; set; } = new();
    public LeaderWorkerSetSpec Spec { get; set; } = new();
}

public sealed class LeaderWorkerSetSpec
{
    public int? Replicas { get; set; }
    public LeaderWorkerTemplate LeaderWorkerTemplate { get; set; } = new();
}

public sealed class LeaderWorkerTemplate
{
    public PodTemplate? LeaderTemplate { get; set; }
    public PodTemplate WorkerTemplate { get; set; } = new();
    public int? Size { get; set; }
}

public sealed class Namespace
{
    public ObjectMeta Metadata { get; set; } = new();
}

public sealed class ConfigMap
{
    public ObjectMeta Metadata { get; set; } = new();
    public Dictionary<string, string> Data { get; set; } = [];
}

/// <summary>A Secret as the doctor keeps it: name and type only. Its data is never read into the snapshot.</summary>
public sealed class SecretInfo
{
    public ObjectMeta Metadata { get; set; } = new();
    public string? Type { get; set; }
}

/// <summary>KServe <c>serving.kserve.io</c> LLMInferenceService (v1alpha1/v1alpha2).</summary>
public sealed class LlmInferenceService
{
    public ObjectMeta Metadata { get; set; } = new();
    public LlmInferenceServiceSpec Spec { get; set; } = new();
    public LlmInferenceServiceStatus Status { get; set; } = new();
}

public sealed class LlmInferenceServiceSpec
{
    public LlmModelSpec Model { get; set; } = new();
}

public sealed class LlmModelSpec
{
    public string? Uri { get; set; }
    public string? Name { get; set; }
}

public sealed class LlmInferenceServiceStatus
{
    public string? Url { get; set; }
    public List<Condition> Conditions { get; set; } = [];
}

/// <summary>Sail/OSSM 3 <c>sailoperator.io/v1</c> Istio: the control plane version in use.</summary>
public sealed class IstioControlPlane
{
    public ObjectMeta Metadata { get; set; } = new();
    public IstioSpec Spec { get; set; } = new();
}

public sealed class IstioSpec
{
    public string? Version { get; set; }
    public string? Namespace { get; set; }
}
