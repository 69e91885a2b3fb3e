using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;
using LlmdDoctor.Envoy.ConfigDump;

namespace LlmdDoctor.Envoy.Tests.ConfigDump;

public sealed class LargeDumpTests(ITestOutputHelper output)
{
    /// <summary>~100 MB, tens of thousands of routes in one route configuration: parsed with memory far below the file size.</summary>
    [Fact]
    public void A_100_MB_dump_parses_with_bounded_memory()
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmd-doctor-large-dump-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            var routes = WriteLargeDump(path, targetBytes: 100L * 1024 * 1024);
            var size = new FileInfo(path).Length;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();

            var dump = ConfigDumpParser.ParseFile(path);

            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            output.WriteLine($"{size} bytes, {routes} routes: parsed in {watch.Elapsed.TotalSeconds:0.00} s allocating {allocated} bytes ({(double)allocated / size:0.00}x the file)");
            Assert.Null(dump.Problem);
            Assert.Equal(routes, dump.Routes.Count);
            Assert.Equal(size, dump.Bytes);
            Assert.True(allocated < size, $"allocated {allocated} bytes for a {size}-byte dump");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private const string RouteTemplate = """
        {"name":"ns@NS@.route-@N@.1","match":{"prefix":"/ns/model-@N@/v1/chat/completions","case_sensitive":true},"route":{"cluster":"outbound|54321||pool-@N@-ip-1a2b3c4d.ns.svc.cluster.local","timeout":"0s"},"metadata":{"filter_metadata":{"istio":{"config":"/apis/networking.istio.io/v1/namespaces/ns/virtual-service/@PAD@"}}},"typed_per_filter_config":{"envoy.filters.http.ext_proc":{"@type":"type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute","overrides":{"processing_mode":{"request_header_mode":"SEND","response_header_mode":"SEND","request_body_mode":"FULL_DUPLEX_STREAMED","response_body_mode":"FULL_DUPLEX_STREAMED"},"grpc_service":{"envoy_grpc":{"cluster_name":"outbound|9002||epp-@EPP@.ns.svc.cluster.local"}}}}}}
        """;

    private static int WriteLargeDump(string path, long targetBytes)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("""{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump","bootstrap":{"node":{"id":"router~x","user_agent_build_version":{"version":{"major_number":1,"minor_number":34,"patch":1}}}}},""");
        writer.Write("""{"@type":"type.googleapis.com/envoy.admin.v3.RoutesConfigDump","dynamic_route_configs":[{"route_config":{"name":"http.80","virtual_hosts":[{"name":"*:80","domains":["*"],"routes":[""");
        var padding = new string('x', 1200);
        var count = 0;
        long written = 400;
        while (written < targetBytes)
        {
            var route = RouteTemplate.Replace("@NS@", (count % 97).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("@EPP@", (count % 50).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("@N@", count.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("@PAD@", padding, StringComparison.Ordinal);
            if (count > 0)
            {
                writer.Write(',');
            }

            writer.Write(route);
            written += route.Length + 1;
            count++;
        }

        writer.Write("]}]}}]}]}");
        return count;
    }
}
