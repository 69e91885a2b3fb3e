using System.Text.Json.Nodes;

namespace LlmdDoctor.Kubernetes.Tests;

/// <summary>Small Kubernetes objects for the simulated API server and the bundles.</summary>
public static class Objects
{
    public static JsonObject Make(string apiVersion, string kind, string? ns, string name, JsonObject? labels = null, JsonObject? spec = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        if (labels is not null)
        {
            metadata["labels"] = labels;
        }

        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata };
        if (spec is not null)
        {
            obj["spec"] = spec;
        }

        return obj;
    }

    public static JsonObject Namespace(string name) => Make("v1", "Namespace", null, name);

    public static JsonObject Pod(string ns, string name, params (string Key, string Value)[] labels) =>
        Make("v1", "Pod", ns, name, Labels(labels), new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "main" }) });

    public static JsonObject Service(string ns, string name) => Make("v1", "Service", ns, name, spec: new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = 8000 }) });

    public static JsonObject Gateway(string ns, string name) =>
        Make("gateway.networking.k8s.io/v1", "Gateway", ns, name, spec: new JsonObject { ["gatewayClassName"] = "openshift-ai-inference" });

    public static JsonObject PoolV1(string ns, string name) =>
        Make("inference.networking.k8s.io/v1", "InferencePool", ns, name, spec: JsonNode.Parse("""
            {"selector":{"matchLabels":{"app":"vllm"}},"targetPorts":[{"number":8000}],"endpointPickerRef":{"name":"epp","port":{"number":9002}}}
            """)!.AsObject());

    public static JsonObject PoolV1Alpha2(string ns, string name) =>
        Make("inference.networking.x-k8s.io/v1alpha2", "InferencePool", ns, name, spec: JsonNode.Parse("""
            {"selector":{"app":"vllm"},"targetPortNumber":8000,"extensionRef":{"name":"epp"}}
            """)!.AsObject());

    public static JsonObject Secret(string ns, string name, string? serviceAccount = null)
    {
        var secret = Make("v1", "Secret", ns, name);
        secret["type"] = serviceAccount is null ? "Opaque" : "kubernetes.io/service-account-token";
        secret["data"] = new JsonObject { ["token"] = "c2VjcmV0LXRva2VuLXZhbHVl" };
        var annotations = new JsonObject
        {
            ["kubectl.kubernetes.io/last-applied-configuration"] = """{"data":{"token":"c2VjcmV0LXRva2VuLXZhbHVl"}}""",
        };
        if (serviceAccount is not null)
        {
            annotations["kubernetes.io/service-account.name"] = serviceAccount;
        }

        ((JsonObject)secret["metadata"]!)["annotations"] = annotations;
        return secret;
    }

    public static JsonObject Labels(params (string Key, string Value)[] labels)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in labels)
        {
            obj[key] = value;
        }

        return obj;
    }
}
