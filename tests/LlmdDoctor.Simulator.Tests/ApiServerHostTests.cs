using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Simulator.Tests;

/// <summary>
/// The simulated API server hosted alone (what the client tests talk to): authentication by bearer token or client
/// certificate as kube-apiserver's union of authenticators decides, CRDs installed before any object, the request
/// record, and port-forward answers split into frames.
/// </summary>
public sealed class ApiServerHostTests
{
    private const string PodsPath = "/api/v1/namespaces/ns/pods";

    private static JsonObject Pod(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "ns" },
    };

    /// <summary>A self-signed certificate for client authentication, with its key, valid from/to days from now.</summary>
    private static X509Certificate2 ClientCertificate(string commonName, int fromDays = -1, int toDays = 1)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(fromDays), DateTimeOffset.UtcNow.AddDays(toDays));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>(case, client certificate sent: none/trusted/untrusted/expired/future, bearer token sent, server has a client CA, expected status).</summary>
    public static TheoryData<string, string, string?, bool, HttpStatusCode> Authentications => new()
    {
        { "the right token", "none", "t", true, HttpStatusCode.OK },
        { "a certificate the client CA verifies", "trusted", null, true, HttpStatusCode.OK },
        { "an unverified certificate and the right token", "untrusted", "t", true, HttpStatusCode.OK },
        { "no credentials", "none", null, true, HttpStatusCode.Unauthorized },
        { "a wrong token", "none", "wrong", true, HttpStatusCode.Unauthorized },
        { "a certificate the client CA does not verify", "untrusted", null, true, HttpStatusCode.Unauthorized },
        { "an expired certificate the client CA issued", "expired", null, true, HttpStatusCode.Unauthorized },
        { "a certificate the client CA issued, not valid yet", "future", null, true, HttpStatusCode.Unauthorized },
        { "a certificate, and the server has no client CA", "trusted", null, false, HttpStatusCode.Unauthorized },
    };

    [Theory]
    [MemberData(nameof(Authentications))]
    public async Task A_request_is_authenticated_by_the_token_or_a_verified_client_certificate(string name, string certificate, string? token, bool clientCa, HttpStatusCode expected)
    {
        using var pki = new SimulatorCertificates();
        using var trusted = ClientCertificate("doctor");
        using var untrusted = ClientCertificate("stranger");
        using var expired = ClientCertificate("doctor-expired", fromDays: -30, toDays: -1);
        using var future = ClientCertificate("doctor-future", fromDays: 1, toDays: 30);
        var server = new SimulatedApiServer([Pod("a")], "t", (_, _, _, _) => null);
        if (clientCa)
        {
            server.ClientCertificateAuthorities = [.. new[] { trusted, expired, future }.Select(c => X509CertificateLoader.LoadCertificate(c.RawData))];
        }

        await using var api = await ApiServerHost.StartAsync(server, pki.Server);
        using var handler = new HttpClientHandler
        {
            // Pinned to the simulator's serving certificate: this test is about the client's credentials, not the server's.
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == pki.Server.Thumbprint,
            ClientCertificateOptions = ClientCertificateOption.Manual,
        };
        if (certificate != "none")
        {
            handler.ClientCertificates.Add(certificate switch { "trusted" => trusted, "expired" => expired, "future" => future, _ => untrusted });
        }

        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api.Url, PodsPath));
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);

        Assert.True(expected == response.StatusCode, $"{name}: {(int)response.StatusCode}");
        Assert.Equal(api.Url.Port, server.Url!.Port);
    }

    [Fact]
    public async Task An_installed_crd_is_announced_and_listed_empty_before_any_object_exists()
    {
        var server = new SimulatedApiServer([Pod("a")], null, (_, _, _, _) => null);
        await using var api = await ApiServerHost.StartAsync(server);
        using var http = new HttpClient();

        using var before = await http.GetAsync(new Uri(api.Url, "/apis/sailoperator.io/v1/istios"));
        server.Install(new ApiResource("sailoperator.io", "v1", "istios", "Istio", false));
        server.Install(new ApiResource("sailoperator.io", "v1", "istios", "Istio", false));
        var groups = JsonNode.Parse(await http.GetStringAsync(new Uri(api.Url, "/apis")))!;
        var list = JsonNode.Parse(await http.GetStringAsync(new Uri(api.Url, "/apis/sailoperator.io/v1/istios")))!;

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Single(groups["groups"]!.AsArray(), g => (string?)g!["name"] == "sailoperator.io");
        Assert.Equal("IstioList", (string?)list["kind"]);
        Assert.Empty(list["items"]!.AsArray());
        Assert.Single(server.Resources, r => r.Group == "sailoperator.io");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Requests_are_recorded_with_their_accept_header_only_while_fault_hooks_are_attached(bool hooks)
    {
        var server = new SimulatedApiServer([Pod("a")], "t", (_, _, _, _) => null) { Faults = hooks ? new ApiServerFaults() : null };
        await using var api = await ApiServerHost.StartAsync(server);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api.Url, PodsPath + "?limit=5"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "t");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (hooks)
        {
            Assert.Equal(new ApiCall("GET", PodsPath + "?limit=5", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"), Assert.Single(server.Requests));
        }
        else
        {
            Assert.Empty(server.Requests);
        }
    }

    /// <summary>(frame size set or null for the default, answer body length, data frames expected after the port frame).</summary>
    public static TheoryData<int?, int, int> Frames => new()
    {
        { null, 5_000, 1 },
        { null, 40_000, 2 },
        { 1000, 5_000, 6 },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public async Task A_pod_answer_arrives_in_frames_of_at_most_the_frame_size(int? frameBytes, int bodyLength, int frames)
    {
        var answer = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {bodyLength}\r\nConnection: close\r\n\r\n{new string('z', bodyLength)}");
        var server = new SimulatedApiServer([Pod("a")], null, (_, _, _, _) => answer);
        if (frameBytes is { } size)
        {
            server.PortForwardFrameBytes = size;
        }

        await using var api = await ApiServerHost.StartAsync(server);
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v4.channel.k8s.io");
        await socket.ConnectAsync(new Uri($"ws://{api.Url.Authority}{PodsPath}/a/portforward?ports=15000"), default);
        await socket.SendAsync(Encoding.ASCII.GetBytes("\0GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"), WebSocketMessageType.Binary, true, default);

        var data = new List<byte[]>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var frame = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, default);
                frame.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            if (frame.Length > 0 && frame.GetBuffer()[0] == 0)
            {
                data.Add(frame.ToArray());
            }
        }

        // The first data frame is the port number; the rest carry the answer, in order.
        Assert.Equal(frames, data.Count - 1);
        Assert.All(data.Skip(1), f => Assert.True(f.Length - 1 <= (frameBytes ?? 32 * 1024)));
        Assert.Equal(answer, data.Skip(1).SelectMany(f => f.Skip(1)).ToArray());
    }
    private static JsonObject Lease(string ns, string name, string? resourceVersion, string holder)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (resourceVersion is not null)
        {
            metadata["resourceVersion"] = resourceVersion;
        }

        return new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject { ["holderIdentity"] = holder },
        };
    }

    /// <summary>
    /// (case, method, namespace, name in the URL (null = the collection), name in the body, resourceVersion sent
    /// ("stored" = the stored one), expected status, reason of the Status or null, holder of llmd-doctor afterwards).
    /// The server starts with the Lease llm-d-monitoring/llmd-doctor held by "old"; only the doctor's namespace is writable.
    /// </summary>
    public static TheoryData<string, string, string, string?, string, string?, HttpStatusCode, string?, string> LeaseWrites => new()
    {
        { "create a new Lease", "POST", "llm-d-monitoring", null, "fresh", null, HttpStatusCode.Created, null, "old" },
        { "create an existing Lease", "POST", "llm-d-monitoring", null, "llmd-doctor", null, HttpStatusCode.Conflict, "AlreadyExists", "old" },
        { "update with the stored resourceVersion", "PUT", "llm-d-monitoring", "llmd-doctor", "llmd-doctor", "stored", HttpStatusCode.OK, null, "new" },
        { "update with a stale resourceVersion", "PUT", "llm-d-monitoring", "llmd-doctor", "llmd-doctor", "1", HttpStatusCode.Conflict, "Conflict", "old" },
        { "update without a resourceVersion", "PUT", "llm-d-monitoring", "llmd-doctor", "llmd-doctor", null, HttpStatusCode.Conflict, "Conflict", "old" },
        { "update of a missing Lease creates it", "PUT", "llm-d-monitoring", "other", "other", null, HttpStatusCode.Created, null, "old" },
        { "a URL name other than the body's", "PUT", "llm-d-monitoring", "other", "llmd-doctor", "stored", HttpStatusCode.BadRequest, "BadRequest", "old" },
        { "a Lease in another namespace", "POST", "ns", null, "llmd-doctor", null, HttpStatusCode.Forbidden, "Forbidden", "old" },
    };

    [Theory]
    [MemberData(nameof(LeaseWrites))]
    public async Task Lease_writes_follow_the_generic_store_and_rbac(
        string name, string method, string ns, string? urlName, string bodyName, string? resourceVersion, HttpStatusCode expected, string? reason, string holderAfter)
    {
        var server = new SimulatedApiServer([Pod("a")], null, (_, _, _, _) => null);
        var existing = server.Add(Lease("llm-d-monitoring", "llmd-doctor", null, "old"));
        await using var api = await ApiServerHost.StartAsync(server);
        using var http = new HttpClient();
        var sent = resourceVersion == "stored" ? (string?)existing["metadata"]!["resourceVersion"] : resourceVersion;
        var collection = $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(api.Url, urlName is null ? collection : $"{collection}/{urlName}"))
        {
            Content = new StringContent(Lease(ns, bodyName, sent, "new").ToJsonString(), Encoding.UTF8, "application/json"),
        };

        using var response = await http.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var stored = JsonNode.Parse(await http.GetStringAsync(new Uri(api.Url, "/apis/coordination.k8s.io/v1/namespaces/llm-d-monitoring/leases/llmd-doctor")))!;

        Assert.True(expected == response.StatusCode, $"{name}: {(int)response.StatusCode} {answer.ToJsonString()}");
        Assert.Equal(reason, (string?)answer["reason"]);
        Assert.Equal(holderAfter, (string?)stored["spec"]!["holderIdentity"]);
        if (reason is null)
        {
            Assert.Equal("new", (string?)answer["spec"]!["holderIdentity"]);
            Assert.Equal(server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)answer["metadata"]!["resourceVersion"]);
        }
    }
}
