using System.Text.Json.Nodes;

namespace LlmdDoctor.Kubernetes.Tests;

public sealed class YamlJsonTests
{
    [Theory]
    [InlineData("a: 1", "1")]
    [InlineData("a: -12", "-12")]
    [InlineData("a: 1.0", "1.0")]
    [InlineData("a: 1e3", "1e3")]
    [InlineData("a: +5", "5")]
    [InlineData("a: .5", "0.5")]
    [InlineData("a: 0x1F", "31")]
    [InlineData("a: 0o17", "15")]
    [InlineData("a: 123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("a: true", "true")]
    [InlineData("a: False", "false")]
    [InlineData("a: ~", "null")]
    [InlineData("a:", "null")]
    [InlineData("a: null", "null")]
    [InlineData("a: '1'", "\"1\"")]
    [InlineData("a: \"true\"", "\"true\"")]
    [InlineData("a: ''", "\"\"")]
    [InlineData("a: !!str 12", "\"12\"")]
    [InlineData("a: yes", "\"yes\"")]
    [InlineData("a: .inf", "\".inf\"")]
    [InlineData("a: 1.2.3", "\"1.2.3\"")]
    [InlineData("a: 2026-01-01T00:00:00Z", "\"2026-01-01T00:00:00Z\"")]
    [InlineData("a: |\n  line1\n  line2\n", "\"line1\\nline2\\n\"")]
    [InlineData("a: &x {k: v}\nb: *x", null)]
    public void Plain_scalars_follow_the_yaml_1_2_core_schema(string yaml, string? expectedA)
    {
        var node = Assert.IsType<JsonObject>(Assert.Single(YamlJson.ParseDocuments(yaml)));

        if (expectedA is null)
        {
            Assert.Equal("v", (string?)node["b"]!["k"]);
            return;
        }

        Assert.Equal(expectedA, node["a"]?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Merge_keys_fill_in_without_overriding_explicit_keys()
    {
        var node = YamlJson.ParseDocuments("base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n")[0]!;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"x":1,"y":3}"""), node["child"]), node["child"]!.ToJsonString());
    }

    [Fact]
    public void Empty_documents_are_null()
    {
        var documents = YamlJson.ParseDocuments("---\na: 1\n---\n---\nb: 2\n");

        Assert.Equal(3, documents.Count);
        Assert.Null(documents[1]);
    }

    [Fact]
    public void Written_yaml_reads_back_to_the_same_json()
    {
        var original = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","labels":{"a":"true","b":"1","c":"","d":"null","e":"yes","f":"0x10","g":"1.0","h":"~"}},
             "data":{"colon":"a: b","hash":"#not a comment","dash":"-","multi":"line1\nline2\n","trailing":"line \nx","quote":"it's \"quoted\"","unicode":"naïve ✓"},
             "spec":{"n":3,"f":1.5,"t":true,"z":null,"list":[1,"1",[],{}]}}
            """)!;
        using var writer = new StringWriter();

        YamlJson.WriteDocument(original, writer);
        var back = YamlJson.ParseDocuments(writer.ToString())[0];

        Assert.True(JsonNode.DeepEquals(original, back), writer.ToString());
    }

    /// <summary>
    /// The alias budget counts what aliases add beyond the written nodes: a large written-out text is read whole, a
    /// text whose aliases add a little is read, and one whose aliases add more than <see cref="YamlJson.MaxAliasNodes"/>
    /// is refused as an alias bomb before it can hold hundreds of MiB.
    /// </summary>
    [Theory]
    [InlineData("600,000 written scalars, no alias", 600_000, 0, true)]
    [InlineData("an anchor of 1,000 scalars used 100 times (100,000 added)", 1_000, 100, true)]
    [InlineData("an anchor of 1,000 scalars used 600 times (600,000 added)", 1_000, 600, false)]
    public void Alias_budget_counts_only_what_aliases_add(string why, int scalars, int uses, bool read)
    {
        var yaml = new System.Text.StringBuilder("a: &a [");
        yaml.AppendJoin(", ", Enumerable.Repeat("x", scalars)).Append("]\nuses: [");
        yaml.AppendJoin(", ", Enumerable.Repeat("*a", uses)).Append("]\n");

        var error = Record.Exception(() => YamlJson.ParseDocuments(yaml.ToString()));

        if (read)
        {
            Assert.True(error is null, $"{why}: {error?.Message}");
        }
        else
        {
            Assert.True(error is YamlDotNet.Core.YamlException && error.Message.Contains("alias bomb", StringComparison.Ordinal), $"{why}: {error?.Message}");
        }
    }
}
