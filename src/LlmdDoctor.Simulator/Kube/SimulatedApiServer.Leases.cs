using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Simulator.Kube;

/// <summary>
/// The one write the doctor makes: its leader-election Lease. deploy/base/rbac.yaml grants <c>create</c> and <c>update</c>
/// on <c>coordination.k8s.io</c> leases in the doctor's namespace only (Role llmd-doctor-leader-election); every other
/// write stays forbidden. Create and update behave as kube-apiserver's generic store does for a Lease
/// (kubernetes staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go, Store.Create/Update, with
/// pkg/registry/coordination/lease/strategy.go@152eb4fe7426: AllowCreateOnUpdate true, AllowUnconditionalUpdate false):
/// a create of an existing name is 409 AlreadyExists; an update must carry the stored resourceVersion, else 409 Conflict;
/// an update of a missing Lease creates it (201).
/// </summary>
internal sealed partial class SimulatedApiServer
{
    /// <summary>The namespace where the doctor's ServiceAccount may create and update Leases (deploy/base/rbac.yaml).</summary>
    public string LeaseNamespace { get; set; } = "llm-d-monitoring";

    private bool IsLeaseWrite(HttpRequest request, ApiResource resource, string? ns, string[] rest) =>
        resource is { Group: "coordination.k8s.io", Plural: "leases" } && ns == LeaseNamespace
        && ((HttpMethods.IsPost(request.Method) && rest.Length == 1) || (HttpMethods.IsPut(request.Method) && rest.Length == 2));

    private async Task WriteLeaseAsync(HttpContext context, ApiResource resource, string ns, string[] rest)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        if (body?["metadata"] is not JsonObject metadata || ClusterModel.Name(body).Length == 0)
        {
            await WriteStatusAsync(context, 400, "BadRequest", "the body of the request was in an unknown format");
            return;
        }

        var name = ClusterModel.Name(body);
        if (rest.Length == 2 && rest[1] != name)
        {
            await WriteStatusAsync(context, 400, "BadRequest", $"the name of the object ({name}) does not match the name on the URL ({rest[1]})");
            return;
        }

        if (metadata["namespace"] is JsonValue given && (string?)given != ns)
        {
            await WriteStatusAsync(context, 400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
            return;
        }

        var details = new JsonObject { ["name"] = name, ["group"] = resource.Group, ["kind"] = resource.Plural };
        var sentVersion = (string?)metadata["resourceVersion"];
        int status;
        JsonObject stored;
        lock (_lock)
        {
            var store = Store(resource);
            var exists = store.TryGetValue((ns, name), out var current);
            if (HttpMethods.IsPost(context.Request.Method) && exists)
            {
                status = 409;
                stored = StatusBody(409, "AlreadyExists", $"{resource.QualifiedName} \"{name}\" already exists", details);
            }
            else if (exists && (string.IsNullOrEmpty(sentVersion) || sentVersion != (string?)current!["metadata"]?["resourceVersion"]))
            {
                status = 409;
                stored = StatusBody(409, "Conflict",
                    $"Operation cannot be fulfilled on {resource.QualifiedName} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", details);
            }
            else
            {
                status = exists ? 200 : 201;
                stored = (JsonObject)body.DeepClone();
                stored["apiVersion"] = resource.GroupVersion;
                stored["kind"] = resource.Kind;
                var meta = (JsonObject)stored["metadata"]!;
                meta["namespace"] = ns;
                meta["uid"] = exists ? current!["metadata"]?["uid"]?.DeepClone() : Guid.NewGuid().ToString();
                meta["creationTimestamp"] = exists ? current!["metadata"]?["creationTimestamp"]?.DeepClone() : DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                meta["resourceVersion"] = Interlocked.Increment(ref _resourceVersion).ToString(CultureInfo.InvariantCulture);
                store[(ns, name)] = stored;
                stored = (JsonObject)stored.DeepClone();
            }
        }

        await WriteJsonAsync(context, status, stored);
    }
}
