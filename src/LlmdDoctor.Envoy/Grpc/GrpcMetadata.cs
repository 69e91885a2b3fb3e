using System.Collections;
using System.Net.Http.Headers;

namespace LlmdDoctor.Envoy.Grpc;

/// <summary>
/// gRPC metadata (request headers, response headers or trailers) as ordered key/value pairs.
/// Keys are lower-case; values of keys ending in <c>-bin</c> are kept base64-encoded, as on the wire.
/// </summary>
public sealed class GrpcMetadata : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _entries = [];
    private readonly bool _readOnly;

    /// <summary>Creates empty metadata to add to.</summary>
    public GrpcMetadata()
    {
    }

    private GrpcMetadata(bool readOnly) => _readOnly = readOnly;

    /// <summary>An empty, shared, read-only instance.</summary>
    public static GrpcMetadata Empty { get; } = new(readOnly: true);

    /// <summary>Number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Adds an entry (the key is lower-cased, as HTTP/2 requires).</summary>
    public GrpcMetadata Add(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (_readOnly)
        {
            throw new InvalidOperationException("GrpcMetadata.Empty is read-only");
        }
        _entries.Add(new(key.ToLowerInvariant(), value));
        return this;
    }

    /// <summary>The last value for <paramref name="key"/>, or null.</summary>
    public string? Get(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return _entries[i].Value;
            }
        }
        return null;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static GrpcMetadata FromHttp(HttpHeaders? headers, HttpHeaders? contentHeaders = null)
    {
        var metadata = new GrpcMetadata();
        foreach (var source in new[] { headers, contentHeaders })
        {
            if (source is null)
            {
                continue;
            }
            foreach (var (key, values) in source.NonValidated)
            {
                foreach (var value in values)
                {
                    metadata.Add(key, value);
                }
            }
        }
        return metadata;
    }
}
