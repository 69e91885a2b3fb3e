using System.Text.Json.Nodes;
using LlmdDoctor.Simulator;
using LlmdDoctor.Tests.Cli;
using LlmdDoctor.Trace;

namespace LlmdDoctor.Tests.Trace;

/// <summary><c>trace</c> on the command line: bad input is a clear message and exit 2; a run prints text or JSON and exits 1 when a hop broke.</summary>
public sealed class TraceCommandTests
{
    public static TheoryData<string, string[], string> BadInput => new()
    {
        { "gateway not NS/NAME", ["--gateway", "maas-gateway", "--model", "m"], "is not NAMESPACE/NAME" },
        { "neither model nor path", ["--gateway", "ns/gw"], "--model ID" },
        { "relative path", ["--gateway", "ns/gw", "--path", "v1/models"], "must be an absolute path" },
        { "header without a colon", ["--gateway", "ns/gw", "--path", "/v1/models", "--header", "X-Model"], "is not NAME:VALUE" },
        { "header name not a token", ["--gateway", "ns/gw", "--path", "/v1/models", "--header", "X Model:a"], "is not NAME:VALUE" },
        { "header the doctor sets itself", ["--gateway", "ns/gw", "--path", "/v1/models", "--header", "Content-Length:5"], "set by the doctor" },
        { "method not a token", ["--gateway", "ns/gw", "--path", "/v1/models", "--method", "PO ST"], "is not an HTTP method" },
        { "unreadable body file", ["--gateway", "ns/gw", "--path", "/v1/models", "--body", "/nonexistent/body.json"], "cannot be read" },
        { "output format", ["--gateway", "ns/gw", "--path", "/v1/models", "-o", "yaml"], "yaml" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_exits_2_with_a_message_that_says_what_is_wrong(string row, string[] args, string expected)
    {
        var result = await CliRunner.RunAsync(["trace", .. args, "--kubeconfig", "/nonexistent/kubeconfig"]);
        Assert.True(result.ExitCode == 2, $"{row}: exit {result.ExitCode} {result.Error}");
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_value_with_a_line_break_is_refused_and_not_echoed_raw()
    {
        var result = await CliRunner.RunAsync(["trace", "--gateway", "ns/gw", "--path", "/x", "--header", "X-A:b\r\nX-Injected: 1"]);
        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("\r\n", result.Error.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_file_over_the_cap_is_refused_before_anything_is_sent()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, new byte[TraceRequestSpec.MaxBodyBytes + 1]);
            var result = await CliRunner.RunAsync(["trace", "--gateway", "ns/gw", "--path", "/x", "--body", file]);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains($"at most {TraceRequestSpec.MaxBodyBytes} bytes", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_body_stream_over_the_cap_is_refused_even_when_its_length_is_unknown()
    {
        var ex = Assert.Throws<TraceUsageException>(() => TraceRequestSpec.Parse("ns/gw", null, "/x", null, "-", [],
            _ => new UnknownLength(new byte[TraceRequestSpec.MaxBodyBytes + 10])));
        Assert.Contains("larger than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Headers_are_parsed_host_is_taken_apart_and_a_good_request_reads_as_given()
    {
        var spec = TraceRequestSpec.Parse("ns/gw", "m", "/a/v1/chat/completions?x=1", "post", null,
            ["Host: api.example.com", "X-Gateway-Model-Name: publishers/ns/models/m", "Authorization: Bearer t"], _ => Stream.Null);
        Assert.Equal(("ns", "gw", "POST", "api.example.com"), (spec.GatewayNamespace, spec.GatewayName, spec.Method, spec.Host));
        Assert.Equal(["X-Gateway-Model-Name", "Authorization"], spec.Headers.Select(h => h.Key));
        Assert.Null(spec.Body);
    }

    [Fact]
    public async Task Help_explains_the_hops_and_the_exit_codes()
    {
        var result = await CliRunner.RunAsync(["trace", "--help"]);
        Assert.Equal(0, result.ExitCode);
        foreach (var text in new[] { "--gateway", "--model", "--path", "--header", "--body", "Endpoint Picker", "first broken hop", "kubectl exec", "Exit 0" })
        {
            Assert.Contains(text, result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unknown_gateway_exits_2_listing_the_gateways_and_a_run_prints_json_with_exit_1()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));
        var unknown = await CliRunner.RunAsync(["trace", "--gateway", "openshift-ingress/nope", "--model", "Qwen/Qwen3-0.6B", "--kubeconfig", cluster.KubeconfigPath]);
        Assert.True(unknown.ExitCode == 2, unknown.Error);
        Assert.Contains("Gateway openshift-ingress/nope not found; gateways: openshift-ingress/data-science-gateway, openshift-ingress/maas-gateway", unknown.Error, StringComparison.Ordinal);

        var unserved = await CliRunner.RunAsync(["trace", "--gateway", "openshift-ingress/maas-gateway", "--model", "other", "--kubeconfig", cluster.KubeconfigPath]);
        Assert.True(unserved.ExitCode == 2, unserved.Error);
        Assert.Contains("names model 'other'; give --path, or one of: Qwen/Qwen3-0.6B", unserved.Error, StringComparison.Ordinal);

        // From outside the cluster (no mapped Service names) the EPP is asked through pods/portforward.
        var config = Path.GetTempFileName();
        await File.WriteAllTextAsync(config, $"gateways:\n  overrides:\n    \"openshift-ingress/maas-gateway\":\n      caFile: {cluster.CaFile}\n");
        var run = await CliRunner.RunAsync(["trace", "--gateway", "openshift-ingress/maas-gateway", "--model", "Qwen/Qwen3-0.6B", "--kubeconfig", cluster.KubeconfigPath,
            "-o", "json", "--header", "Authorization: Bearer trace-secret-token-123", "--config", config]);
        File.Delete(config);
        Assert.True(run.ExitCode == 1, run.Error);
        Assert.DoesNotContain("trace-secret-token-123", run.Out, StringComparison.Ordinal);
        var json = JsonNode.Parse(run.Out)!;
        Assert.Equal(1, (int)json["schemaVersion"]!);
        Assert.Equal("gateway-epp", (string?)json["firstBroken"]!["id"]);
        var epp = json["hops"]!.AsArray().Single(h => (string?)h!["id"] == "epp")!;
        Assert.Equal("Ok", (string?)epp["verdict"]);
        Assert.Contains("(pods/portforward; Service ", epp["evidence"]!.AsArray().Select(n => (string?)n).First(), StringComparison.Ordinal);
        Assert.Contains("Authorization", json["request"]!["headerNames"]!.AsArray().Select(n => (string?)n));
    }

    /// <summary>A body read from a pipe: no length known in advance.</summary>
    private sealed class UnknownLength(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
