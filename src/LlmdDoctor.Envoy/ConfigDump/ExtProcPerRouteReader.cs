using System.Runtime.CompilerServices;
using System.Text.Json;
using LlmdDoctor.Core.Envoy;
using static LlmdDoctor.Envoy.ConfigDump.ProtoJsonTokens;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>
/// Reads a route's or virtual host's <c>typed_per_filter_config["envoy.filters.http.ext_proc"]</c> (an
/// <c>ExtProcPerRoute</c>, also wrapped in a <c>config.route.v3.FilterConfig</c>) token by token. Fields may come in
/// any order (an Any's <c>@type</c> last, too), so the fields are collected first and resolved at the object's end;
/// proto field rules are <see cref="ProtoJson"/>'s: snake_case before camelCase, the last duplicate wins, a wrong
/// kind reads as absent.
/// </summary>
internal static class ExtProcPerRouteReader
{
    /// <summary>With the current token the <c>typed_per_filter_config</c> property name: its ext_proc entry; null when it has none or one of another type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ExtProcPerRoute? ReadTypedPerFilterConfig(ref JsonTokenStream tokens)
    {
        tokens.Expect();
        return ReadMap(ref tokens);
    }

    /// <summary>
    /// <see cref="ReadTypedPerFilterConfig"/> holding the map in the buffer while it is read
    /// (<see cref="JsonTokenStream.HoldElement"/>): for a virtual host's, where the map is the element.
    /// </summary>
    public static ExtProcPerRoute? ReadHeldTypedPerFilterConfig(ref JsonTokenStream tokens)
    {
        tokens.Expect();
        tokens.HoldElement();
        try
        {
            return ReadMap(ref tokens);
        }
        finally
        {
            tokens.ReleaseElement();
        }
    }

    /// <summary>With the current token the map's start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ExtProcPerRoute? ReadMap(ref JsonTokenStream tokens)
    {
        ExtProcPerRoute? perRoute = null;
        if (tokens.EnterObject(out var depth))
        {
            while (tokens.NextProperty(depth))
            {
                if (tokens.NameIs("envoy.filters.http.ext_proc"u8))
                {
                    perRoute = ReadPerRoute(ref tokens);
                }
                else
                {
                    tokens.Skip();
                }
            }
        }

        return perRoute;
    }

    /// <summary>With the current token a filter name: its <c>ExtProcPerRoute</c>; null for an Any of a type that is not ext_proc's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ExtProcPerRoute? ReadPerRoute(ref JsonTokenStream tokens)
    {
        tokens.Expect();
        var outer = ReadMessage(ref tokens, out var wrapped);
        var any = outer.Type == AnyType.FilterConfig ? wrapped : outer;
        if (any.Type is AnyType.FilterConfig or AnyType.Other)
        {
            return null;
        }

        if (any.Disabled == true)
        {
            return new ExtProcPerRoute(true, null, null, null);
        }

        return new ExtProcPerRoute(false, any.Overrides.ProcessingMode.Value, any.Overrides.Cluster.Value, any.Overrides.FailureModeAllow.Value);
    }

    /// <summary>
    /// With the current token a value's start: the ExtProcPerRoute fields of it (all absent for a non-object), and
    /// in <paramref name="wrapped"/> those of its <c>config</c> (what a FilterConfig wraps).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static PerRouteFields ReadMessage(ref JsonTokenStream tokens, out PerRouteFields wrapped)
    {
        wrapped = default;
        var fields = default(PerRouteFields);
        if (!tokens.EnterObject(out var depth))
        {
            return fields;
        }

        while (tokens.NextProperty(depth))
        {
            if (tokens.NameIs("config"u8))
            {
                tokens.Expect();
                wrapped = ReadMessage(ref tokens, out _);
            }
            else
            {
                ReadField(ref tokens, ref fields);
            }
        }

        return fields;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReadField(ref JsonTokenStream tokens, ref PerRouteFields fields)
    {
        if (tokens.NameIs("@type"u8))
        {
            tokens.Expect();
            fields.Type = tokens.TokenType is not (JsonTokenType.String or JsonTokenType.Number) ? AnyType.None
                : TypeNameIs(ref tokens, "FilterConfig") ? AnyType.FilterConfig
                : TypeNameIs(ref tokens, "ExtProcPerRoute") ? AnyType.ExtProcPerRoute
                : AnyType.Other;
            tokens.Skip();
        }
        else if (tokens.NameIs("disabled"u8))
        {
            fields.Disabled = ReadBool(ref tokens);
        }
        else if (tokens.NameIs("overrides"u8))
        {
            fields.Overrides = ReadOverrides(ref tokens);
        }
        else
        {
            tokens.Skip();
        }
    }

    /// <summary>With the current token the <c>overrides</c> property name: its <c>ExtProcOverrides</c> fields.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static OverrideFields ReadOverrides(ref JsonTokenStream tokens)
    {
        tokens.Expect();
        var fields = default(OverrideFields);
        if (!tokens.EnterObject(out var depth))
        {
            return fields;
        }

        while (tokens.NextProperty(depth))
        {
            FieldSpelling spelling;
            if ((spelling = Spelling(ref tokens, "processing_mode"u8, "processingMode"u8)) != FieldSpelling.None)
            {
                fields.ProcessingMode.Set(spelling, ReadProcessingMode(ref tokens));
            }
            else if ((spelling = Spelling(ref tokens, "grpc_service"u8, "grpcService"u8)) != FieldSpelling.None)
            {
                fields.Cluster.Set(spelling, ReadGrpcCluster(ref tokens));
            }
            else if ((spelling = Spelling(ref tokens, "failure_mode_allow"u8, "failureModeAllow"u8)) != FieldSpelling.None)
            {
                fields.FailureModeAllow.Set(spelling, ReadBool(ref tokens));
            }
            else
            {
                tokens.Skip();
            }
        }

        return fields;
    }

    /// <summary>As <see cref="ExtProcConfigReader.ReadProcessingMode"/>; null for a non-object.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ProcessingMode? ReadProcessingMode(ref JsonTokenStream tokens)
    {
        tokens.Expect();
        if (!tokens.EnterObject(out var depth))
        {
            return null;
        }

        ProtoField<HeaderSendMode> requestHeader = default, responseHeader = default, requestTrailer = default, responseTrailer = default;
        ProtoField<BodySendMode> requestBody = default, responseBody = default;
        while (tokens.NextProperty(depth))
        {
            FieldSpelling spelling;
            if ((spelling = Spelling(ref tokens, "request_header_mode"u8, "requestHeaderMode"u8)) != FieldSpelling.None)
            {
                requestHeader.Set(spelling, ReadHeaderMode(ref tokens));
            }
            else if ((spelling = Spelling(ref tokens, "response_header_mode"u8, "responseHeaderMode"u8)) != FieldSpelling.None)
            {
                responseHeader.Set(spelling, ReadHeaderMode(ref tokens));
            }
            else if ((spelling = Spelling(ref tokens, "request_body_mode"u8, "requestBodyMode"u8)) != FieldSpelling.None)
            {
                requestBody.Set(spelling, ReadBodyMode(ref tokens));
            }
            else if ((spelling = Spelling(ref tokens, "response_body_mode"u8, "responseBodyMode"u8)) != FieldSpelling.None)
            {
                responseBody.Set(spelling, ReadBodyMode(ref tokens));
            }
            else if ((spelling = Spelling(ref tokens, "request_trailer_mode"u8, "requestTrailerMode"u8)) != FieldSpelling.None)
            {
                requestTrailer.Set(spelling, ReadHeaderMode(ref tokens));
            }
            else if ((spelling = Spelling(ref tokens, "response_trailer_mode"u8, "responseTrailerMode"u8)) != FieldSpelling.None)
            {
                responseTrailer.Set(spelling, ReadHeaderMode(ref tokens));
            }
            else
            {
                tokens.Skip();
            }
        }

        // An absent field is default(T): DEFAULT and NONE, as SendModeNames reads an absent name.
        return new ProcessingMode(requestHeader.Value, responseHeader.Value, requestBody.Value, responseBody.Value, requestTrailer.Value, responseTrailer.Value);
    }

    /// <summary>As <see cref="ExtProcConfigReader.ReadCluster"/>: <c>envoy_grpc.cluster_name</c>, else <c>google_grpc.target_uri</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ReadGrpcCluster(ref JsonTokenStream tokens)
    {
        tokens.Expect();
        if (!tokens.EnterObject(out var depth))
        {
            return null;
        }

        ProtoField<string?> envoyCluster = default, googleTarget = default;
        while (tokens.NextProperty(depth))
        {
            FieldSpelling spelling;
            if ((spelling = Spelling(ref tokens, "envoy_grpc"u8, "envoyGrpc"u8)) != FieldSpelling.None)
            {
                envoyCluster.Set(spelling, ReadNestedString(ref tokens, "cluster_name"u8, "clusterName"u8));
            }
            else if ((spelling = Spelling(ref tokens, "google_grpc"u8, "googleGrpc"u8)) != FieldSpelling.None)
            {
                googleTarget.Set(spelling, ReadNestedString(ref tokens, "target_uri"u8, "targetUri"u8));
            }
            else
            {
                tokens.Skip();
            }
        }

        return envoyCluster.Value ?? googleTarget.Value;
    }

    /// <summary>With the current token a property name whose value should be an object: that object's string field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ReadNestedString(ref JsonTokenStream tokens, ReadOnlySpan<byte> snake, ReadOnlySpan<byte> camel)
    {
        tokens.Expect();
        if (!tokens.EnterObject(out var depth))
        {
            return null;
        }

        ProtoField<string?> field = default;
        while (tokens.NextProperty(depth))
        {
            var spelling = Spelling(ref tokens, snake, camel);
            if (spelling != FieldSpelling.None)
            {
                field.Set(spelling, tokens.ReadStringValue());
            }
            else
            {
                tokens.Skip();
            }
        }

        return field.Value;
    }

    /// <summary>A header or trailer send mode; Envoy's exact spellings are matched without building a string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static HeaderSendMode ReadHeaderMode(ref JsonTokenStream tokens)
    {
        tokens.Expect();
        if (tokens.TokenType == JsonTokenType.String && !tokens.IsEscaped)
        {
            var raw = tokens.RawValue;
            if (raw.SequenceEqual("SEND"u8))
            {
                return HeaderSendMode.Send;
            }

            if (raw.SequenceEqual("SKIP"u8))
            {
                return HeaderSendMode.Skip;
            }
        }

        return SendModeNames.ParseHeader(tokens.ScalarText());
    }

    /// <summary>A body send mode; Envoy's exact spellings are matched without building a string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static BodySendMode ReadBodyMode(ref JsonTokenStream tokens)
    {
        tokens.Expect();
        if (tokens.TokenType == JsonTokenType.String && !tokens.IsEscaped)
        {
            var raw = tokens.RawValue;
            if (raw.SequenceEqual("FULL_DUPLEX_STREAMED"u8))
            {
                return BodySendMode.FullDuplexStreamed;
            }

            if (raw.SequenceEqual("BUFFERED"u8))
            {
                return BodySendMode.Buffered;
            }

            if (raw.SequenceEqual("STREAMED"u8))
            {
                return BodySendMode.Streamed;
            }
        }

        return SendModeNames.ParseBody(tokens.ScalarText());
    }

    /// <summary>What an Any's <c>@type</c> names, as far as ext_proc cares.</summary>
    private enum AnyType
    {
        /// <summary>No <c>@type</c> (or not a string): read as an ExtProcPerRoute.</summary>
        None,
        FilterConfig,
        ExtProcPerRoute,
        Other,
    }

    /// <summary>The fields of an <c>ExtProcPerRoute</c> (or of the FilterConfig around one).</summary>
    private struct PerRouteFields
    {
        public AnyType Type;
        public bool? Disabled;
        public OverrideFields Overrides;
    }

    /// <summary>The fields of an <c>ExtProcOverrides</c>.</summary>
    private struct OverrideFields
    {
        public ProtoField<ProcessingMode?> ProcessingMode;
        public ProtoField<string?> Cluster;
        public ProtoField<bool?> FailureModeAllow;
    }
}
