using LlmdDoctor.Core.Security;

namespace LlmdDoctor.Core.Tests.Security;

public sealed class ScrubbingWriterTests
{
    private const string Token = "writer-TOKEN-83c1d0";

    static ScrubbingWriterTests() => KnownCredentials.Register(Token);

    [Fact]
    public async Task A_credential_written_in_pieces_is_still_scrubbed()
    {
        using var inner = new StringWriter();
        var writer = new ScrubbingWriter(inner);

        writer.Write("error: writer-TO");
        await writer.WriteAsync("KEN-83c1d0 refused\nnext ");
        writer.Write('w');
        await writer.WriteLineAsync("riter-TOKEN-83c1d0");
        writer.Write("tail " + Token);
        await writer.FlushAsync();

        Assert.Equal("error: <redacted> refused\nnext <redacted>" + writer.NewLine + "tail <redacted>", inner.ToString());
    }

    [Fact]
    public void Text_without_credentials_passes_unchanged()
    {
        using var inner = new StringWriter();
        var writer = new ScrubbingWriter(inner);

        writer.Write("wrote 12 files to /tmp/bundle\n\u001b[1;31mCRITICAL\u001b[0m");
        writer.Flush();

        Assert.Equal("wrote 12 files to /tmp/bundle\n\u001b[1;31mCRITICAL\u001b[0m", inner.ToString());
    }
}
