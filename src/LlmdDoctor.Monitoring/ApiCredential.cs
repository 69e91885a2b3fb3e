using System.Net.Http.Headers;
using System.Text;
using LlmdDoctor.Core.Security;

namespace LlmdDoctor.Monitoring;

/// <summary>
/// A credential for a monitoring API: a bearer token read from a file (re-read on every call, so rotated
/// service-account tokens keep working) or held in memory, or basic auth. Its value never appears in
/// <see cref="ToString"/>, evidence or logs: only <see cref="Describe"/> (where it comes from) does.
/// </summary>
public sealed class ApiCredential
{
    private readonly string? _token;
    private readonly string? _user;
    private readonly string? _password;

    private ApiCredential(string? tokenFile, string? token, string? user, string? password)
    {
        TokenFile = tokenFile;
        _token = token;
        _user = user;
        _password = password;
    }

    public static ApiCredential None { get; } = new(null, null, null, null);

    /// <summary>The in-cluster service account token.</summary>
    public const string ServiceAccountTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    public static ApiCredential BearerFromFile(string path) => new(path, null, null, null);

    public static ApiCredential Bearer(string token) => new(null, token, null, null);

    public static ApiCredential Basic(string user, string password) => new(null, null, user, password);

    public string? TokenFile { get; }

    public bool IsNone => TokenFile is null && _token is null && _user is null;

    /// <summary>Where the credential comes from, safe to show.</summary>
    public string Describe() => TokenFile is not null ? $"bearer token from file {TokenFile}"
        : _token is not null ? "bearer token from configuration"
        : _user is not null ? $"basic auth as {_user}"
        : "no credential";

    /// <summary>The Authorization header, or a problem (file missing, empty) that makes the call pointless.</summary>
    public (AuthenticationHeaderValue? Header, string Problem) Load()
    {
        if (_user is not null)
        {
            KnownCredentials.Register(_password, _user);
            if (!KnownCredentials.IsSendable(_user) || !KnownCredentials.IsSendable(_password ?? ""))
            {
                return (null, "the basic-auth user or password contains a line break or another control character");
            }

            var pair = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_user}:{_password}"));
            return (new AuthenticationHeaderValue("Basic", pair), "");
        }

        var token = _token;
        if (TokenFile is not null)
        {
            try
            {
                token = File.ReadAllText(TokenFile).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return (null, $"token file {TokenFile} could not be read: {ex.GetType().Name}");
            }

            if (token.Length == 0)
            {
                return (null, $"token file {TokenFile} is empty");
            }
        }

        if (token is null)
        {
            return (null, "");
        }

        // Registered before anything can echo it; a token with a CR/LF inside would inject a header.
        KnownCredentials.Register(token);
        return KnownCredentials.IsSendable(token)
            ? (new AuthenticationHeaderValue("Bearer", token), "")
            : (null, $"the {(TokenFile is not null ? $"token in {TokenFile}" : "bearer token")} contains a line break or another control character");
    }

    public override string ToString() => Describe();
}
