using System.Text;
using System.Text.Json;
using LlmdDoctor.Core.Security;

namespace LlmdDoctor.Core.Tests.Security;

/// <summary>
/// A registered credential is scrubbed in every spelling a peer or a serializer may give it. The registry is
/// process-wide, so each test registers its own distinctive value.
/// </summary>
public sealed class KnownCredentialsTests
{
    private const string Token = "tok+en/Zq9=xY_unit-1";

    static KnownCredentialsTests() => KnownCredentials.Register(Token);

    public static TheoryData<string, string> Spellings => new()
    {
        { "raw", Token },
        { "JSON default encoder", JsonSerializer.Serialize(Token) },
        { "JSON, upper-case escapes and escaped slash", "tok\\u002Ben\\/Zq9\\u003dxY_unit-1" },
        { "JSON quoted inside JSON", JsonSerializer.Serialize(JsonSerializer.Serialize(Token)) },
        { "percent-encoded", Uri.EscapeDataString(Token) },
        { "percent-encoded twice", Uri.EscapeDataString(Uri.EscapeDataString(Token)) },
        { "lower-case percent-encoding", System.Text.RegularExpressions.Regex.Replace(Uri.EscapeDataString(Token), "%[0-9A-F]{2}", m => m.Value.ToLowerInvariant()) },
        { "base64", Convert.ToBase64String(Encoding.UTF8.GetBytes(Token)) },
        { "Authorization header", "Authorization: Bearer " + Token },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void Scrubs_every_spelling(string spelling, string text)
    {
        var scrubbed = KnownCredentials.Scrub($"peer said: {text} (end)");
        Assert.Contains(KnownCredentials.Redacted, scrubbed);
        Assert.DoesNotContain("Zq9", scrubbed, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("peer said: ", scrubbed, StringComparison.Ordinal);
        Assert.True(scrubbed.EndsWith(" (end)", StringComparison.Ordinal), spelling);
    }

    [Fact]
    public void Scrubs_a_basic_auth_pair_and_its_base64()
    {
        KnownCredentials.Register("pa55-word-unit-2", user: "svc-user");
        var header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("svc-user:pa55-word-unit-2"));
        Assert.Equal($"Basic {KnownCredentials.Redacted}", KnownCredentials.Scrub(header));
        Assert.DoesNotContain("pa55", KnownCredentials.Scrub("svc-user:pa55-word-unit-2"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no credential here: tok-en, Zq9 alone, unit-1")]
    [InlineData("")]
    [InlineData("tok+en/Zq9=xY_unit-")]
    public void Leaves_other_text_alone(string text) => Assert.Equal(text, KnownCredentials.Scrub(text));

    [Fact]
    public void Short_values_are_not_credentials()
    {
        KnownCredentials.Register("abc");
        Assert.Equal("abc abcd", KnownCredentials.Scrub("abc abcd"));
    }

    [Theory]
    [InlineData("ok-token", true)]
    [InlineData("token\r\nX-Injected: 1", false)]
    [InlineData("token\n", false)]
    [InlineData("tab\tinside", false)]
    [InlineData("nul\0", false)]
    public void Sendable_only_without_control_characters(string value, bool sendable) => Assert.Equal(sendable, KnownCredentials.IsSendable(value));
}

public sealed class ManyCredentialsTests
{
    [Fact]
    public void Many_long_credentials_register_and_all_scrub()
    {
        // A service-account JWT is about 1 KB; an agent holds a handful (kube, probes, Prometheus, Grafana, Alertmanager).
        var tokens = Enumerable.Range(0, 8).Select(i => $"eyJ{i}" + string.Concat(Enumerable.Repeat($"Ab+/{i}9_-", 120))).ToList();
        foreach (var t in tokens)
        {
            KnownCredentials.Register(t);
        }

        var text = string.Join(" | ", tokens.Select((t, i) => i % 2 == 0 ? t : System.Text.Json.JsonSerializer.Serialize(t)));
        var scrubbed = KnownCredentials.Scrub(text);

        Assert.DoesNotContain("Ab+/", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("Ab\\u002B", scrubbed, StringComparison.Ordinal);
        Assert.Equal(8, scrubbed.Split(KnownCredentials.Redacted).Length - 1);
    }
}
