using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;
using Cradle.Api.Model;

namespace Cradle.Api.Infrastructure;

/// <summary>
/// ETags for GET /api/*: the data version, the day and the request, so a client (or a CDN)
/// revalidates cheaply and any reload, register edit or midnight (team states age: a statement
/// of "no team" stops counting) changes every tag at once. If-None-Match → 304.
/// </summary>
public static class DataVersionETags
{
    /// <summary>If-None-Match by weak comparison (RFC 9110 §13.1.2): a compressing proxy hands back W/"…"; "*" matches any current representation.</summary>
    public static bool NotModified(HttpRequest request, string etag) =>
        request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Select(t => t.Trim()).Any(t => t == "*" || t == etag || t == "W/" + etag));

    public static IApplicationBuilder UseDataVersionETags(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        // Every answer made from the data: the API, OGC, maps, reports, and TileJSON and the style (tiles have tags of their own).
        bool fromData = request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/ogc") || request.Path.StartsWithSegments("/maps")
            || request.Path.StartsWithSegments("/reports") || (request.Path.StartsWithSegments("/tiles") && request.Path.Value!.EndsWith(".json"));
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) || !fromData)
        {
            await next();
            return;
        }
        // Contributions change without a new data version, and the queue holds contacts: never cached.
        if (request.Path.StartsWithSegments("/api/contributions"))
        {
            context.Response.OnStarting(() => { context.Response.Headers.CacheControl = "no-store"; return Task.CompletedTask; });
            await next();
            return;
        }
        var store = context.RequestServices.GetRequiredService<ModelStore>();
        long version;
        try { version = await store.CurrentVersionAsync(context.RequestAborted); }
        catch (Exception) { await next(); return; } // let the endpoint report the database problem
        // A compressed answer is another representation: it has its own ETag.
        var key = $"{store.Today:yyyy-MM-dd}|{request.Path}{request.QueryString}|{request.Headers.Accept}|{request.Headers.AcceptEncoding}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        var etag = $"\"v{version}-{hash}\"";
        if (NotModified(request, etag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            context.Response.Headers.ETag = etag;
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers.Vary = "Accept";
            return;
        }
        context.Response.OnStarting(() =>
        {
            if (context.Response.StatusCode == 200)
            {
                context.Response.Headers.ETag = etag;
                // Always revalidate (cheap with the ETag): a register edit must show at once. An endpoint
                // whose answer never changes (a register release) has said so already.
                if (string.IsNullOrEmpty(context.Response.Headers.CacheControl)) context.Response.Headers.CacheControl = "no-cache";
                context.Response.Headers.Append(HeaderNames.Vary, "Accept");
                context.Response.Headers["X-Data-Version"] = version.ToString();
            }
            return Task.CompletedTask;
        });
        await next();
    });
}
