using System.Collections;
using System.Globalization;
using Grpc.Core;

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

    /// <summary>
    /// Metadata as Grpc.Net.Client hands it over; it leaves out grpc-status, which is added back from
    /// <paramref name="status"/> (trailers), so readers see the trailers as the wire carried them.
    /// </summary>
    internal static GrpcMetadata FromGrpc(Metadata? source, GrpcStatusCode? status)
    {
        var metadata = new GrpcMetadata();
        foreach (var entry in source ?? [])
        {
            metadata.Add(entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value);
        }
        if (status is { } code)
        {
            metadata.Add("grpc-status", ((int)code).ToString(CultureInfo.InvariantCulture));
        }
        return metadata;
    }

    /// <summary>This metadata for a call; values of <c>-bin</c> keys are base64 here and bytes on the wire.</summary>
    internal Metadata ToGrpc()
    {
        var metadata = new Metadata();
        foreach (var (key, value) in _entries)
        {
            if (key.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.Ordinal))
            {
                metadata.Add(key, Convert.FromBase64String(value));
            }
            else
            {
                metadata.Add(key, value);
            }
        }
        return metadata;
    }
}
