using System.Globalization;
using System.Text.Json.Nodes;
using LlmdDoctor.Faults.Tests.Harness;
using LlmdDoctor.Simulator.Kube;
using LlmdDoctor.Kubernetes;

namespace LlmdDoctor.Faults.Tests.Cases;

/// <summary>Faults of the Kubernetes API server (the simulator's, on loopback, with its fault hooks), seen through <c>llmd-doctor check</c>.</summary>
public static class KubernetesApiCases
{
    private const string Area = "Kubernetes API";

    /// <summary>Fails the collection path of every kind the API server serves; discovery (/api, /apis/GROUP/VERSION) still answers.</summary>
    internal static void FailEveryList(Lab lab, int status, string reason, string message, string? except = null)
    {
        foreach (var resource in lab.Api.Resources.Where(r => r.Plural != except))
        {
            var prefix = resource.Group.Length == 0 ? "/api/v1/" : $"/apis/{resource.GroupVersion}/";
            lab.ApiFaults.Fail(prefix + resource.Plural, status, reason, message);
        }
    }

    public static IEnumerable<FaultCase> All =>
    [
        new(Area, "403 on every list (discovery answers)", "nothing could be read, which is never healthy: exits 3 naming the inputs; the report names each denial (LLMD0002)", "exit 3", async () =>
        {
            await using var lab = await Lab.StartAsync();
            FailEveryList(lab, 403, "Forbidden", "User \"system:serviceaccount:llm-d-monitoring:llmd-doctor\" cannot list resource");
            var outcome = await lab.CheckAsync();
            Expect.Exit(outcome, 3, "could not run", "no inventory could be read", "Pods denied");
            Expect.InReport(outcome, "LLMD0002", "resource", "Pod (");
        }),

        new(Area, "500 on every list (discovery answers)", "nothing could be read, which is never healthy: exits 3; the report names each list (LLMD0003)", "exit 3", async () =>
        {
            await using var lab = await Lab.StartAsync();
            FailEveryList(lab, 500, "InternalError", "etcdserver: request timed out");
            var outcome = await lab.CheckAsync();
            Expect.Exit(outcome, 3, "could not run", "no inventory could be read", "Pods unavailable");
            Expect.InReport(outcome, "LLMD0003", "source", "Pod (");
        }),

        new(Area, "403 on every list but Pods", "something was read: the run completes with the denials as findings (exit not 3)", "LLMD0002", async () =>
        {
            await using var lab = await Lab.StartAsync();
            FailEveryList(lab, 403, "Forbidden", "cannot list resource", except: "pods");
            var outcome = await lab.CheckAsync();
            Assert.NotEqual(3, outcome.ExitCode);
            Expect.Finding(outcome, "LLMD0002", "resource", "Service (");
        }),

        new(Area, "500 on every request", "cannot read the cluster at all: exits 3 naming the API server URL and the 500", "exit 3", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Fail("/", 500, "InternalError", "etcdserver: leader changed");
            var outcome = await lab.CheckAsync();
            Expect.Exit(outcome, 3, "could not run", $"cannot use the Kubernetes API at {lab.ApiUrl}", "500", "etcdserver: leader changed");
        }),

        new(Area, "500 on one kind (HTTPRoutes)", "reports the kind and URL as a source it could not read; the checks that need it are skipped, not passed", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Fail("/apis/gateway.networking.k8s.io/v1/httproutes", 500, "InternalError", "the server is currently unable to handle the request");
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "source", "HTTPRoute (");
            Expect.Finding(outcome, "LLMD0003", "reason", "500");
            Expect.Skipped(outcome, "route.Accepted", "unavailable");
            Expect.NoCrash(outcome);
        }),

        new(Area, "429 with Retry-After: 1, once", "waits the Retry-After, retries once, and completes as if nothing happened", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Fail("/api/v1/pods", 429, "TooManyRequests", "storage is (re)initializing", times: 1, retryAfter: "1");
            var outcome = await lab.CheckAsync();
            Expect.NoFinding(outcome, "LLMD0003");
            Assert.True(lab.ApiFaults.RequestsTo("/api/v1/pods") >= 2, "the throttled list was not retried");
            Assert.True(outcome.Elapsed >= TimeSpan.FromSeconds(1), "Retry-After was not honoured");
        }),

        new(Area, "429 with Retry-After on every try", "retries once, then reports the kind as unavailable (still throttled)", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Fail("/api/v1/pods", 429, "TooManyRequests", "too many requests", retryAfter: "1");
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "reason", "still throttled after one retry");
            Expect.Finding(outcome, "LLMD0003", "source", "Pod (");
        }),

        new(Area, "one list never answers (timeout)", "cuts the list at the 30 s request timeout and reports that kind as unavailable (timeout)", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Delays["/apis/monitoring.coreos.com/v1/servicemonitors"] = TimeSpan.FromMinutes(5);
            var outcome = await lab.CycleAsync(limit: TimeSpan.FromSeconds(50));
            Expect.Finding(outcome, "LLMD0003", "reason", "(timeout)");
            Expect.Finding(outcome, "LLMD0003", "source", "ServiceMonitor (");
        }) { Slow = true },

        new(Area, "403 on one kind (ServiceMonitors)", "names the RBAC denial and the checks that could not run; everything else is still checked", "LLMD0002", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Fail("/apis/monitoring.coreos.com/v1/servicemonitors", 403, "Forbidden",
                "servicemonitors.monitoring.coreos.com is forbidden: User \"system:serviceaccount:llm-d-monitoring:llmd-doctor\" cannot list resource \"servicemonitors\"");
            var outcome = await lab.CheckAsync();
            var finding = Expect.Finding(outcome, "LLMD0002", "resource", "ServiceMonitor (");
            Assert.Contains("cannot list resource", finding.Evidence["reason"], StringComparison.Ordinal);
            Assert.Contains("monitoring.", finding.Evidence["checks"], StringComparison.Ordinal);
            Expect.NoFinding(outcome, "LLMD0003");
        }),

        new(Area, "CRD not installed (no monitoring.coreos.com)", "skips the checks that read it with the reason; no error, no finding", "skip: CRD not installed", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.Api.Resources.RemoveAll(r => r.Group == "monitoring.coreos.com");
            var outcome = await lab.CheckAsync();
            Expect.Skipped(outcome, "monitoring.MonitorCoverage", "CRD not installed");
            Expect.NoFinding(outcome, "LLMD0002");
            Expect.NoFinding(outcome, "LLMD0003");
        }),

        new(Area, "a list answers HTML instead of JSON", "reports that kind as unavailable: the answer is not JSON", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Failures.Add(new ScriptedFailure("/apis/gateway.networking.k8s.io/v1/gateways", 200, "", "")
            {
                RawBody = "<html><body>Application is not available</body></html>",
                ContentType = "text/html",
            });
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "reason", "not JSON");
            Expect.Finding(outcome, "LLMD0003", "source", "Gateway (");
            Expect.NoCrash(outcome);
        }),

        new(Area, "connection cut mid-body", "reports that kind as unavailable: the connection broke while reading", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Failures.Add(new ScriptedFailure("/api/v1/services", 200, "", "")
            {
                RawBody = new JsonObject { ["kind"] = "ServiceList", ["items"] = new JsonArray([.. Enumerable.Range(0, 200).Select(i => (JsonNode)new JsonObject { ["metadata"] = new JsonObject { ["name"] = $"s{i}" } })]) }.ToJsonString(),
                ContentType = "application/json",
                CutMidBody = true,
            });
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "reason", "connection broke while reading");
            Expect.Finding(outcome, "LLMD0003", "source", "Service (");
        }),

        new(Area, "a list larger than 64 MiB", "stops reading at 64 MiB and reports that kind as unavailable (too large)", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Failures.Add(new ScriptedFailure("/api/v1/configmaps", 200, "", "") { StreamBytes = 200L * 1024 * 1024 });
            lab.ApiFaults.Failures.Add(new ScriptedFailure("/api/v1/namespaces/openshift-monitoring/configmaps", 200, "", "") { StreamBytes = 200L * 1024 * 1024 });
            var outcome = await Memory.BoundedAsync(() => lab.CheckAsync(), 400);
            Expect.Finding(outcome, "LLMD0003", "reason", "larger than 64 MiB");
        }),

        new(Area, "connection refused", "exits 3 naming the API server and 'cannot connect'", "exit 3", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.KubeCluster = $"server: http://127.0.0.1:{Ports.Closed()}";
            var outcome = await lab.CheckAsync();
            Expect.Exit(outcome, 3, "could not run", "cannot connect");
        }),

        new(Area, "a proxy's HTML 502 on /api", "exits 3 naming the 502 (the HTML page is not echoed as if it were a Status)", "exit 3", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Failures.Add(new ScriptedFailure("/api", 502, "", "") { RawBody = "<html><h1>502 Bad Gateway</h1></html>", ContentType = "text/html" });
            var outcome = await lab.CheckAsync();
            Expect.Exit(outcome, 3, "could not run", "502");
        }),

        new(Area, "token file rotates mid-run", "re-reads the rotated token after the 401 and completes the run with every kind read", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            var tokenFile = Path.Combine(lab.Dir, "token");
            await File.WriteAllTextAsync(tokenFile, "token-before-rotation");
            lab.KubeUser = $"tokenFile: {tokenFile}";
            lab.Api.Token = "token-before-rotation";
            lab.ApiFaults.BeforeRequest = n =>
            {
                if (n == 6)
                {
                    File.WriteAllText(tokenFile, "token-after-rotation");
                    File.SetLastWriteTimeUtc(tokenFile, DateTime.UtcNow.AddSeconds(5));
                    lab.Api.Token = "token-after-rotation";
                }
            };
            var outcome = await lab.CheckAsync();
            Expect.NoFinding(outcome, "LLMD0003");
            Expect.NoFinding(outcome, "LLMD0002");
            Assert.Contains(lab.ApiFaults.Requests, r => r.Authorization == "Bearer token-after-rotation");
        }),

        new(Area, "static token revoked mid-run", "reports the kinds read after the revocation as unavailable (credential rejected), never as empty; every list fails, so it exits 3", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.BeforeRequest = n =>
            {
                if (n == 6)
                {
                    lab.Api.Token = "a-token-the-doctor-does-not-have";
                }
            };
            var outcome = await lab.CheckAsync();
            Expect.Exit(outcome, 3, "no inventory could be read");
            Expect.InReport(outcome, "LLMD0003", "reason", "the credential was rejected");
        }),

        new(Area, "expired client certificate", "exits 3: the API server rejects the credential (401), named in the message", "exit 3", async () =>
        {
            await using var lab = await Lab.StartAsync(Certificates.Signed());
            var (cert, key) = Certificates.Client(expired: true);
            // Only the client certificate can get a request in (the kubeconfig sends no token), and the client CA
            // issued it: kube-apiserver's x509 authenticator refuses it for its validity alone (x509.go Verify).
            lab.Api.Token = "a-token-the-kubeconfig-does-not-send";
            lab.Api.ClientCertificateAuthorities = [System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(cert)];
            lab.KubeCluster = $"server: {lab.ApiUrl.AbsoluteUri.TrimEnd('/')}\ncertificate-authority-data: {HealthyCluster.Base64(Certificates.CaPem)}";
            lab.KubeUser = $"client-certificate-data: {HealthyCluster.Base64(cert)}\nclient-key-data: {HealthyCluster.Base64(key)}";
            var outcome = await lab.CheckAsync();
            Expect.Exit(outcome, 3, "could not run", "401", "the credential was rejected");
        }),

        new(Area, "server certificate from an unknown CA", "exits 3: TLS handshake failed, naming the API server", "exit 3", async () =>
        {
            await using var lab = await Lab.StartAsync(Certificates.SelfSigned());
            lab.KubeCluster = $"server: {lab.ApiUrl.AbsoluteUri.TrimEnd('/')}\ncertificate-authority-data: {HealthyCluster.Base64(Certificates.CaPem)}";
            var outcome = await lab.CheckAsync();
            Expect.Exit(outcome, 3, "could not run", "TLS handshake failed", lab.ApiUrl.Authority);
        }),

        new(Area, "watch stream sends garbage", "the watch client (not used by a cycle, which lists) ends with an error naming the watch URL", "exception: KubeUnavailable", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.WatchSessions.Writer.TryWrite(["{\"type\":\"ADDED\",\"object\":", "<<garbage>>"]);
            using var client = new KubeClient(new KubeConnection { Server = lab.ApiUrl });
            var error = await Assert.ThrowsAsync<KubeUnavailableException>(async () =>
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await foreach (var _ in client.WatchAsync(KubeResource.Pods, cancellationToken: cts.Token))
                {
                }
            });
            Assert.Contains("watch", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(lab.ApiUrl.Authority, error.Message, StringComparison.Ordinal);
        }),

        new(Area, "watch stream closes", "the watch client reopens from the last resourceVersion it saw and delivers the next event", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            var podA = HealthyCluster.Objects.First(o => (string?)o["kind"] == "Pod").DeepClone().AsObject();
            podA["metadata"]!["name"] = "pod-a";
            podA["metadata"]!["resourceVersion"] = "5001";
            var podB = podA.DeepClone().AsObject();
            podB["metadata"]!["name"] = "pod-b";
            podB["metadata"]!["resourceVersion"] = "5002";
            lab.ApiFaults.WatchSessions.Writer.TryWrite([ApiServerFaults.WatchEvent("ADDED", podA)]);
            lab.ApiFaults.WatchSessions.Writer.TryWrite([ApiServerFaults.WatchEvent("ADDED", podB), ApiServerFaults.Hold]);
            using var client = new KubeClient(new KubeConnection { Server = lab.ApiUrl });
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var names = new List<string>();
            await foreach (var e in client.WatchAsync(KubeResource.Pods, resourceVersion: "5000", cancellationToken: cts.Token))
            {
                names.Add((string?)e.Object?["metadata"]?["name"] ?? e.Type.ToString());
                if (names.Contains("pod-b"))
                {
                    break;
                }
            }

            Assert.Equal(["pod-a", "pod-b"], names);
            Assert.Contains(lab.ApiFaults.Requests, r => r.PathAndQuery.Contains("watch=", StringComparison.Ordinal) && r.PathAndQuery.Contains("resourceVersion=5001", StringComparison.Ordinal));
        }),
    ];
}

/// <summary>Loopback ports nothing listens on.</summary>
public static class Ports
{
    public static int Closed()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
