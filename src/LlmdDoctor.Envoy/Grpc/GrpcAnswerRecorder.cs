using System.Net;

namespace LlmdDoctor.Envoy.Grpc;

/// <summary>
/// What the HTTP/2 peer answered to one call: its HTTP status and content type. Grpc.Net.Client folds a
/// non-gRPC answer into a generic status ("Bad gRPC response"); the doctor names the peer instead
/// ("answered HTTP 404 with content-type text/plain: not a gRPC server").
/// </summary>
internal sealed class GrpcHttpAnswer
{
    private static readonly AsyncLocal<GrpcHttpAnswer?> Current = new();

    public HttpStatusCode? Status { get; private set; }

    public string? ContentType { get; private set; }

    /// <summary>True when the peer's headers carried grpc-status (a trailers-only answer).</summary>
    public bool HasGrpcStatus { get; private set; }

    /// <summary>
    /// Starts a call with <paramref name="start"/> so that the HTTP request it sends records its answer here.
    /// Grpc.Net.Client sends the request from the execution context the call started in, which carries this
    /// answer to <see cref="GrpcAnswerRecorder"/> even when the call runs on other threads.
    /// </summary>
    public static T Observe<T>(GrpcHttpAnswer answer, Func<T> start)
    {
        var previous = Current.Value;
        Current.Value = answer;
        try
        {
            return start();
        }
        finally
        {
            Current.Value = previous;
        }
    }

    internal static GrpcHttpAnswer? Observed => Current.Value;

    internal void Record(HttpResponseMessage response)
    {
        Status = response.StatusCode;
        ContentType = response.Content.Headers.ContentType?.MediaType;
        HasGrpcStatus = response.Headers.NonValidated.Contains("grpc-status");
    }
}

/// <summary>
/// Sits between Grpc.Net.Client and the sockets handler: sets the TLS server name override (SocketsHttpHandler
/// takes SNI and the name it checks from the Host header, which also becomes :authority, as grpc's authority
/// override does) and records each call's HTTP answer for <see cref="GrpcHttpAnswer"/>.
/// </summary>
internal sealed class GrpcAnswerRecorder(HttpMessageHandler inner, string? serverName) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (serverName is not null)
        {
            request.Headers.Host = serverName;
        }
        var answer = GrpcHttpAnswer.Observed;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        answer?.Record(response);
        return response;
    }
}
