using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmdDoctor.Kubernetes;

/// <summary>The kind of a <see cref="WatchEvent"/>.</summary>
public enum WatchEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>Only the resourceVersion moved on (<c>allowWatchBookmarks</c>).</summary>
    Bookmark,

    /// <summary>
    /// A full list replaced the consumer's state: at the start (no resourceVersion given) and after the
    /// server said the resourceVersion is gone (410). <see cref="WatchEvent.Items"/> holds every object.
    /// </summary>
    Relisted,
}

/// <summary>One change seen by <see cref="KubeClient.WatchAsync"/>.</summary>
public sealed record WatchEvent(WatchEventType Type, JsonObject? Object, IReadOnlyList<JsonObject> Items, string? ResourceVersion);

public sealed partial class KubeClient
{
    private static readonly TimeSpan MaxReopenDelay = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Watches a resource until cancelled. Starts with a list (a <see cref="WatchEventType.Relisted"/> event)
    /// unless <paramref name="resourceVersion"/> is given; reopens a closed or idle stream from the last
    /// resourceVersion seen (events and bookmarks); relists on 410 Gone, whether sent as the HTTP status or as an
    /// ERROR event. A line that is not a watch event ends the watch with a <see cref="KubeUnavailableException"/>.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        KubeResource resource,
        ListOptions? options = null,
        string? resourceVersion = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= ListOptions.All;
        var quietReopens = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (resourceVersion is null)
            {
                var list = await ListAsync(resource, options, cancellationToken).ConfigureAwait(false);
                resourceVersion = list.ResourceVersion ?? "";
                yield return new WatchEvent(WatchEventType.Relisted, null, list.Items, resourceVersion);
            }

            var stream = await OpenWatchAsync(resource, options, resourceVersion, cancellationToken).ConfigureAwait(false);
            if (stream is null)
            {
                resourceVersion = null;
                continue;
            }

            var sawEvent = false;
            await using (stream.ConfigureAwait(false))
            {
                var lineNumber = 0;
                while (true)
                {
                    var line = await stream.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                    if (line is null)
                    {
                        break;
                    }

                    lineNumber++;
                    if (line.Length == 0)
                    {
                        continue;
                    }

                    var watchEvent = ParseEvent(line, stream.Url, lineNumber);
                    if (watchEvent is null)
                    {
                        resourceVersion = null;
                        break;
                    }

                    sawEvent = true;
                    resourceVersion = watchEvent.ResourceVersion ?? resourceVersion;
                    yield return watchEvent;
                }
            }

            // A server that closes every stream at once would make this a busy loop: back off a little.
            quietReopens = sawEvent ? 0 : quietReopens + 1;
            if (quietReopens > 1)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxReopenDelay.TotalMilliseconds, 100 * Math.Pow(2, quietReopens - 2)));
                await Task.Delay(delay, _options.Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The open event stream, or null when the resourceVersion is gone (410) and a relist is needed.</summary>
    private async Task<WatchLineReader?> OpenWatchAsync(KubeResource resource, ListOptions options, string resourceVersion, CancellationToken cancellationToken)
    {
        var pathAndQuery = Query(resource.CollectionPath(options.Namespace),
            ("watch", "1"),
            ("resourceVersion", resourceVersion.Length == 0 ? null : resourceVersion),
            ("allowWatchBookmarks", "true"),
            ("timeoutSeconds", ((int)_options.WatchIdleTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("labelSelector", options.LabelSelector),
            ("fieldSelector", options.FieldSelector));
        var url = Url(pathAndQuery);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(HttpMethod.Get, url, JsonAccept, timeout.Token).ConfigureAwait(false);
        }
        catch (KubeGoneException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(url);
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new WatchLineReader(response, body, url, _options.MaxResponseBytes, _options.WatchIdleTimeout);
    }

    /// <summary>Null means "relist" (an ERROR event with code 410).</summary>
    private static WatchEvent? ParseEvent(string line, Uri url, int lineNumber)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(line, documentOptions: AnswerJson) as JsonObject;
        }
        catch (JsonException ex)
        {
            throw new KubeUnavailableException($"watch {url}: line {lineNumber} is not JSON ({ex.Message})", url, inner: ex);
        }

        var type = root?["type"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : null;
        if (root?["object"] is not JsonObject obj || type is null)
        {
            throw new KubeUnavailableException($"watch {url}: line {lineNumber} is not a watch event (no type or object)", url);
        }

        root.Remove("object");
        var resourceVersion = obj["metadata"]?["resourceVersion"] is JsonValue rv && rv.TryGetValue<string>(out var r) ? r : null;
        switch (type)
        {
            case "ADDED":
                return new WatchEvent(WatchEventType.Added, obj, [], resourceVersion);
            case "MODIFIED":
                return new WatchEvent(WatchEventType.Modified, obj, [], resourceVersion);
            case "DELETED":
                return new WatchEvent(WatchEventType.Deleted, obj, [], resourceVersion);
            case "BOOKMARK":
                return new WatchEvent(WatchEventType.Bookmark, null, [], resourceVersion);
            case "ERROR":
                var code = obj["code"] is JsonValue c && c.TryGetValue<int>(out var n) ? n : 0;
                if (code == (int)HttpStatusCode.Gone)
                {
                    return null;
                }

                var message = obj["message"] is JsonValue m && m.TryGetValue<string>(out var text) ? text : "no message";
                throw new KubeApiException($"watch {url}: the server sent an error event: {code} {message}", code == 0 ? null : (HttpStatusCode)code, null, url);
            default:
                throw new KubeUnavailableException($"watch {url}: line {lineNumber} has an unknown event type \"{type}\"", url);
        }
    }
}
