using Cradle.Api.Areas;
using Cradle.Api.Catalog;
using Cradle.Api.Datasets;
using Cradle.Api.Health;
using Cradle.Api.Infrastructure;
using Cradle.Api.Maps;
using Cradle.Api.Model;
using Cradle.Api.Plan;
using Cradle.Api.Scenarios;
using Cradle.Api.Ogc;
using Cradle.Api.Teams;
using Cradle.Api.Viewer;
using Cradle.Api.Reports;
using Cradle.Api.Tiles;
using Cradle.Data.Register;
using Cradle.Data.Store;
using Microsoft.AspNetCore.HttpOverrides;
using Npgsql;
using Scalar.AspNetCore;

namespace Cradle.Api.Commands;

/// <summary>`cradle serve`: the API (and, later, the viewer) on http://127.0.0.1:8080 unless --urls says otherwise.</summary>
public static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var app = Build(args);
        if (app is null) return 2;
        // The register's schema is its migrations': a server of an older register brings it up to date before answering.
        try { await Cradle.Data.Store.SchemaMigrations.RegisterAsync(app.Services.GetRequiredService<TeamRegister>().Database); }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            app.Logger.LogWarning("The register's migrations could not run ({Message}); they run at the next start or load.", e.Message);
        }
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// `cradle openapi [FILE]`: the OpenAPI document, as the server serves it, written without a
    /// database (the app starts on a free loopback port, is asked for it, and stops). The viewer's
    /// API types are generated from it.
    /// </summary>
    public static async Task<int> OpenApiAsync(string[] args)
    {
        var app = Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=None", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=None", "--Cradle:BackgroundWork=false"]);
        if (app is null) return 2;
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient();
            var json = await http.GetStringAsync($"{address}/openapi/v1.json");
            // Stable output: the same document gives the same bytes.
            var pretty = System.Text.Json.Nodes.JsonNode.Parse(json)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
            if (args.Length > 0) await File.WriteAllTextAsync(args[0], pretty); else Console.Write(pretty);
            return 0;
        }
        finally { await app.StopAsync(); }
    }

    /// <summary>
    /// The server, built but not started. <paramref name="configure"/> may replace services before it is built
    /// (the in-process tests give it a snapshot, a fake clock and a test server); null when a setting is wrong.
    /// </summary>
    public static WebApplication? Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json beside the program (the framework's logs at Warning, Cradle's at Information, a line each), wherever it is run from.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (builder.Configuration["urls"] is null && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
            builder.WebHost.UseUrls($"http://127.0.0.1:{Environment.GetEnvironmentVariable("PORT") ?? "8080"}");
        // Bodies are small JSON documents; anything bigger is refused before it is read.
        // Kestrel's own refusals (a NUL in the path, a malformed request line) keep their empty bodies: rewriting the bytes
        // Kestrel writes relied on its internal buffering and garbled answers once (README).
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1_000_000);
        // Cradle's settings, read and checked once: a bad one stops the start here, naming it (and ValidateOnStart holds
        // the options the services read to the same rules).
        var (settings, problems) = CradleOptions.Read(builder.Configuration);
        if (settings is null)
        {
            foreach (var problem in problems) Console.Error.WriteLine($"cradle serve: {problem}");
            return null;
        }
        builder.Services.AddOptions<CradleOptions>().Bind(builder.Configuration.GetSection(CradleOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<CradleOptions>, CradleOptionsValidator>();
        var (reads, primary) = CradleDatabase.OpenServing(CradleDatabase.ForServing(CradleDatabase.ConnectionStringFromEnvironment()));
        builder.Services.AddSingleton(reads);
        builder.Services.AddSingleton<DatasetCatalog>();
        builder.Services.AddSingleton(sp => new DataVersionMonitor(primary, sp.GetRequiredService<ILogger<DataVersionMonitor>>()));
        if (settings.BackgroundWork) builder.Services.AddHostedService(sp => sp.GetRequiredService<DataVersionMonitor>());
        builder.Services.AddSingleton<ModelStore>();
        // JSON, GeoJSON, CSV, feeds and reports compressed when the client accepts it (Brotli, else gzip). Brotli at its
        // default level: at "fastest" it sent the LSOA list as 11.8 MB against 2.2 MB, in no less time (make bench,
        // areas-lsoa-bytes-br); gzip at its fastest. Tiles compress themselves; the viewer's assets are precompressed.
        builder.Services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProvider>();
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProvider>();
            o.MimeTypes = ["application/json", "application/problem+json", "application/geo+json", "application/schema+json", "text/csv",
                "application/atom+xml", "text/html", "image/svg+xml", "application/vnd.oai.openapi+json", "text/plain"];
        });
        builder.Services.Configure<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Optimal);
        builder.Services.Configure<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        builder.Services.AddSingleton(sp => new TeamRegister(primary, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new Contributions(sp.GetRequiredService<TeamRegister>()));
        // Contributions come from anyone: a few a minute from one address (Cradle:ContributionsPerMinute, default 10).
        int perMinute = settings.ContributionsPerMinute;
        builder.Services.AddRateLimiter(o =>
        {
            o.AddPolicy(Cradle.Api.Teams.ContributionEndpoints.RateLimitPolicy, http => System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = async (context, ct) =>
            {
                var wait = context.Lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retry) ? (int)Math.Ceiling(retry.TotalSeconds) : 60;
                context.HttpContext.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await TypedResults.Problem(statusCode: 429, title: "Too many contributions",
                    detail: $"At most {perMinute} contributions a minute from one address; try again in {wait} s.").ExecuteAsync(context.HttpContext);
            };
        });
        builder.Services.AddSingleton<ApiKeys>();
        builder.Services.AddSingleton<FailedAuthLimiter>();
        builder.Services.AddSingleton<Cradle.Data.Tiles.TileStore>();
        builder.Services.AddSingleton<Cradle.Api.Tiles.TileCache>();
        builder.Services.AddSingleton(sp => new TilePublisher(primary, sp.GetRequiredService<ModelStore>(), sp.GetRequiredService<DataVersionMonitor>(),
            sp.GetRequiredService<ILogger<TilePublisher>>(), sp.GetRequiredService<TimeProvider>()));
        if (settings.BackgroundWork) builder.Services.AddHostedService(sp => sp.GetRequiredService<TilePublisher>());
        builder.Services.AddSingleton<TileWarmer>();
        if (settings.BackgroundWork) builder.Services.AddHostedService(sp => sp.GetRequiredService<TileWarmer>());
        // Cross-origin reads only for the origins configured (Cradle:CorsOrigins, comma-separated); same origin always works.
        var origins = settings.CorsOriginList.ToArray();
        builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(origins).WithMethods("GET", "HEAD")
            .AllowAnyHeader().WithExposedHeaders("ETag", "X-Data-Version")));
        // snake_case everywhere, as analysts' tools (R, pandas, QGIS) expect field names.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            // Numbers are numbers: the document (and the viewer's generated types) must not say "number or string".
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(o => o.AddSchemaTransformer(OpenApiDocs.Schema).AddOperationTransformer(OpenApiDocs.Operation).AddDocumentTransformer(OpenApiDocs.Document));

        // Behind a reverse proxy that ends TLS, links (TileJSON, OGC, the style) must say https and
        // the public host, and rate limits must see the client, not the proxy. Proxies on this
        // machine are trusted; others are named in Cradle:TrustedProxies (comma-separated addresses).
        var proxies = settings.TrustedProxyAddresses;
        // Absolute links name a host no client can choose: Cradle:PublicOrigin when set; otherwise the request's
        // host, which must be one of AllowedHosts (default: this machine's own names), forwarded or not.
        var publicOrigin = settings.PublicOriginUri;
        var allowedHosts = (builder.Configuration["AllowedHosts"] ?? "localhost;127.0.0.1;[::1]")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (publicOrigin is not null) allowedHosts.Add(publicOrigin.Host);
        // The framework's host filter runs before the app and answers an empty 400; Cradle checks the same
        // patterns itself (RequireAllowedHost), after the forwarded headers and with a problem+json that says why.
        builder.Services.Configure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(o => o.AllowedHosts = ["*"]);
        builder.Services.AddSingleton(new PublicOrigin(publicOrigin));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            foreach (var address in proxies) o.KnownProxies.Add(address);
            if (!allowedHosts.Contains("*")) o.AllowedHosts = allowedHosts;
        });

        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseHeadAsGet();
        app.UseResponseCompression();
        // Every answer: no type sniffing, no full URL to other sites, never framed (the viewer adds its own CSP).
        app.Use((context, next) =>
        {
            var h = context.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h["Referrer-Policy"] = "strict-origin-when-cross-origin";
            h.XFrameOptions = "DENY";
            return next(context);
        });
        // Routing after HEAD became GET (WebApplication would otherwise route first and answer 405).
        app.UseRouting();
        app.UseRateLimiter();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequireAllowedHost(allowedHosts);
        app.Use(DatabaseUnavailable);
        app.UseViewer();
        app.UseCors();
        app.UseDataVersionETags();
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", o => o.WithTitle("Cradle API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapHealth();
        app.MapDatasets();
        app.MapModel();
        app.MapCatalog();
        app.MapAreas();
        app.MapTeams();
        app.MapRegister();
        app.MapContributions();
        app.MapScenarios();
        app.MapPlan();
        app.MapTiles();
        app.MapOgc();
        app.MapMaps();
        app.MapReports();
        return app;
    }

    /// <summary>A database that is down or restarting is a 503 problem, not a 500.</summary>
    static async Task DatabaseUnavailable(HttpContext context, Func<Task> next)
    {
        try { await next(); }
        catch (Exception e) when (!context.Response.HasStarted
                                  && (e is NpgsqlException { IsTransient: true } or TimeoutException
                                      || e is PostgresException { SqlState: "57P01" or "57P03" or "53300" }))
        {
            context.Response.Headers.RetryAfter = "5";
            await TypedResults.Problem(statusCode: 503, title: "Database unavailable",
                detail: "Cradle cannot reach its database just now; try again shortly.").ExecuteAsync(context);
        }
    }
}
