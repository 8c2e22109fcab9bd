using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Cradle.Api.Datasets;

public static class DatasetEndpoints
{
    public static void MapDatasets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/datasets", List)
            .WithTags("Datasets")
            .WithSummary("The loaded datasets")
            .WithDescription("Each dataset with its id, vintage, row count, official source, licence, attribution and load time, and the current data version.");
    }

    static async Task<Results<Ok<DatasetList>, ProblemHttpResult>> List(DatasetCatalog catalog, CancellationToken ct)
    {
        try
        {
            var list = await catalog.ListAsync(ct);
            return list is null
                ? TypedResults.Problem(statusCode: 503, title: "No data loaded", detail: "Run `make load` to load the datasets.")
                : TypedResults.Ok(list);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable || e.SqlState == PostgresErrorCodes.InvalidSchemaName)
        {
            return TypedResults.Problem(statusCode: 503, title: "No data loaded", detail: "Run `make load` to load the datasets.");
        }
    }
}
