using System.Text;
using System.Text.Json;
using LlmdDoctor.Envoy.ConfigDump;

namespace LlmdDoctor.Envoy.Tests.ConfigDump;

/// <summary>
/// The token stream keeps one reader per buffer fill and resumes it across refills: tokens, depths, offsets and
/// skips must come out as a reader over the whole input gives them, whatever the buffer size.
/// </summary>
public sealed class JsonTokenStreamTests
{
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static TheoryData<string, int> Documents()
    {
        string[] documents =
        [
            """{"a":[1,2.5e3,-0,true,false,null],"b":{"c":"d","e":{}},"f":[]}""",
            "/* lead */ {\"a\": 1, // note\n \"b\": [1, 2,], }",
            """{"\u0061\"":"x\ny\u00e9\ud83d\ude00","caf\u00e9":"é"}""",
            $$"""{"long":"{{new string('x', 300)}}","after":[{"k":"{{new string('y', 70)}}"}]}""",
            """[[[[[[[[{"deep":[[[[1]]]]}]]]]]]]]""",
        ];
        var data = new TheoryData<string, int>();
        foreach (var document in documents)
        {
            foreach (var buffer in new[] { 1, 3, 16, JsonTokenStream.DefaultInitialBuffer })
            {
                data.Add(document, buffer);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Tokens_depths_and_offsets_match_a_reader_over_the_whole_input(string json, int initialBuffer)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var expected = new List<(JsonTokenType, int, long, string?)>();
        var whole = new Utf8JsonReader(bytes, Options);
        while (whole.Read())
        {
            expected.Add((whole.TokenType, whole.CurrentDepth, whole.TokenStartIndex, Text(ref whole)));
        }

        var actual = new List<(JsonTokenType, int, long, string?)>();
        var tokens = new JsonTokenStream(new MemoryStream(bytes), long.MaxValue, int.MaxValue, default, initialBuffer);
        while (tokens.Read())
        {
            actual.Add((tokens.TokenType, tokens.Depth, tokens.Offset,
                tokens.TokenType is JsonTokenType.String or JsonTokenType.PropertyName or JsonTokenType.Number ? tokens.GetString() : null));
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
        Assert.Equal(bytes.Length, tokens.BytesRead);
    }

    private static string? Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String or JsonTokenType.PropertyName => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        _ => null,
    };

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(JsonTokenStream.DefaultInitialBuffer)]
    public void Skip_lands_after_the_value_across_refills(int initialBuffer)
    {
        var json = $$"""{"skip":{"deep":[[[{"x":"{{new string('z', 100)}}"}]]],"more":[1,2,3]},"array":[{"a":1},[2]],"scalar":7,"next":"value"}""";
        var tokens = new JsonTokenStream(new MemoryStream(Encoding.UTF8.GetBytes(json)), long.MaxValue, int.MaxValue, default, initialBuffer);
        var skipped = new List<string>();

        Assert.True(tokens.Read());
        Assert.True(tokens.EnterObject(out var depth));
        string? next = null;
        while (tokens.NextProperty(depth))
        {
            if (tokens.NameIs("next"u8))
            {
                next = tokens.ReadStringValue();
            }
            else
            {
                skipped.Add(tokens.GetString());
                tokens.Skip();
            }
        }

        Assert.Equal(["skip", "array", "scalar"], skipped);
        Assert.Equal("value", next);
        Assert.False(tokens.Read());
    }

    [Theory]
    [InlineData("{\"name\":1}", true)]
    [InlineData("{\"n\\u0061me\":1}", true)]
    [InlineData("{\"names\":1}", false)]
    [InlineData("{\"\\ud800name\":1}", false)]
    [InlineData("{\"nam\\udc00\":1}", false)]
    public void Property_names_compare_with_escapes_undone_and_bad_escapes_never_match(string json, bool matches)
    {
        var tokens = new JsonTokenStream(new MemoryStream(Encoding.UTF8.GetBytes(json)), long.MaxValue, int.MaxValue, default);

        tokens.Expect();
        tokens.Expect();

        Assert.Equal(JsonTokenType.PropertyName, tokens.TokenType);
        Assert.Equal(matches, tokens.NameIs("name"u8));
    }
}
