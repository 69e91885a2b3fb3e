using System.Reflection;
using System.Text;
using LlmdDoctor.Cli;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Core.Runbooks;
using LlmdDoctor.Core.Findings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Agent;

/// <summary>
/// The agent's HTTP side (design.md §3 <c>serve</c>): <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c> (ready after the first
/// complete cycle), <c>/report</c> (JSON, <c>?format=text|markdown</c>), <c>/runbooks/{code}</c>, and the web view at <c>/</c>.
/// </summary>
public static class AgentHost
{
    public static string Version => typeof(AgentHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    public static string Revision =>
        typeof(AgentHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+') is [_, var rev] ? rev : "unknown";

    public static WebApplication Build(AgentState state, string listen, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(listen);
        builder.Logging.ClearProviders();

        // Kubelet probes and Prometheus scrapes hit the agent every few seconds: ASP.NET Core's per-request lines would
        // bury the doctor's own log. Its warnings and errors still show.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (logging is null)
        {
            builder.Logging.AddJsonConsole();
        }
        else
        {
            logging(builder.Logging);
        }

        var app = builder.Build();
        app.MapGet("/healthz", (RequestDelegate)(ctx => Text(ctx, 200, "ok\n")));
        app.MapGet("/readyz", (RequestDelegate)(ctx => state.StandbyFor is { } leader ? Text(ctx, 200, $"standby: {leader} holds the lease and probes\n")
            : state.Ready ? Text(ctx, 200, "ready\n")
            : state.Last is { NothingRead: not null } ? Text(ctx, 503, "not ready: the last cycle could not read any of the inventory (see /report)\n")
            : Text(ctx, 503, "no complete cycle yet\n")));
        app.MapGet("/metrics", (RequestDelegate)(async ctx =>
        {
            var page = state.MetricsPage((last, counters) => DoctorMetrics.Render(last, counters, Version, Revision));
            ctx.Response.ContentType = Monitoring.Exposition.MetricsPage.ContentType;
            ctx.Response.ContentLength = page.Length;
            foreach (var chunk in page)
            {
                await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
            }
        }));
        app.MapGet("/report", (RequestDelegate)(ctx =>
        {
            if (state.StandbyFor is { } leader)
            {
                return Text(ctx, 503, $"standby: this replica does not probe; {leader} holds the lease (kubectl exec into that pod for its report)\n");
            }

            if (state.Last is not { } last)
            {
                return Text(ctx, 503, $"no complete cycle yet{(state.LastError is { } e ? $": {e}" : "")}\n");
            }

            var format = ctx.Request.Query["format"].ToString();
            return format switch
            {
                "" or "json" => Text(ctx, 200, ReportJson.Serialize(last.Report) + "\n", "application/json"),
                "text" => Text(ctx, 200, TextReportRenderer.Render(last.Report)),
                "markdown" => Text(ctx, 200, MarkdownReportRenderer.Render(last.Report), "text/markdown; charset=utf-8"),
                _ => Text(ctx, 400, $"unknown format '{format}': json, text or markdown\n"),
            };
        }));
        app.MapGet("/", (RequestDelegate)(ctx => WebView.Serve(ctx, "index.html")));
        app.MapGet("/ui/{file}", (RequestDelegate)(ctx => WebView.Serve(ctx, ctx.Request.RouteValues["file"]?.ToString() ?? "")));
        app.MapGet("/runbooks", (RequestDelegate)(ctx =>
            Text(ctx, 200, RunbookHtml.Render("runbooks", RunbookIndex()), "text/html; charset=utf-8")));
        app.MapGet("/runbooks/{code}", (RequestDelegate)(ctx =>
        {
            var code = ctx.Request.RouteValues["code"]?.ToString() ?? "";
            var markdown = FindingCatalog.Find(code) is null ? null : RunbookLibrary.Get(code);
            return markdown is null
                ? Text(ctx, 404, $"no runbook for '{code}'\n")
                : Text(ctx, 200, RunbookHtml.Render(code.ToUpperInvariant(), markdown), "text/html; charset=utf-8");
        }));
        return app;
    }

    private static string RunbookIndex()
    {
        var s = new StringBuilder("# llm-d doctor runbooks\n\n| code | name | severity |\n|---|---|---|\n");
        foreach (var d in FindingCatalog.All)
        {
            s.Append("| [").Append(d.Code).Append("](").Append("runbooks/").Append(d.Code).Append(".md) | ").Append(d.Name).Append(" | ")
                .Append(d.DefaultSeverity.ToName()).Append(" |\n");
        }

        return s.ToString();
    }

    private static Task Text(HttpContext ctx, int status, string body, string contentType = "text/plain; charset=utf-8")
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        return ctx.Response.WriteAsync(body, Encoding.UTF8);
    }
}
