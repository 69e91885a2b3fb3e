using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Agent;

/// <summary>
/// The agent's web view (<c>/</c> and <c>/ui/app.js</c>, <c>app.css</c>, <c>favicon.svg</c>): four files embedded in the binary, served with
/// a Content-Security-Policy that allows nothing but this origin's script, style and <c>report</c> fetch, so a cluster
/// string that slipped into markup could still not run or load anything.
/// </summary>
public static class WebView
{
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, (byte[] Body, string ContentType)> Files = Load();

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(WebView).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var (name, type) in new[] { ("index.html", "text/html; charset=utf-8"), ("app.js", "text/javascript; charset=utf-8"), ("app.css", "text/css; charset=utf-8"), ("favicon.svg", "image/svg+xml") })
        {
            using var stream = assembly.GetManifestResourceStream("web/" + name)
                ?? throw new InvalidOperationException($"web view file {name} is not embedded in {assembly.GetName().Name}");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name] = (copy.ToArray(), type);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public static Task Serve(HttpContext ctx, string file)
    {
        if (!Files.TryGetValue(file, out var content) || (file == "index.html") != (ctx.Request.Path == "/"))
        {
            ctx.Response.StatusCode = 404;
            return Task.CompletedTask;
        }

        ctx.Response.ContentType = content.ContentType;
        ctx.Response.Headers.ContentSecurityPolicy = Policy;
        ctx.Response.Headers.XContentTypeOptions = "nosniff";
        ctx.Response.Headers["Referrer-Policy"] = "no-referrer";
        ctx.Response.Headers.CacheControl = "no-cache";
        ctx.Response.ContentLength = content.Body.Length;
        return ctx.Response.Body.WriteAsync(content.Body, ctx.RequestAborted).AsTask();
    }
}
