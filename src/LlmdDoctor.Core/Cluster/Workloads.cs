namespace LlmdDoctor.Core.Cluster;

public sealed class Service
{
    public ObjectMeta Metadata { get; init; } = new();
    public ServiceSpec Spec { get; init; } = new();
}

public sealed class ServiceSpec
{
    public string? Type { get; init; }
    public string? ClusterIP { get; init; }
    public Dictionary<string, string> Selector { get; init; } = [];
    public List<ServicePort> Ports { get; init; } = [];
}

public sealed class ServicePort
{
    public string? Name { get; init; }
    public int Port { get; init; }
    public IntOrString? TargetPort { get; init; }
    public string? Protocol { get; init; }
    public string? AppProtocol { get; init; }
}

public sealed class Pod
{
    public ObjectMeta Metadata { get; init; } = new();
    public PodSpec Spec { get; init; } = new();
    public PodStatus Status { get; init; } = new();

    /// <summary>Running with condition Ready=True (what Endpoints/EndpointSlices count as ready).</summary>
    public bool IsReady => Status.Phase == "Running" && Status.Conditions.Find("Ready")?.IsTrue == true;

    public bool ExposesPort(int port) => Spec.Containers.Any(c => c.Ports.Any(p => p.ContainerPort == port));

    public int? PortNamed(string name) =>
        Spec.Containers.SelectMany(c => c.Ports).FirstOrDefault(p => p.Name == name)?.ContainerPort;
}

public sealed class PodTemplate
{
    public ObjectMeta Metadata { get; init; } = new();
    public PodSpec Spec { get; init; } = new();
}

public sealed class PodSpec
{
    public string? NodeName { get; init; }
    public string? ServiceAccountName { get; init; }
    public List<Container> Containers { get; init; } = [];
}

public sealed class Container
{
    public string Name { get; init; } = "";
    public string? Image { get; init; }
    public List<string> Args { get; init; } = [];
    public List<string> Command { get; init; } = [];
    public List<ContainerPortSpec> Ports { get; init; } = [];
    public ResourceRequirements Resources { get; init; } = new();
}

public sealed class ContainerPortSpec
{
    public string? Name { get; init; }
    public int ContainerPort { get; init; }
    public string? Protocol { get; init; }
}

public sealed class ResourceRequirements
{
    public Dictionary<string, string> Requests { get; init; } = [];
    public Dictionary<string, string> Limits { get; init; } = [];
}

public sealed class PodStatus
{
    public string? Phase { get; init; }
    public string? PodIP { get; init; }
    public List<Condition> Conditions { get; init; } = [];
    public List<ContainerStatus> ContainerStatuses { get; init; } = [];
}

public sealed class ContainerStatus
{
    public string Name { get; init; } = "";
    public bool Ready { get; init; }
    public int RestartCount { get; init; }
}

public sealed class Deployment
{
    public ObjectMeta Metadata { get; init; } = new();
    public DeploymentSpec Spec { get; init; } = new();
    public DeploymentStatus Status { get; init; } = new();
}

public sealed class DeploymentSpec
{
    public int? Replicas { get; init; }
    public LabelSelector Selector { get; init; } = new();
    public PodTemplate Template { get; init; } = new();
}

public sealed class DeploymentStatus
{
    public int Replicas { get; init; }
    public int ReadyReplicas { get; init; }
    public int AvailableReplicas { get; init; }
    public List<Condition> Conditions { get; init; } = [];
}

public sealed class Namespace
{
    public ObjectMeta Metadata { get; init; } = new();
}

public sealed class ConfigMap
{
    public ObjectMeta Metadata { get; init; } = new();
    public Dictionary<string, string> Data { get; init; } = [];
}

/// <summary>A Secret as the doctor keeps it: name and type only. Its data is never read into the snapshot.</summary>
public sealed class SecretInfo
{
    public ObjectMeta Metadata { get; init; } = new();
    public string? Type { get; init; }
}

/// <summary>KServe <c>serving.kserve.io</c> LLMInferenceService (v1alpha1/v1alpha2).</summary>
public sealed class LlmInferenceService
{
    public ObjectMeta Metadata { get; init; } = new();
    public LlmInferenceServiceSpec Spec { get; init; } = new();
    public LlmInferenceServiceStatus Status { get; init; } = new();
}

public sealed class LlmInferenceServiceSpec
{
    public LlmModelSpec Model { get; init; } = new();
}

public sealed class LlmModelSpec
{
    public string? Uri { get; init; }
    public string? Name { get; init; }
}

public sealed class LlmInferenceServiceStatus
{
    public string? Url { get; init; }
    public List<Condition> Conditions { get; init; } = [];
}

/// <summary>Sail/OSSM 3 <c>sailoperator.io/v1</c> Istio: the control plane version in use.</summary>
public sealed class IstioControlPlane
{
    public ObjectMeta Metadata { get; init; } = new();
    public IstioSpec Spec { get; init; } = new();
}

public sealed class IstioSpec
{
    public string? Version { get; init; }
    public string? Namespace { get; init; }
}
