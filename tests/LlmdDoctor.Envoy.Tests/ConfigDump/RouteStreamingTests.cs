using System.Text;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Envoy.ConfigDump;

namespace LlmdDoctor.Envoy.Tests.ConfigDump;

/// <summary>
/// Routes are read token by token (not materialized): every field order, spelling and kind must read as the
/// proto-JSON rules say, and the same whether a route sits inside one buffer fill or straddles many.
/// </summary>
public sealed class RouteStreamingTests
{
    private const string ExtProcType = "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute";
    private const string FilterConfigType = "type.googleapis.com/envoy.config.route.v3.FilterConfig";

    /// <summary>One route configuration <c>http.80</c> with one virtual host <c>vh</c> holding <paramref name="routes"/>.</summary>
    private static string Dump(string routes, string hostFields = "") =>
        """{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.RoutesConfigDump","dynamic_route_configs":[{"route_config":{"name":"http.80","virtual_hosts":[{"name":"vh","routes":["""
        + routes + "]" + hostFields + "}]}}]}]}";

    /// <summary><paramref name="json"/> with <c>@ExtProcPerRoute@</c> and <c>@FilterConfig@</c> replaced by those type URLs.</summary>
    private static string Typed(string json) =>
        json.Replace("@ExtProcPerRoute@", ExtProcType, StringComparison.Ordinal).Replace("@FilterConfig@", FilterConfigType, StringComparison.Ordinal);

    /// <summary>
    /// Parses <paramref name="json"/> four ways (one 64 KB buffer; a 16-byte buffer, so every route straddles
    /// refills; both again over a stream that hands out one byte per read) and checks they agree (on the bytes
    /// read, too, unless reading stopped at a problem: then that depends on the read sizes).
    /// </summary>
    private static Envoy.ConfigDump.ConfigDump ParseEveryWay(byte[] json, ConfigDumpOptions? options = null)
    {
        var whole = ConfigDumpParser.Parse(new MemoryStream(json), "test.json", options);
        foreach (var (stream, buffer) in new (Stream, int)[]
        {
            (new MemoryStream(json), 16),
            (new TrickleStream(json), JsonTokenStream.DefaultInitialBuffer),
            (new TrickleStream(json), 16),
        })
        {
            var other = ConfigDumpParser.Parse(stream, "test.json", options, buffer, default);
            Assert.Equal(whole.Problem, other.Problem);
            Assert.Equal(whole.Routes, other.Routes);
            if (whole.Problem is null)
            {
                Assert.Equal(whole.Bytes, other.Bytes);
            }
        }

        return whole;
    }

    private static Envoy.ConfigDump.ConfigDump ParseEveryWay(string json, ConfigDumpOptions? options = null) =>
        ParseEveryWay(Encoding.UTF8.GetBytes(json), options);

    private static EnvoyRoute Route(string name, string? match = null, string? cluster = null, ExtProcPerRoute? extProc = null) =>
        new("http.80", "vh", name, match, cluster, extProc);

    private static ExtProcPerRoute Override(ProcessingMode? mode = null, string? cluster = null, bool? failureModeAllow = null) =>
        new(false, mode, cluster, failureModeAllow);

    private static readonly ExtProcPerRoute Disabled = new(true, null, null, null);

    public static TheoryData<string, string, EnvoyRoute> Routes => new()
    {
        {
            "fields in Envoy's order",
            Typed("""{"name":"ns.r.0","match":{"prefix":"/v1"},"route":{"cluster":"c"},"typed_per_filter_config":{"envoy.filters.http.ext_proc":{"@type":"@ExtProcPerRoute@","overrides":{"processing_mode":{"request_body_mode":"BUFFERED"}}}}}"""),
            Route("ns.r.0", "prefix:/v1", "c", Override(ProcessingMode.Default with { RequestBody = BodySendMode.Buffered }))
        },
        {
            "fields in reverse order, the Any's @type last",
            Typed("""{"typed_per_filter_config":{"envoy.filters.http.ext_proc":{"overrides":{"grpc_service":{"envoy_grpc":{"cluster_name":"epp"}},"processing_mode":{"response_body_mode":"STREAMED","request_body_mode":"FULL_DUPLEX_STREAMED"}},"@type":"@ExtProcPerRoute@"}},"route":{"timeout":"0s","cluster":"c"},"match":{"case_sensitive":true,"path":"/x"},"name":"r"}"""),
            Route("r", "path:/x", "c", Override(ProcessingMode.Default with { RequestBody = BodySendMode.FullDuplexStreamed, ResponseBody = BodySendMode.Streamed }, "epp"))
        },
        {
            "unknown fields at every level are skipped",
            Typed("""{"name":"r","x":{"y":[1,{"z":null}]},"match":{"q":[{}],"prefix":"/p"},"route":{"retry_policy":{"retry_on":"5xx","num_retries":2},"cluster":"c","hash_policy":[]},"metadata":{"filter_metadata":{"istio":{"config":"/apis"}}},"typed_per_filter_config":{"envoy.filters.http.cors":{"@type":"x"},"envoy.filters.http.ext_proc":{"@type":"@ExtProcPerRoute@","disabled":true,"extra":[1,2]}}}"""),
            Route("r", "prefix:/p", "c", Disabled) with { IstioConfig = "/apis" }
        },
        {
            "escaped strings and property names",
            """{"n\u0061me":"ns\u002er.0 \"q\"","match":{"pre\u0066ix":"/caf\u00e9"},"route":{"cluster":"a\\b"}}""",
            Route("ns.r.0 \"q\"", "prefix:/café", "a\\b")
        },
        {
            "camelCase names; snake_case wins whatever the order",
            """{"name":"r","match":{"path_separated_prefix":"/snake","pathSeparatedPrefix":"/camel"},"typedPerFilterConfig":{"envoy.filters.http.ext_proc":{"disabled":true}},"typed_per_filter_config":{"envoy.filters.http.ext_proc":{"overrides":{"failure_mode_allow":false,"failureModeAllow":{"value":true}}}}}""",
            Route("r", "prefix:/snake", null, Override(failureModeAllow: false))
        },
        {
            "the last duplicate wins",
            """{"name":"first","name":"second","route":{"cluster":"a"},"route":{"cluster":"b","cluster":"c"}}""",
            Route("second", null, "c")
        },
        {
            "wrong kinds read as absent, numbers as their text",
            """{"name":42,"match":"/not-an-object","route":[{"cluster":"c"}],"typed_per_filter_config":{"envoy.filters.http.ext_proc":"not-an-object"}}""",
            Route("42", null, null, Override())
        },
        {
            "an object name is no name; a number prefix is its text",
            """{"name":{"x":1},"match":{"prefix":7}}""",
            Route("", "prefix:7")
        },
        {
            "a FilterConfig wraps the override, its @type last",
            Typed("""{"name":"r","typed_per_filter_config":{"envoy.filters.http.ext_proc":{"config":{"overrides":{"processing_mode":{"request_body_mode":2}}},"@type":"@FilterConfig@"}}}"""),
            Route("r", extProc: Override(ProcessingMode.Default with { RequestBody = BodySendMode.Buffered }))
        },
        {
            "an Any of another type is no ext_proc override",
            """{"name":"r","typed_per_filter_config":{"envoy.filters.http.ext_proc":{"@type":"type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute","disabled":true}}}""",
            Route("r")
        },
        {
            "a FilterConfig around another type is no ext_proc override",
            Typed("""{"name":"r","typed_per_filter_config":{"envoy.filters.http.ext_proc":{"@type":"@FilterConfig@","config":{"@type":"type.googleapis.com/x.v3.Other"}}}}"""),
            Route("r")
        },
        {
            "values as strings, lower case, padded or numbered",
            """{"name":"r","typed_per_filter_config":{"envoy.filters.http.ext_proc":{"disabled":"false","overrides":{"failure_mode_allow":" True ","processing_mode":{"request_header_mode":"send","request_body_mode":" buffered_partial ","response_trailer_mode":1},"grpc_service":{"google_grpc":{"target_uri":"dns:///epp:9002"}}}}}}""",
            Route("r", extProc: Override(new ProcessingMode(HeaderSendMode.Send, HeaderSendMode.Default, BodySendMode.BufferedPartial, BodySendMode.None, HeaderSendMode.Default, HeaderSendMode.Send), "dns:///epp:9002", true))
        },
        {
            "a regex match; a mode Envoy does not have",
            """{"match":{"safeRegex":{"regex":"^/v[0-9]+/"}},"name":"r","typed_per_filter_config":{"envoy.filters.http.ext_proc":{"overrides":{"processingMode":{"requestBodyMode":"TELEPATHIC"}}}}}""",
            Route("r", "regex:^/v[0-9]+/", null, Override(ProcessingMode.Default with { RequestBody = BodySendMode.Unknown }))
        },
        {
            "a route that is not an object has no fields",
            "[{\"name\":\"r\"}]",
            Route("")
        },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public void A_route_reads_the_same_in_any_shape_and_buffer_size(string shape, string route, EnvoyRoute expected)
    {
        var dump = ParseEveryWay(Dump(route));

        Assert.True(dump.Problem is null, $"{shape}: {dump.Problem}");
        // The typed path is RouteTableReadingTests' subject; here the folded Match text stands for it.
        Assert.Equal(expected, Assert.Single(dump.Routes) with { PathMatch = null });
    }

    [Fact]
    public void The_virtual_host_override_applies_to_routes_without_their_own_even_when_it_comes_last()
    {
        var dump = ParseEveryWay(Dump(
            """{"name":"a"},{"name":"b","typed_per_filter_config":{"envoy.filters.http.ext_proc":{"disabled":true}}}""",
            ""","typedPerFilterConfig":{"envoy.filters.http.ext_proc":{"overrides":{"processing_mode":{"request_body_mode":"BUFFERED"}}}}"""));

        Assert.Null(dump.Problem);
        Assert.Equal(
            [Route("a", extProc: Override(ProcessingMode.Default with { RequestBody = BodySendMode.Buffered })), Route("b", extProc: Disabled)],
            dump.Routes);
    }

    [Fact]
    public void Bad_text_in_a_route_reads_as_replacement_characters_not_an_exception()
    {
        // Invalid UTF-8 (0xFF) in a name and a lone escaped surrogate in a cluster.
        var json = Encoding.UTF8.GetBytes(Dump("""{"name":"r-#","route":{"cluster":"c\ud800"}}"""));
        json[Array.IndexOf(json, (byte)'#')] = 0xFF;

        var dump = ParseEveryWay(json);

        Assert.Null(dump.Problem);
        Assert.Equal(Route("r-\uFFFD", cluster: "c\uFFFD"), Assert.Single(dump.Routes));
    }

    [Fact]
    public void A_route_larger_than_the_element_limit_is_a_problem_at_its_offset()
    {
        var json = Dump("""{"name":"small"},{"name":"big","metadata":{"pad":""" + $"\"{new string('x', 3000)}\"" + "}}");
        var start = json.IndexOf("{\"name\":\"big\"", StringComparison.Ordinal);

        var dump = ParseEveryWay(json, new ConfigDumpOptions { MaxElementBytes = 2048 });

        Assert.Equal($"test.json: one element near byte {start} is larger than the limit of 2048 bytes", dump.Problem);
        Assert.Equal([Route("small")], dump.Routes);
    }

    public static TheoryData<string, string> BrokenRoutes
    {
        get
        {
            var badValue = Dump("""{"name":"a"},{"name":"r","match":{"prefix":/x}}""");
            var missingComma = Dump("""{"name":"a"},{"name":"r" "match":{}}""");
            var whole = Dump("""{"name":"a"},{"name":"r","typed_per_filter_config":{"envoy.filters.http.ext_proc":{"overrides":{"processing_mode":{"request_body_mode":"BUFFERED"}}}}}""");
            var data = new TheoryData<string, string>
            {
                { badValue, $"invalid JSON near byte {badValue.IndexOf("/x}", StringComparison.Ordinal)}: '/' is an invalid start of a value." },
                { missingComma, $"invalid JSON near byte {missingComma.IndexOf("\"match\"", StringComparison.Ordinal)}: '\"' is invalid after a value." },
            };
            foreach (var cut in new[]
            {
                whole.IndexOf("{\"name\":\"r\"", StringComparison.Ordinal) + 1,
                whole.IndexOf("request_body_mode", StringComparison.Ordinal) + 4,
                whole.IndexOf("BUFFERED", StringComparison.Ordinal) + 3,
                whole.IndexOf("}}}}}", StringComparison.Ordinal) + 2,
            })
            {
                data.Add(whole[..cut], $"truncated at byte {cut}: the JSON ends inside an unfinished value");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(BrokenRoutes))]
    public void A_broken_route_is_a_problem_at_the_same_byte_whatever_the_buffer_size(string json, string problem)
    {
        var dump = ParseEveryWay(json);

        Assert.NotNull(dump.Problem);
        Assert.StartsWith("test.json: " + problem, dump.Problem, StringComparison.Ordinal);
        Assert.Equal([Route("a")], dump.Routes);
    }

    /// <summary>A stream that hands out one byte per read.</summary>
    private sealed class TrickleStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= data.Length || count == 0)
            {
                return 0;
            }

            buffer[offset] = data[_position++];
            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
