using LlmdDoctor.Core.Security;
using LlmdDoctor.Kubernetes;

namespace LlmdDoctor.Collection;

/// <summary>
/// Hands out the Kubernetes credential of a connection after registering its token with <see cref="KnownCredentials"/>
/// (so no report, log or collected file can carry it) and refusing one with a control character (a CR/LF in a
/// token would inject a header). Exec plugins and token files rotate: each new token is registered as it arrives.
/// </summary>
public sealed class RegisteredCredentialSource : IKubeCredentialSource
{
    private readonly IKubeCredentialSource _inner;

    private RegisteredCredentialSource(IKubeCredentialSource inner) => _inner = inner;

    /// <summary>
    /// The connection with its credentials registered. A fixed token is checked and registered now and the connection
    /// kept as it is (the client treats a fixed credential differently after a 401); any other source is wrapped.
    /// </summary>
    public static KubeConnection Of(KubeConnection connection)
    {
        // A kubeconfig server URL may carry user:password@; every error message that quotes a request URL would show it.
        if (connection.Server.UserInfo is { Length: > 0 } userInfo)
        {
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            KnownCredentials.Register(Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[(colon + 1)..]));
            KnownCredentials.Register(Uri.UnescapeDataString(userInfo));
        }

        if (connection.Credentials is StaticCredentialSource fixedSource)
        {
            Register(fixedSource.GetAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult(), connection.Origin);
            return connection;
        }

        return connection.Credentials is RegisteredCredentialSource ? connection : connection with { Credentials = new RegisteredCredentialSource(connection.Credentials) };
    }

    public async ValueTask<KubeCredential> GetAsync(CancellationToken cancellationToken)
    {
        var credential = await _inner.GetAsync(cancellationToken).ConfigureAwait(false);
        Register(credential, "");
        return credential;
    }

    public void Invalidate() => _inner.Invalidate();

    private static void Register(KubeCredential credential, string origin)
    {
        if (credential.BearerToken is not { } token)
        {
            return;
        }

        if (!KnownCredentials.IsSendable(token))
        {
            var from = origin.Length > 0 ? $" ({origin})" : "";
            throw new KubeConfigException($"the Kubernetes bearer token{from} contains a line break or another control character; refusing to send it");
        }

        KnownCredentials.Register(token);
    }
}
