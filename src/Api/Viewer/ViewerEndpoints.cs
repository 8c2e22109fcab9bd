using Microsoft.Extensions.FileProviders;

namespace Cradle.Api.Viewer;

public sealed record ViewerConfig(string? BasemapUrl);

/// <summary>The map viewer: the static files Vite builds into src/Web/dist, served at /.</summary>
public static class ViewerEndpoints
{
    public static void UseViewer(this WebApplication app)
    {
        var root = app.Configuration["Cradle:WebRoot"] ?? Path.Combine(ProjectPaths.Root, "src", "Web", "dist");
        if (Directory.Exists(root) && File.Exists(Path.Combine(root, "index.html")))
        {
            var files = new PhysicalFileProvider(Path.GetFullPath(root));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                // Hashed assets never change; index.html always revalidates.
                OnPrepareResponse = c => c.Context.Response.Headers.CacheControl =
                    c.File.Name == "index.html" ? "no-cache" : "public, max-age=31536000, immutable",
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
        app.MapGet("/api/viewer/config", (IConfiguration config) => TypedResults.Ok(new ViewerConfig(config["Cradle:BasemapUrl"])))
            .WithTags("Viewer").WithSummary("Settings for the map viewer");
    }
}
