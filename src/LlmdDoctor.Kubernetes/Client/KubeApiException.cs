using System.Net;

namespace LlmdDoctor.Kubernetes;

/// <summary>
/// A Kubernetes API request failed. The message names the method, the URL and the reason (the server's
/// <c>Status.message</c> when there is one); it never carries a token, a key or Secret data.
/// </summary>
public class KubeApiException : Exception
{
    public KubeApiException(string message, HttpStatusCode? statusCode = null, string? reason = null, Uri? url = null, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Reason = reason;
        Url = url;
    }

    /// <summary>The HTTP status, or null when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The Kubernetes <c>Status.reason</c> (e.g. <c>Forbidden</c>, <c>Expired</c>) when the server sent one.</summary>
    public string? Reason { get; }

    /// <summary>The request URL (with query), or null.</summary>
    public Uri? Url { get; }
}

/// <summary>401: the credential was rejected (expired token, wrong certificate).</summary>
public sealed class KubeUnauthorizedException(string message, Uri url, string? reason)
    : KubeApiException(message, HttpStatusCode.Unauthorized, reason, url);

/// <summary>403: RBAC forbids the request.</summary>
public sealed class KubeForbiddenException(string message, Uri url, string? reason)
    : KubeApiException(message, HttpStatusCode.Forbidden, reason, url);

/// <summary>404: the object, the namespace or the resource type does not exist.</summary>
public sealed class KubeNotFoundException(string message, Uri url, string? reason)
    : KubeApiException(message, HttpStatusCode.NotFound, reason, url);

/// <summary>410: the resourceVersion or continue token is too old; relist.</summary>
public sealed class KubeGoneException(string message, Uri url, string? reason)
    : KubeApiException(message, HttpStatusCode.Gone, reason, url);

/// <summary>
/// The server could not answer: 5xx, 429 after one retry, a timeout, a refused or reset connection, a TLS
/// failure, or a body that is not what Kubernetes sends (bad JSON, too large).
/// </summary>
public sealed class KubeUnavailableException(string message, Uri? url, HttpStatusCode? statusCode = null, string? reason = null, Exception? inner = null)
    : KubeApiException(message, statusCode, reason, url, inner);

/// <summary>The connection settings are unusable (bad kubeconfig, missing exec plugin, unreadable CA).</summary>
public sealed class KubeConfigException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>409: the object changed since it was read (optimistic concurrency) or already exists.</summary>
public sealed class KubeConflictException(string message, Uri url, string? reason)
    : KubeApiException(message, HttpStatusCode.Conflict, reason, url);
