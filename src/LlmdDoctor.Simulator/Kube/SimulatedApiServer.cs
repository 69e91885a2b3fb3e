using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Simulator.Kube;

/// <summary>What a pod's port answers to one HTTP request through port-forward: raw HTTP/1.1 response bytes, or null (connection refused).</summary>
internal delegate byte[]? PodPortResponder(string ns, string pod, int port, string requestLine);

/// <summary>Where a pod's port is served as a plain TCP stream (the simulated Endpoint Picker's gRPC port), or null.</summary>
internal delegate Uri? PodPortListener(string ns, string pod, int port);

/// <summary>
/// The simulated Kubernetes API server (HTTPS; bearer token or client certificate): discovery (/api, /apis, /apis/g/v, /version),
/// get/list with label selectors and limit/continue paging, Tables for kubectl, metadata-only lists, watch,
/// Status errors like the real server, Secrets as metadata only, and pods/portforward over WebSocket
/// (v4.channel.k8s.io). Read-only but for the doctor's leader-election Lease: other writes are forbidden by "RBAC".
/// The one Kubernetes API fake of the project: the client tests (tests/LlmdDoctor.Kubernetes.Tests) host it alone through
/// <see cref="ApiServerHost"/>; the simulated cluster serves a scenario with it.
/// </summary>
internal sealed partial class SimulatedApiServer
{
    public const string ServiceAccountUser = "system:serviceaccount:llmd-doctor:llmd-doctor";
    private readonly List<ApiResource> _resources;
    private readonly Dictionary<(string GroupVersion, string Kind), ApiResource> _byKind = [];

    /// <summary>Per resource (<c>group/version/plural</c>) the objects by (namespace, name): adding one is O(1).</summary>
    private readonly Dictionary<string, Dictionary<(string Ns, string Name), JsonObject>> _objects = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly PodPortResponder _portForward;
    private readonly PodPortListener? _portStream;
    private long _resourceVersion;

    public SimulatedApiServer(IReadOnlyList<JsonObject> objects, string? token, PodPortResponder portForward, PodPortListener? portStream = null)
    {
        _portStream = portStream;
        _resources = ApiResource.From(objects);
        foreach (var resource in _resources)
        {
            _byKind.TryAdd((resource.GroupVersion, resource.Kind), resource);
        }

        Token = token;
        _portForward = portForward;
        long max = 1;
        foreach (var obj in objects)
        {
            var resource = _byKind[(ClusterModel.ApiVersion(obj), ClusterModel.Kind(obj))];
            var copy = (JsonObject)obj.DeepClone();
            var metadata = (JsonObject)(copy["metadata"] ??= new JsonObject());
            metadata["uid"] ??= Guid.NewGuid().ToString();
            metadata["creationTimestamp"] ??= "2025-11-17T08:00:00Z";
            if (!long.TryParse((string?)metadata["resourceVersion"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var rv))
            {
                metadata["resourceVersion"] = (++max).ToString(CultureInfo.InvariantCulture);
            }

            max = Math.Max(max, rv);
            if (resource.Kind == "Secret")
            {
                // Secrets are served as metadata and type only: a simulator never hands out credentials.
                copy.Remove("data");
                copy.Remove("stringData");
            }

            Store(resource)[(ClusterModel.Ns(copy), ClusterModel.Name(copy))] = copy;
        }

        _resourceVersion = max;
    }

    public Uri? Url { get; set; }

    /// <summary>The bearer token every request must carry; null turns authentication off (fault matrix only: its cases bring their own credentials).</summary>
    public string? Token { get; set; }

    /// <summary>Fault switches (the fault matrix); null, as in <c>demo</c>, = behave like kube-apiserver.</summary>
    public ApiServerFaults? Faults { get; set; }

    /// <summary>The resource types this server serves and announces in discovery (the fault matrix removes some).</summary>
    public List<ApiResource> Resources => _resources;

    /// <summary>The newest resourceVersion handed out (what a list's metadata carries).</summary>
    public long CurrentResourceVersion => Interlocked.Read(ref _resourceVersion);

    /// <summary>Whether this server serves the object's apiVersion and kind.</summary>
    public bool Serves(JsonObject obj) => _resources.Any(r => r.GroupVersion == ClusterModel.ApiVersion(obj) && r.Kind == ClusterModel.Kind(obj));

    private System.Collections.Immutable.ImmutableHashSet<string> _portForwardDenied = [];

    /// <summary>From now on <c>create pods/portforward</c> in <paramref name="ns"/> is forbidden (no Role grants it there).</summary>
    public void DenyPortForward(string ns) => System.Collections.Immutable.ImmutableInterlocked.Update(ref _portForwardDenied, set => set.Add(ns));

    /// <summary>
    /// Adds an object (what <c>kubectl apply</c> would do) of a kind this server already serves and returns the stored copy.
    /// Like every write to kube-apiserver it gets the next resourceVersion. Tests call it between doctor cycles; the
    /// doctor itself never writes. Stored as given: a Secret keeps its data (unlike a scenario's), so a client test
    /// proves its client never asks for it.
    /// </summary>
    public JsonObject Add(JsonObject obj)
    {
        var resource = _resources.FirstOrDefault(r => r.GroupVersion == ClusterModel.ApiVersion(obj) && r.Kind == ClusterModel.Kind(obj))
            ?? throw new InvalidOperationException($"{ClusterModel.ApiVersion(obj)} {ClusterModel.Kind(obj)} is not served by this scenario");
        var copy = (JsonObject)obj.DeepClone();
        var metadata = (JsonObject)(copy["metadata"] ??= new JsonObject());
        metadata["uid"] ??= Guid.NewGuid().ToString();
        metadata["creationTimestamp"] ??= "2026-01-01T00:00:00Z";
        metadata["resourceVersion"] = Interlocked.Increment(ref _resourceVersion).ToString(CultureInfo.InvariantCulture);
        lock (_lock)
        {
            // kubectl apply: an object of the same namespace and name is replaced.
            Store(resource)[(ClusterModel.Ns(copy), ClusterModel.Name(copy))] = copy;
        }

        return copy;
    }

    /// <summary>Changes a stored object in place (a cluster that differs from a scenario in one field).</summary>
    public void Mutate(string kind, string ns, string name, Action<JsonObject> change)
    {
        lock (_lock)
        {
            var found = _resources.Where(r => r.Kind == kind)
                .Select(r => _objects.TryGetValue(Key(r), out var store) && store.TryGetValue((ns, name), out var o) ? o : null)
                .Single(o => o is not null)!;
            change(found);
        }
    }

    /// <summary>
    /// Every request's method, path and query, and Accept header, for tests: recorded while fault hooks are attached, so a
    /// long <c>demo</c> keeps no growing record (no credentials here: those are in <see cref="ApiServerFaults.Requests"/>).
    /// </summary>
    public System.Collections.Concurrent.ConcurrentQueue<ApiCall> Requests { get; } = new();

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var accept = request.Headers.Accept.ToString();
        var authorization = request.Headers.Authorization.ToString();
        var faults = Faults;
        if (faults is not null)
        {
            Requests.Enqueue(new ApiCall(request.Method, path + request.QueryString, accept));
            faults.Requests.Enqueue(new ApiRequest(request.Method, path + request.QueryString, authorization));
            faults.BeforeRequest?.Invoke(faults.NextRequestNumber());
        }

        if (!await AuthenticatedAsync(context, authorization))
        {
            await WriteStatusAsync(context, 401, "Unauthorized", "Unauthorized");
            return;
        }

        if (faults is not null && await AnsweredByFaultAsync(context, faults, path))
        {
            return;
        }

        switch (path)
        {
            case "/api":
                await WriteJsonAsync(context, 200, new JsonObject
                {
                    ["kind"] = "APIVersions",
                    ["versions"] = new JsonArray("v1"),
                    ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = Url?.Authority ?? "" }),
                });
                return;
            case "/apis":
                await WriteJsonAsync(context, 200, GroupList());
                return;
            case "/version":
                await WriteJsonAsync(context, 200, new JsonObject
                {
                    ["major"] = "1",
                    ["minor"] = "33",
                    ["gitVersion"] = "v1.33.5",
                    ["platform"] = "linux/amd64",
                });
                return;
            case "/healthz" or "/readyz" or "/livez":
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok");
                return;
        }

        var segments = path.Trim('/').Split('/');
        var (groupVersion, rest) = segments switch
        {
            ["api", var v, .. var r] => (v, r),
            ["apis", var g, var v, .. var r] => ($"{g}/{v}", r),
            _ => ("", Array.Empty<string>()),
        };
        var served = _resources.Where(r => r.GroupVersion == groupVersion).ToList();
        if (served.Count == 0)
        {
            await WriteStatusAsync(context, 404, "NotFound", "the server could not find the requested resource");
            return;
        }

        if (rest.Length == 0)
        {
            await WriteJsonAsync(context, 200, ResourceList(groupVersion, served));
            return;
        }

        string? ns = null;
        if (rest is ["namespaces", var n, _, ..])
        {
            ns = n;
            rest = rest[2..];
        }

        var resource = served.FirstOrDefault(r => r.Plural == rest[0]);
        if (resource is null || (ns is not null && !resource.Namespaced) || rest.Length > 3)
        {
            await WriteStatusAsync(context, 404, "NotFound", "the server could not find the requested resource");
            return;
        }

        if (IsLeaseWrite(request, resource, ns, rest))
        {
            await WriteLeaseAsync(context, resource, ns!, rest);
            return;
        }

        if (!HttpMethods.IsGet(request.Method))
        {
            var verb = request.Method switch { "POST" => "create", "PUT" => "update", "PATCH" => "patch", "DELETE" => "delete", _ => request.Method.ToLowerInvariant() };
            if (rest is [_, _, "portforward"] && resource.Plural == "pods" && verb == "create")
            {
                await WriteStatusAsync(context, 400, "BadRequest", "Upgrade request required");
                return;
            }

            var target = rest.Length > 1 ? $"{resource.QualifiedName} \"{rest[1]}\"" : resource.QualifiedName;
            var scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
            await WriteStatusAsync(context, 403, "Forbidden",
                $"{target} is forbidden: User \"{ServiceAccountUser}\" cannot {verb} resource \"{resource.Plural}{(rest.Length > 2 ? "/" + rest[2] : "")}\" in API group \"{resource.Group}\" {scope}");
            return;
        }

        if (rest is ["pods", var pod, "portforward"] && ns is not null)
        {
            if (Volatile.Read(ref _portForwardDenied).Contains(ns))
            {
                await WriteStatusAsync(context, 403, "Forbidden",
                    $"pods \"{pod}\" is forbidden: User \"{ServiceAccountUser}\" cannot create resource \"pods/portforward\" in API group \"\" in the namespace \"{ns}\"");
                return;
            }

            await PortForwardAsync(context, ns, pod);
            return;
        }

        if (rest.Length == 3)
        {
            await WriteStatusAsync(context, 404, "NotFound", "the server could not find the requested resource");
            return;
        }

        if (rest.Length == 2)
        {
            var found = Stored(resource).FirstOrDefault(o => ClusterModel.Name(o) == rest[1] && (ns is null || ClusterModel.Ns(o) == ns));
            if (found is null)
            {
                await WriteStatusAsync(context, 404, "NotFound", $"{resource.QualifiedName} \"{rest[1]}\" not found",
                    new JsonObject { ["name"] = rest[1], ["group"] = resource.Group, ["kind"] = resource.Plural });
                return;
            }

            await WriteJsonAsync(context, 200, found.DeepClone());
            return;
        }

        if (request.Query["watch"] is ["1" or "true"])
        {
            if (faults is not null && faults.WatchSessions.Reader.TryRead(out var session))
            {
                await ScriptedWatchAsync(context, session);
                return;
            }

            await WatchAsync(context, resource, ns);
            return;
        }

        await ListAsync(context, resource, ns, accept);
    }

    private JsonObject GroupList()
    {
        var groups = new JsonArray();
        foreach (var group in _resources.Where(r => r.Group.Length > 0).GroupBy(r => r.Group))
        {
            var versions = group.Select(r => r.Version).Distinct().OrderByDescending(VersionPriority).ToList();
            groups.Add((JsonNode)new JsonObject
            {
                ["name"] = group.Key,
                ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{group.Key}/{v}", ["version"] = v })]),
                ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group.Key}/{versions[0]}", ["version"] = versions[0] },
            });
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    /// <summary>Kubernetes version priority: GA above beta above alpha, higher numbers first.</summary>
    private static int VersionPriority(string version)
    {
        var match = System.Text.RegularExpressions.Regex.Match(version, @"^v(\d+)(?:(alpha|beta)(\d+))?$");
        if (!match.Success)
        {
            return 0;
        }

        var major = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var level = match.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
        var minor = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return (level * 1000 + major) * 1000 + minor;
    }

    private static JsonObject ResourceList(string groupVersion, List<ApiResource> served) => new()
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = groupVersion,
        ["resources"] = new JsonArray([.. served.SelectMany(r =>
        {
            var entries = new List<JsonNode>
            {
                new JsonObject
                {
                    ["name"] = r.Plural,
                    ["singularName"] = r.Kind.ToLowerInvariant(),
                    ["namespaced"] = r.Namespaced,
                    ["kind"] = r.Kind,
                    ["verbs"] = new JsonArray("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
                },
            };
            if (r.Kind == "Pod")
            {
                entries.Add(new JsonObject { ["name"] = "pods/portforward", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "PodPortForwardOptions", ["verbs"] = new JsonArray("create", "get") });
            }

            return entries;
        })]),
    };

    private static string Key(ApiResource resource) => $"{resource.GroupVersion}/{resource.Plural}";

    /// <summary>The writable store of a resource; callers hold <see cref="_lock"/> (or run in the constructor).</summary>
    private Dictionary<(string Ns, string Name), JsonObject> Store(ApiResource resource)
    {
        if (!_objects.TryGetValue(Key(resource), out var store))
        {
            _objects[Key(resource)] = store = [];
        }

        return store;
    }

    /// <summary>A snapshot of a resource's objects (requests read while tests add).</summary>
    private List<JsonObject> Stored(ApiResource resource)
    {
        lock (_lock)
        {
            return _objects.TryGetValue(Key(resource), out var store) ? [.. store.Values] : [];
        }
    }

    private static Task WriteJsonAsync(HttpContext context, int status, JsonNode body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task WriteStatusAsync(HttpContext context, int status, string reason, string message, JsonObject? details = null) =>
        WriteJsonAsync(context, status, StatusBody(status, reason, message, details));

    internal static JsonObject StatusBody(int status, string reason, string message, JsonObject? details = null)
    {
        var body = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            body["details"] = details;
        }

        body["code"] = status;
        return body;
    }

    private static string Encode(int offset) => Convert.ToBase64String(Encoding.ASCII.GetBytes(offset.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>One request as <see cref="SimulatedApiServer.Requests"/> records it.</summary>
internal sealed record ApiCall(string Method, string PathAndQuery, string Accept);
