using Cradle.Api.Infrastructure;
using Microsoft.Extensions.FileProviders;

namespace Cradle.Api.Viewer;

public sealed record ViewerConfig(string? BasemapUrl);

/// <summary>The map viewer: the static files Vite builds into src/Web/dist, served at /.</summary>
public static class ViewerEndpoints
{
    const string EncodedAs = "cradle.precompressed";

    public static void UseViewer(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CradleOptions>>().Value;
        var root = settings.WebRoot is { Length: > 0 } webRoot ? webRoot : Path.Combine(ProjectPaths.Root, "src", "Web", "dist");
        if (Directory.Exists(root) && File.Exists(Path.Combine(root, "index.html")))
        {
            var full = Path.GetFullPath(root);
            // The viewer's own policy: its scripts, styles, workers and data from this origin only (and the basemap's, if one is
            // configured); no inline script, handler or style attribute; never framed.
            var basemap = settings.BasemapUrl is { Length: > 0 } bm && Uri.TryCreate(bm.Replace("{z}", "0").Replace("{x}", "0").Replace("{y}", "0"), UriKind.Absolute, out var bu)
                ? " " + bu.GetLeftPart(UriPartial.Authority) : "";
            var policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:" + basemap +
                "; connect-src 'self'" + basemap + "; worker-src 'self' blob:; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
            var files = new PhysicalFileProvider(full);
            var types = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider();
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            // The build leaves Brotli and gzip copies beside each asset (scripts/precompress.mjs): send one the
            // client accepts, as it is, instead of the whole file (MapLibre: 1,067 KB, 292 KB gzip, less as Brotli).
            // The build's copies are known at start (the dist does not change under a running server): no disk check per request.
            var encoded = Directory.EnumerateFiles(full, "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".br") || f.EndsWith(".gz"))
                .Select(f => "/" + Path.GetRelativePath(full, f).Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
            app.Use(async (context, next) =>
            {
                var path = context.Request.Path.Value;
                if (path is { Length: > 1 } && (encoded.Contains(path + ".br") || encoded.Contains(path + ".gz"))
                    && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) && types.TryGetContentType(path, out var type))
                {
                    var accepted = context.Request.Headers.AcceptEncoding.ToString();
                    foreach (var (coding, suffix) in new[] { ("br", ".br"), ("gzip", ".gz") })
                        if (accepted.Contains(coding, StringComparison.OrdinalIgnoreCase) && encoded.Contains(path + suffix))
                        {
                            context.Request.Path = path + suffix;
                            context.Items[EncodedAs] = (coding, type);
                            break;
                        }
                    context.Response.Headers.Append("Vary", "Accept-Encoding");
                }
                await next();
            });
            types.Mappings[".br"] = "application/octet-stream";
            types.Mappings[".gz"] = "application/octet-stream";
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                ContentTypeProvider = types,
                OnPrepareResponse = c =>
                {
                    var h = c.Context.Response.Headers;
                    // The file asked for, whichever copy is sent (index.html.br is index.html).
                    var name = c.Context.Items[EncodedAs] is not null ? c.File.Name[..^3] : c.File.Name;
                    // Hashed assets never change; index.html always revalidates.
                    h.CacheControl = name == "index.html" ? "no-cache" : "public, max-age=31536000, immutable";
                    if (name == "index.html") h.ContentSecurityPolicy = policy;
                    if (c.Context.Items[EncodedAs] is (string coding, string type)) { h.ContentEncoding = coding; h.ContentType = type; }
                },
            });
        }
        else
        {
            app.MapGet("/", () => Results.Content(
                "<!doctype html><html lang=\"en\"><title>Cradle</title><body><h1>Cradle</h1><p>The map viewer is not built: run <code>make build</code>. The API is at <a href=\"/docs\">/docs</a>.</p></body></html>",
                "text/html")).ExcludeFromDescription();
        }
        // Browsers and crawlers ask for /favicon.ico whatever the page links: point them at the SVG.
        app.MapGet("/favicon.ico", () => Results.Redirect("/favicon.svg", permanent: true)).ExcludeFromDescription();
        // Optional basemap (for example OpenStreetMap raster tiles); none by default, so the viewer works offline.
        app.MapGet("/api/viewer/config", (Microsoft.Extensions.Options.IOptions<CradleOptions> options) =>
                TypedResults.Ok(new ViewerConfig(options.Value.BasemapUrl is { Length: > 0 } url ? url : null)))
            .WithTags("Viewer").WithSummary("Settings for the map viewer");
    }
}
