using System.Text.Json.Nodes;

namespace LlmdDoctor.Core.Cluster;

/// <summary>
/// The fields of a Pod the doctor keeps: Pods are the one kind that grows with the cluster (50,000 of them must fit
/// the agent's 512Mi), so a Pod is cut down to what some check, trace or report reads before it is typed. Whoever
/// reads another Pod field adds it here (and <see cref="Pod"/> must still declare it):
/// <list type="bullet">
/// <item><c>metadata.name</c>, <c>namespace</c>, <c>labels</c>: selectors (pools, Services, monitors, gateway proxies) and every report.</item>
/// <item><c>spec.nodeName</c>: GPU nodes without GPU metrics (<c>GpuMetricsAbsentCheck</c>).</item>
/// <item><c>spec.containers[].name</c>, <c>image</c>, <c>env</c> (<c>name</c>, <c>value</c>): the Endpoint Picker's release (<c>EndpointPickerRelease</c>).</item>
/// <item><c>command</c>, <c>args</c>: the served model name (<c>RequestFlowMap</c>).</item>
/// <item><c>ports</c>: pool target ports, monitor endpoints, the picker's health port, named ports.</item>
/// <item><c>resources.requests</c>/<c>limits</c> of <c>nvidia.com/gpu</c> only: which workloads run on GPUs.</item>
/// <item><c>status.phase</c>, <c>podIP</c> and the <c>Ready</c> condition's <c>type</c>/<c>status</c>: <see cref="Pod.IsReady"/>, the trace's picked pod.</item>
/// </list>
/// Everything else (annotations, managedFields, owner references, volumes, probes, other conditions, container
/// statuses) is dropped before the object is read. A dropped field of the wrong type no longer fails the Pod.
/// </summary>
public static class PodFields
{
    /// <summary>The only extended resource a check asks Pods about.</summary>
    public const string GpuResource = "nvidia.com/gpu";

    /// <summary>Cuts <paramref name="pod"/> (a Pod object as JSON) down to the fields above, in place.</summary>
    public static void Narrow(JsonObject pod)
    {
        Keep(pod, "apiVersion", "kind", "metadata", "spec", "status");
        if (pod["metadata"] is JsonObject metadata)
        {
            Keep(metadata, "name", "namespace", "labels");
        }

        if (pod["spec"] is JsonObject spec)
        {
            Keep(spec, "nodeName", "containers");
            foreach (var container in Objects(spec["containers"]))
            {
                Keep(container, "name", "image", "command", "args", "env", "ports", "resources");
                foreach (var env in Objects(container["env"]))
                {
                    Keep(env, "name", "value");
                }

                foreach (var port in Objects(container["ports"]))
                {
                    Keep(port, "name", "containerPort", "protocol");
                }

                if (container["resources"] is JsonObject resources)
                {
                    Keep(resources, "requests", "limits");
                    foreach (var (_, amounts) in resources)
                    {
                        if (amounts is JsonObject map)
                        {
                            Keep(map, GpuResource);
                        }
                    }
                }
            }
        }

        if (pod["status"] is JsonObject status)
        {
            Keep(status, "phase", "podIP", "conditions");
            if (status["conditions"] is JsonArray conditions)
            {
                for (var i = conditions.Count - 1; i >= 0; i--)
                {
                    if (conditions[i] is JsonObject condition && condition["type"] is JsonValue type
                        && type.TryGetValue<string>(out var name) && name == "Ready")
                    {
                        Keep(condition, "type", "status");
                    }
                    else if (conditions[i] is JsonObject)
                    {
                        conditions.RemoveAt(i);
                    }
                }
            }
        }
    }

    /// <summary>The objects of an array (anything else, malformed, is left for the reader to reject).</summary>
    private static IEnumerable<JsonObject> Objects(JsonNode? node) =>
        node is JsonArray array ? array.OfType<JsonObject>() : [];

    private static void Keep(JsonObject obj, params ReadOnlySpan<string> keys)
    {
        List<string>? drop = null;
        foreach (var (key, _) in obj)
        {
            if (!keys.Contains(key))
            {
                (drop ??= []).Add(key);
            }
        }

        foreach (var key in drop ?? [])
        {
            obj.Remove(key);
        }
    }
}
