using Cradle.Api.Infrastructure;
using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NetTopologySuite.IO;
using Npgsql;
using SkiaSharp;
using Cradle.Api.Model;

namespace Cradle.Api.Maps;

/// <summary>The query of a map image.</summary>
public sealed record MapQuery(
    [FromQuery(Name = "metric")] string? Metric,
    [FromQuery(Name = "width")] string? Width,
    [FromQuery(Name = "height")] string? Height) : IQueryParameters
{
    public Figure Figure => Figures.Get(Metric ?? "unmet_need_per_1000_births");
    public int W => Width is null ? 1200 : int.Parse(Width);
    public int H => Height is null ? 900 : int.Parse(Height);

    public ProblemHttpResult? Check() =>
        Metric is not null && !(Figures.TryGet(Metric, out var f) && f.Map)
            ? ApiProblems.BadParameter("metric", $"'{ModelQuery.Clip(Metric)}' is not one of {string.Join(", ", Figures.All.Where(x => x.Map).Select(x => x.Id))}")
        : Width is not null && !QueryParameterExtensions.IsWholeNumber(Width, 300, 4000, out _)
            ? ApiProblems.BadParameter("width", $"'{ModelQuery.Clip(Width)}' is not a whole number of pixels from 300 to 4000")
        : Height is not null && !QueryParameterExtensions.IsWholeNumber(Height, 300, 4000, out _)
            ? ApiProblems.BadParameter("height", $"'{ModelQuery.Clip(Height)}' is not a whole number of pixels from 300 to 4000")
        : null;
}

public static class MapEndpoints
{
    public const string Attribution = "Contains OS data © Crown copyright and database right 2024. Source: ONS; MHCLG English indices of deprivation 2025; DWP (OGL v3). Team register: Cradle.";

    public static void MapMaps(this IEndpointRouteBuilder app) =>
        app.MapGet("/maps/{level}/{code}.png", Map).Query(typeof(MapQuery)).WithTags("Maps")
            .WithSummary("A choropleth of an area and its neighbours, ready for a board paper")
            .WithDescription($"level: {string.Join(", ", AreaLevels.Ids(l => l.Maps))}. metric: {string.Join(", ", Figures.All.Where(m => m.Map).Select(m => m.Id))} (default the first). width and height: 300–4000 pixels (default 1200 × 900).")
            .Produces(200, contentType: "image/png").ProducesProblem(404);

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Map([AsParameters] MapQuery q, ModelStore store, NpgsqlDataSource db,
        string level, string code, CancellationToken ct)
    {
        var (s, problem) = await LevelParameter.AreaAsync(store, level, code, l => l.Maps, ct);
        if (problem is not null) return problem;
        var png = MapRenderer.Render(await AreaMap.RequestAsync(store, db, s!, level, code, q.Figure, q.W, q.H, new ModelParameters(), [], ct));
        return TypedResults.File(png, "image/png");
    }
}
