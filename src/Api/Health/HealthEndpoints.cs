using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Cradle.Api.Health;

public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health");
        group.MapGet("/live", () => TypedResults.Ok(new { status = "live" }))
            .WithSummary("The process is up.");
        group.MapGet("/ready", Ready).ProducesProblem(503)
            .WithSummary("The database answers and data is loaded: 200 with the data version, else 503.");
    }

    static async Task<Results<Ok<ReadyStatus>, ProblemHttpResult>> Ready(NpgsqlDataSource db, Cradle.Api.Tiles.TileWarmer warmer, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var conn = await db.OpenConnectionAsync(timeout.Token);
            var version = await conn.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
                "select data_version from cradle_meta.state where exists (select 1 from pg_namespace where nspname = 'cradle')",
                cancellationToken: timeout.Token, commandTimeout: 3));
            if (version is null)
                return TypedResults.Problem(statusCode: 503, title: "No data loaded", detail: "The database is up but no data has been loaded; run `make load`.");
            return TypedResults.Ok(new ReadyStatus("ready", version.Value, warmer.Warmed?.Tag));
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // The exception names hosts and databases; say only what a caller can act on.
            _ = e;
            return TypedResults.Problem(statusCode: 503, title: "Database unavailable", detail: "Cradle cannot reach its database just now.");
        }
    }

    /// <param name="TileCacheWarmed">The tile edition whose zooms 0–8 this process has in its cache (null until the first is).</param>
    public sealed record ReadyStatus(string Status, long DataVersion, string? TileCacheWarmed);
}
