using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace LlmdDoctor.Kubernetes;

public sealed partial class KubeClient
{
    /// <summary>
    /// Creates an object. The doctor writes exactly one kind: its own leader-election Lease in its own namespace
    /// (everything else it only reads).
    /// </summary>
    /// <exception cref="KubeConflictException">It already exists.</exception>
    public Task<JsonObject> CreateAsync(KubeResource resource, string ns, JsonObject body, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Post, Url(resource.CollectionPath(ns)), body, cancellationToken);

    /// <summary>Replaces an object; the body's <c>metadata.resourceVersion</c> makes it conditional.</summary>
    /// <exception cref="KubeConflictException">Someone else changed it first.</exception>
    public Task<JsonObject> ReplaceAsync(KubeResource resource, string ns, string name, JsonObject body, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Put, Url(resource.ItemPath(ns, name)), body, cancellationToken);

    private async Task<JsonObject> WriteAsync(HttpMethod method, Uri url, JsonObject body, CancellationToken cancellationToken)
    {
        var json = body.ToJsonString();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.RequestTimeout);
        try
        {
            using var response = await SendAsync(method, url, JsonAccept, deadline.Token,
                () => new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"))).ConfigureAwait(false);
            var bytes = await ReadBoundedAsync(response, url, deadline.Token).ConfigureAwait(false);
            return JsonNode.Parse(bytes, documentOptions: AnswerJson) as JsonObject ?? throw new KubeUnavailableException($"{method} {url}: the answer is not an object", url);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(url);
        }
    }
}
