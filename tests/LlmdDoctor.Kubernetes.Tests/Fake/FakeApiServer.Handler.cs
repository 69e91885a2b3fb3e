using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Kubernetes.Tests.Fake;

public sealed partial class FakeApiServer
{
    /// <summary>A watch session line that keeps the stream open until the client goes away.</summary>
    public const string Hold = "HOLD";

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var accept = request.Headers.Accept.ToString();
        Requests.Enqueue((request.Method, path + request.QueryString, accept));

        var authorization = request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : null;
        if (token is not null)
        {
            SeenTokens.Enqueue(token);
        }

        if (RequiredToken is not null && token != RequiredToken)
        {
            await WriteStatusAsync(context, 401, "Unauthorized", "Unauthorized");
            return;
        }

        if (RequiredClientSubject is not null)
        {
            var certificate = await context.Connection.GetClientCertificateAsync();
            if (certificate?.Subject != RequiredClientSubject)
            {
                await WriteStatusAsync(context, 401, "Unauthorized", "Unauthorized");
                return;
            }
        }

        foreach (var (prefix, delay) in Delays)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                await Task.Delay(delay, context.RequestAborted);
            }
        }

        var failure = Failures.FirstOrDefault(f => path.StartsWith(f.PathPrefix, StringComparison.Ordinal) && f.Times is null or > 0);
        if (failure is not null)
        {
            failure.Times--;
            if (failure.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = failure.RetryAfter;
            }

            if (failure.RawBody is not null)
            {
                context.Response.StatusCode = failure.Status;
                await context.Response.WriteAsync(failure.RawBody);
                return;
            }

            await WriteStatusAsync(context, failure.Status, failure.Reason, failure.Message);
            return;
        }

        switch (path)
        {
            case "/api":
                await WriteJsonAsync(context, 200, new JsonObject
                {
                    ["kind"] = "APIVersions",
                    ["versions"] = new JsonArray("v1"),
                    ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = Url.Authority }),
                });
                return;
            case "/apis":
                await WriteJsonAsync(context, 200, GroupList());
                return;
            case "/version":
                await WriteJsonAsync(context, 200, new JsonObject
                {
                    ["major"] = "1",
                    ["minor"] = "32",
                    ["gitVersion"] = "v1.32.0-fake",
                    ["platform"] = "linux/amd64",
                });
                return;
        }

        var segments = path.Trim('/').Split('/');
        var (groupVersion, rest) = segments switch
        {
            ["api", var v, .. var r] => (v, r),
            ["apis", var g, var v, .. var r] => ($"{g}/{v}", r),
            _ => ("", Array.Empty<string>()),
        };
        var served = Resources.Where(r => r.GroupVersion == groupVersion).ToList();
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
        if (resource is null || (ns is not null && !resource.Namespaced))
        {
            await WriteStatusAsync(context, 404, "NotFound", "the server could not find the requested resource");
            return;
        }

        if (rest is ["pods", var pod, "portforward"] && ns is not null)
        {
            await PortForwardAsync(context, ns, pod);
            return;
        }

        if (rest.Length == 2)
        {
            var found = Stored(resource).FirstOrDefault(o => NameOf(o) == rest[1] && (ns is null || NamespaceOf(o) == ns));
            if (found is null)
            {
                await WriteStatusAsync(context, 404, "NotFound", $"{resource.Plural} \"{rest[1]}\" not found");
                return;
            }

            await WriteJsonAsync(context, 200, found.DeepClone());
            return;
        }

        if (request.Query["watch"] is ["1" or "true"])
        {
            await WatchAsync(context, resource);
            return;
        }

        await ListAsync(context, resource, ns, accept);
    }

    private JsonObject GroupList()
    {
        var groups = new JsonArray();
        foreach (var group in Resources.Where(r => r.Group.Length > 0).GroupBy(r => r.Group))
        {
            var versions = group.Select(r => r.Version).Distinct().OrderDescending(StringComparer.Ordinal).ToList();
            groups.Add(new JsonObject
            {
                ["name"] = group.Key,
                ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{group.Key}/{v}", ["version"] = v })]),
                ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group.Key}/{versions[0]}", ["version"] = versions[0] },
            });
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    private static JsonObject ResourceList(string groupVersion, List<FakeResource> served) => new()
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = groupVersion,
        ["resources"] = new JsonArray([.. served.Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Plural,
            ["singularName"] = r.Kind.ToLowerInvariant(),
            ["namespaced"] = r.Namespaced,
            ["kind"] = r.Kind,
            ["verbs"] = new JsonArray("get", "list", "watch"),
        })]),
    };

    private async Task ListAsync(HttpContext context, FakeResource resource, string? ns, string accept)
    {
        var query = context.Request.Query;
        var selector = SelectorQuery.Parse(query["labelSelector"].ToString());
        var all = Stored(resource)
            .Where(o => ns is null || NamespaceOf(o) == ns)
            .Where(o => selector.Matches(o))
            .OrderBy(o => NamespaceOf(o), StringComparer.Ordinal).ThenBy(NameOf, StringComparer.Ordinal)
            .ToList();
        var offset = query["continue"].ToString() is { Length: > 0 } token
            ? int.Parse(Encoding.ASCII.GetString(Convert.FromBase64String(token)), CultureInfo.InvariantCulture)
            : 0;
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
        var page = all.Skip(offset).Take(limit).ToList();
        var metadata = new JsonObject { ["resourceVersion"] = CurrentResourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (offset + page.Count < all.Count)
        {
            metadata["continue"] = Convert.ToBase64String(Encoding.ASCII.GetBytes((offset + page.Count).ToString(CultureInfo.InvariantCulture)));
            metadata["remainingItemCount"] = all.Count - offset - page.Count;
        }

        if (accept.Contains("as=Table", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context, 200, Table(page, metadata), "application/json;as=Table;v=v1;g=meta.k8s.io");
            return;
        }

        if (accept.StartsWith("application/json;as=PartialObjectMetadataList", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context, 200, new JsonObject
            {
                ["kind"] = "PartialObjectMetadataList",
                ["apiVersion"] = "meta.k8s.io/v1",
                ["metadata"] = metadata,
                ["items"] = new JsonArray([.. page.Select(o => (JsonNode)PartialMetadata(o))]),
            });
            return;
        }

        var items = new JsonArray();
        foreach (var item in page)
        {
            var copy = (JsonObject)item.DeepClone();
            copy.Remove("apiVersion");
            copy.Remove("kind");
            items.Add(copy);
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = resource.Kind + "List",
            ["apiVersion"] = resource.GroupVersion,
            ["metadata"] = metadata,
            ["items"] = items,
        });
    }

    private static JsonObject PartialMetadata(JsonObject o) => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = "meta.k8s.io/v1",
        ["metadata"] = o["metadata"]!.DeepClone(),
    };

    /// <summary>What kubectl asks for (as=Table): a Name and Age column with the object's metadata per row.</summary>
    private static JsonObject Table(List<JsonObject> page, JsonObject metadata) => new()
    {
        ["kind"] = "Table",
        ["apiVersion"] = "meta.k8s.io/v1",
        ["metadata"] = metadata,
        ["columnDefinitions"] = new JsonArray(
            new JsonObject { ["name"] = "Name", ["type"] = "string", ["format"] = "name", ["description"] = "name", ["priority"] = 0 },
            new JsonObject { ["name"] = "Age", ["type"] = "date", ["format"] = "", ["description"] = "age", ["priority"] = 0 }),
        ["rows"] = new JsonArray([.. page.Select(o => (JsonNode)new JsonObject
        {
            ["cells"] = new JsonArray(NameOf(o), (string?)o["metadata"]?["creationTimestamp"]),
            ["object"] = PartialMetadata(o),
        })]),
    };

    private async Task WatchAsync(HttpContext context, FakeResource resource)
    {
        _ = resource;
        var rv = long.TryParse(context.Request.Query["resourceVersion"], CultureInfo.InvariantCulture, out var v) ? v : 0;
        if (rv < WatchGoneBelow)
        {
            await WriteStatusAsync(context, 410, "Expired", $"too old resource version: {rv} ({WatchGoneBelow})");
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        var session = WatchSessions.Reader.TryRead(out var next) ? next : null;
        try
        {
            foreach (var line in session ?? [Hold])
            {
                if (line == Hold)
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }

                await context.Response.WriteAsync(line + "\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
    }

    private static string NameOf(JsonObject o) => (string?)o["metadata"]?["name"] ?? "";

    private static string NamespaceOf(JsonObject o) => (string?)o["metadata"]?["namespace"] ?? "";

    /// <summary>Watch event lines as the API server writes them.</summary>
    public static string Event(string type, JsonObject obj) => new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString();

    public static string Bookmark(long resourceVersion, string apiVersion, string kind) => Event("BOOKMARK", new JsonObject
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) },
    });

    public static string GoneEvent() => Event("ERROR", StatusBody(410, "Expired", "too old resource version: 1 (2000)"));
}
