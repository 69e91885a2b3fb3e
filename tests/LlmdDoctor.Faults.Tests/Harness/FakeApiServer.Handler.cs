using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Faults.Tests.Harness;

public sealed partial class FakeApiServer
{
    /// <summary>A watch session line that keeps the stream open until the client goes away.</summary>
    public const string Hold = "HOLD";

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var authorization = request.Headers.Authorization.ToString();
        Requests.Enqueue((request.Method, path + request.QueryString, authorization));
        BeforeRequest?.Invoke(NextRequestNumber());

        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : null;
        if (RequiredToken is { } required && token != required)
        {
            await WriteStatusAsync(context, 401, "Unauthorized", "Unauthorized");
            return;
        }

        if (RequireValidClientCertificate)
        {
            var certificate = await context.Connection.GetClientCertificateAsync();
            if (certificate is null || certificate.NotAfter < DateTime.Now || certificate.NotBefore > DateTime.Now)
            {
                await WriteStatusAsync(context, 401, "Unauthorized", "Unauthorized");
                return;
            }
        }

        foreach (var (prefix, delay) in Delays)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                try
                {
                    await Task.Delay(delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        var failure = Failures.FirstOrDefault(f => path.StartsWith(f.PathPrefix, StringComparison.Ordinal) && f.Times is null or > 0
            && (f.QueryContains is null || (request.QueryString.Value ?? "").Contains(f.QueryContains, StringComparison.Ordinal)));
        if (failure is not null)
        {
            failure.Times--;
            await FailAsync(context, failure);
            return;
        }

        switch (path)
        {
            case "/api":
                await WriteJsonAsync(context, 200, new JsonObject { ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1") });
                return;
            case "/apis":
                await WriteJsonAsync(context, 200, GroupList());
                return;
            case "/version":
                await WriteJsonAsync(context, 200, new JsonObject { ["major"] = "1", ["minor"] = "32", ["gitVersion"] = "v1.32.0-fake" });
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
            await WatchAsync(context);
            return;
        }

        await ListAsync(context, resource, ns, request.Headers.Accept.ToString());
    }

    private static async Task FailAsync(HttpContext context, FakeFailure failure)
    {
        if (failure.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = failure.RetryAfter;
        }

        if (failure.StreamBytes > 0)
        {
            context.Response.StatusCode = failure.Status;
            context.Response.ContentType = "application/json";
            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"metadata\":{\"name\":\"x\"}},", 2000)));
            try
            {
                await context.Response.Body.WriteAsync(Encoding.ASCII.GetBytes("{\"kind\":\"PodList\",\"items\":["), context.RequestAborted);
                for (long sent = 0; sent < failure.StreamBytes; sent += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client stopped reading at its bound.
            }

            return;
        }

        if (failure.RawBodyOf is { } produce)
        {
            context.Response.StatusCode = failure.Status;
            context.Response.ContentType = failure.ContentType;
            await context.Response.WriteAsync(produce(Interlocked.Increment(ref failure.Answered)));
            return;
        }

        if (failure.RawBody is not null)
        {
            context.Response.StatusCode = failure.Status;
            context.Response.ContentType = failure.ContentType;
            if (failure.CutMidBody)
            {
                context.Response.ContentLength = failure.RawBody.Length;
                await context.Response.WriteAsync(failure.RawBody[..(failure.RawBody.Length / 2)]);
                await context.Response.Body.FlushAsync();
                await Task.Delay(300);
                context.Abort();
                return;
            }

            await context.Response.WriteAsync(failure.RawBody);
            return;
        }

        await WriteStatusAsync(context, failure.Status, failure.Reason, failure.Message);
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
        var all = Stored(resource)
            .Where(o => ns is null || NamespaceOf(o) == ns)
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
        }

        if (accept.StartsWith("application/json;as=PartialObjectMetadataList", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context, 200, new JsonObject
            {
                ["kind"] = "PartialObjectMetadataList",
                ["apiVersion"] = "meta.k8s.io/v1",
                ["metadata"] = metadata,
                ["items"] = new JsonArray([.. page.Select(o => (JsonNode)new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = o["metadata"]!.DeepClone(),
                })]),
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

    private async Task WatchAsync(HttpContext context)
    {
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
        }
    }

    private static string NameOf(JsonObject o) => (string?)o["metadata"]?["name"] ?? "";

    private static string NamespaceOf(JsonObject o) => (string?)o["metadata"]?["namespace"] ?? "";

    /// <summary>
    /// The kubelet's WebSocket port-forward (v4.channel.k8s.io): channel 0 = data, 1 = error; the first frame on each
    /// channel is the port number (uint16, little-endian).
    /// </summary>
    private async Task PortForwardAsync(HttpContext context, string ns, string pod)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await WriteStatusAsync(context, 400, "BadRequest", "Upgrade request required");
            return;
        }

        var port = ushort.Parse(context.Request.Query["ports"].ToString(), CultureInfo.InvariantCulture);
        using var socket = await context.WebSockets.AcceptWebSocketAsync("v4.channel.k8s.io");
        var ct = context.RequestAborted;
        try
        {
            await socket.SendAsync(new byte[] { 0, (byte)(port & 0xff), (byte)(port >> 8) }, WebSocketMessageType.Binary, true, ct);
            await socket.SendAsync(new byte[] { 1, (byte)(port & 0xff), (byte)(port >> 8) }, WebSocketMessageType.Binary, true, ct);

            var request = new MemoryStream();
            var buffer = new byte[8192];
            while (!Encoding.ASCII.GetString(request.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var frame = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, ct);
                    frame.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var bytes = frame.ToArray();
                if (bytes.Length > 1 && bytes[0] == 0)
                {
                    request.Write(bytes, 1, bytes.Length - 1);
                }
            }

            var requestLine = Encoding.ASCII.GetString(request.ToArray()).Split("\r\n")[0];
            var path = requestLine.Split(' ')[1];
            PortForwardRequests.Enqueue($"{ns}/{pod}:{port} {requestLine}");
            var answer = PortForwardResponder(pod, path);
            if (answer.Hang)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            if (answer.Error is { } error)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes("\u0001" + error), WebSocketMessageType.Binary, true, ct);
            }

            if (answer.Raw is { } raw)
            {
                for (var offset = 0; offset < raw.Length; offset += 32 * 1024)
                {
                    await SendDataAsync(socket, raw.AsMemory(offset, Math.Min(32 * 1024, raw.Length - offset)), ct);
                }
            }

            if (answer.Body is { } produce)
            {
                await SendDataAsync(socket, Ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"), ct);
                await using var body = produce();
                var chunk = new byte[64 * 1024];
                int n;
                while ((n = await body.ReadAsync(chunk, ct)) > 0)
                {
                    await SendDataAsync(socket, chunk.AsMemory(0, n), ct);
                }
            }

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, ct);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // The doctor stopped reading (its bound or timeout) and went away.
        }
    }

    private static async Task SendDataAsync(WebSocket socket, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var frame = new byte[data.Length + 1];
        data.CopyTo(frame.AsMemory(1));
        await socket.SendAsync(frame, WebSocketMessageType.Binary, true, ct);
    }
}
