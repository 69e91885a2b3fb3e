using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Simulator.Kube;

internal sealed partial class SimulatedApiServer
{
    private async Task ListAsync(HttpContext context, ApiResource resource, string? ns, string accept)
    {
        var query = context.Request.Query;
        var selector = LabelSelector.Parse(query["labelSelector"].ToString());
        var fieldName = FieldValue(query["fieldSelector"].ToString(), "metadata.name");
        var all = Stored(resource)
            .Where(o => ns is null || ClusterModel.Ns(o) == ns)
            .Where(o => fieldName is null || ClusterModel.Name(o) == fieldName)
            .Where(selector.Matches)
            .OrderBy(ClusterModel.Ns, StringComparer.Ordinal).ThenBy(ClusterModel.Name, StringComparer.Ordinal)
            .ToList();
        var offset = 0;
        if (query["continue"].ToString() is { Length: > 0 } token)
        {
            try
            {
                offset = int.Parse(Encoding.ASCII.GetString(Convert.FromBase64String(token)), CultureInfo.InvariantCulture);
            }
            catch (FormatException)
            {
                await WriteStatusAsync(context, 400, "BadRequest", "continue key is not valid: illegal base64 data at input byte 0");
                return;
            }
        }

        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
        var page = all.Skip(offset).Take(limit).ToList();
        var metadata = new JsonObject { ["resourceVersion"] = CurrentResourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (offset + page.Count < all.Count)
        {
            metadata["continue"] = Encode(offset + page.Count);
            metadata["remainingItemCount"] = all.Count - offset - page.Count;
        }

        if (accept.Contains("as=Table", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context, 200, Table(page, metadata), "application/json;as=Table;v=v1;g=meta.k8s.io");
            return;
        }

        if (accept.Contains("as=PartialObjectMetadataList", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context, 200, new JsonObject
            {
                ["kind"] = "PartialObjectMetadataList",
                ["apiVersion"] = "meta.k8s.io/v1",
                ["metadata"] = metadata,
                ["items"] = new JsonArray([.. page.Select(o => (JsonNode)PartialMetadata(o))]),
            }, "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io");
            return;
        }

        var items = new JsonArray();
        foreach (var item in page)
        {
            // A list carries apiVersion/kind once, on the list (as the real API server does).
            var copy = (JsonObject)item.DeepClone();
            copy.Remove("apiVersion");
            copy.Remove("kind");
            items.Add((JsonNode)copy);
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = resource.Kind + "List",
            ["apiVersion"] = resource.GroupVersion,
            ["metadata"] = metadata,
            ["items"] = items,
        });
    }

    private static string? FieldValue(string selector, string field) =>
        selector.Split(',').Select(t => t.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == field)?[1].TrimStart('=');

    private static JsonObject PartialMetadata(JsonObject o) => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = "meta.k8s.io/v1",
        ["metadata"] = o["metadata"]!.DeepClone(),
    };

    /// <summary>What kubectl asks for (as=Table): Name and Age columns with the object's metadata per row.</summary>
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
            ["cells"] = new JsonArray(ClusterModel.Name(o), (string?)o["metadata"]?["creationTimestamp"]),
            ["object"] = PartialMetadata(o),
        })]),
    };

    /// <summary>
    /// A watch: without a resourceVersion (or "0") the current objects arrive as ADDED events first, as the API
    /// server sends them; then the stream stays open (the scenario never changes) until the client leaves or
    /// timeoutSeconds passes. A resourceVersion newer than the store's is accepted and just held.
    /// </summary>
    private async Task WatchAsync(HttpContext context, ApiResource resource, string? ns)
    {
        var query = context.Request.Query;
        var selector = LabelSelector.Parse(query["labelSelector"].ToString());
        var rv = query["resourceVersion"].ToString();
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        var timeout = int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var t) && t > 0 ? TimeSpan.FromSeconds(t) : Timeout.InfiniteTimeSpan;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        cts.CancelAfter(timeout);
        try
        {
            if (rv is "" or "0")
            {
                foreach (var obj in Stored(resource).Where(o => (ns is null || ClusterModel.Ns(o) == ns) && selector.Matches(o)))
                {
                    var line = new JsonObject { ["type"] = "ADDED", ["object"] = obj.DeepClone() }.ToJsonString();
                    await context.Response.WriteAsync(line + "\n", cts.Token);
                }

                await context.Response.Body.FlushAsync(cts.Token);
            }

            await Task.Delay(Timeout.Infinite, cts.Token);
        }
        catch (OperationCanceledException)
        {
            // The client went away or timeoutSeconds passed: the API server simply ends the stream.
        }
    }
}
