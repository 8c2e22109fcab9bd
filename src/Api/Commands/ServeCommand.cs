using Cradle.Api.Datasets;
using Cradle.Api.Health;
using Cradle.Geo.Store;
using Npgsql;

namespace Cradle.Api.Commands;

/// <summary>`cradle serve`: the API (and, later, the viewer) on http://127.0.0.1:8080 unless --urls says otherwise.</summary>
public static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (builder.Configuration["urls"] is null && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
            builder.WebHost.UseUrls($"http://127.0.0.1:{Environment.GetEnvironmentVariable("PORT") ?? "8080"}");
        builder.Services.AddSingleton(_ => CradleDatabase.Open(CradleDatabase.ConnectionStringFromEnvironment()));
        builder.Services.AddSingleton<DatasetCatalog>();
        // snake_case everywhere, as analysts' tools (R, pandas, QGIS) expect field names.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(DatabaseUnavailable);
        app.MapOpenApi();
        app.MapHealth();
        app.MapDatasets();
        await app.RunAsync();
        return 0;
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
