using LlmdDoctor.Core.Security;

namespace LlmdDoctor.Core.Tests.Security;

public sealed class SafeFileNameTests
{
    [Theory]
    [InlineData("pod")]
    [InlineData("httproute.gateway.networking.k8s.io")]
    [InlineData("openshift-ai-inference-58d9f7c6b4-v7nqs")]
    [InlineData("config_dump.json")]
    public void Ordinary_names_stay_as_they_are(string name) => Assert.Equal(name, SafeFileName.Of(name));

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../../../etc/passwd")]
    [InlineData("/absolute")]
    [InlineData("a\\b")]
    [InlineData("nul\0byte")]
    [InlineData("esc\u001b[2Jape")]
    [InlineData(".hidden")]
    [InlineData("")]
    [InlineData("C:evil")]
    public void Hostile_names_become_one_plain_segment(string name)
    {
        var safe = SafeFileName.Of(name);

        Assert.Matches("^[A-Za-z0-9_-][A-Za-z0-9._-]*$", safe);
        Assert.DoesNotContain("..", safe, StringComparison.Ordinal);
        Assert.Equal(safe, Path.GetFileName(safe));
    }

    [Fact]
    public void Long_names_are_bounded_and_different_names_stay_different()
    {
        var a = SafeFileName.Of(new string('a', 500));
        var b = SafeFileName.Of(new string('a', 499) + "b");

        Assert.True(a.Length <= SafeFileName.MaxLength, a);
        Assert.NotEqual(a, b);
        Assert.NotEqual(SafeFileName.Of("a/b"), SafeFileName.Of("a\\b"));
        Assert.NotEqual("a_b", SafeFileName.Of("a/b"));
    }
}

public sealed class TokenShapesTests
{
    [Theory]
    [InlineData("sha256~Xy9kq1lZ0abcDEF123456789", true)]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl", true)]
    [InlineData("Bearer abcdefghijklmnopqrstu", true)]
    [InlineData("dGhpcyBpcyBhIHZlcnkgbG9uZyBzZWNyZXQgdmFsdWU=", true)]
    [InlineData("openshift-ai-inference-openshift-ai-inference-58d9f7c6b4-v7nqs", false)]
    [InlineData("2026-01-01T00:00:00Z", false)]
    [InlineData("0b7c54d2-9a33-4c5e-8a8c-3f3c2c1d9e10", false)]
    [InlineData("grafana-thanos", false)]
    [InlineData("a human sentence that is long enough to be considered", false)]
    [InlineData(null, false)]
    public void Recognises_token_shapes(string? value, bool token) => Assert.Equal(token, TokenShapes.LooksLikeToken(value));
}
