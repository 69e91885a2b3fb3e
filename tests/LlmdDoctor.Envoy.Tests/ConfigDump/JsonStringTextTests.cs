using System.Text;
using System.Text.Json;
using LlmdDoctor.Envoy.ConfigDump;

namespace LlmdDoctor.Envoy.Tests.ConfigDump;

public sealed class JsonStringTextTests
{
    public static TheoryData<byte[], string, bool> Strings => new()
    {
        { "plain"u8.ToArray(), "plain", true },
        { @"a\u0041b"u8.ToArray(), "aAb", true },
        { @"\ud83d\ude00 caf\u00e9 é"u8.ToArray(), "😀 café é", true },
        { @"\n\t\""\\\/\b\f\r"u8.ToArray(), "\n\t\"\\/\b\f\r", true },
        { @"x\ud800y"u8.ToArray(), "x\uFFFDy", false },
        { @"\udc00\ud800"u8.ToArray(), "\uFFFD\uFFFD", false },
        { @"\ud800"u8.ToArray(), "\uFFFD", false },
        { [(byte)'a', 0xFF, (byte)'b', (byte)'\\', (byte)'n'], "a\uFFFDb\n", false },
    };

    [Theory]
    [MemberData(nameof(Strings))]
    public void Unescapes_leniently_and_as_the_reader_does_where_it_can(byte[] escaped, string text, bool readerAccepts)
    {
        Assert.Equal(text, JsonStringText.Unescape(escaped));

        var reader = new Utf8JsonReader([(byte)'"', .. escaped, (byte)'"']);
        Assert.True(reader.Read());
        if (readerAccepts)
        {
            Assert.Equal(text, reader.GetString());
        }
        else
        {
            var refused = false;
            try
            {
                reader.GetString();
            }
            catch (InvalidOperationException)
            {
                refused = true;
            }

            Assert.True(refused, Encoding.UTF8.GetString(escaped));
        }
    }
}
