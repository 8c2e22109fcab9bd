using Cradle.Api.Infrastructure;
using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Cradle.Data.Tiles;
using Microsoft.AspNetCore.Http.HttpResults;
using Cradle.Api.Model;

namespace Cradle.Api.Catalog;

public sealed record LevelTilesOut(string Layer, int MinZoom, int MaxZoom, string TileJson);

/// <param name="VintageOf">For an earlier vintage (icb2024), the level it is a vintage of; <paramref name="InForceFrom"/> and
/// <paramref name="InForceTo"/> when it was in force (dated levels only); <paramref name="Derived"/> where its membership is not an official file.</param>
public sealed record LevelOut(string Id, string Singular, string Plural, string CodePattern, string Vintage, string Description,
    IReadOnlyList<string> Parents, int Count, LevelTilesOut? Tiles, string? OgcCollection, bool Search, bool Gaps, bool Maps, bool TeamServiceArea, bool Reports,
    DateOnly? InForceFrom, DateOnly? InForceTo, string? VintageOf, string? Derived);

/// <summary>A figure as clients need it to draw and label it; <c>Breaks</c> by level, the classes in force for this data version.</summary>
public sealed record FigureOut(string Id, string Label, string Unit, string Description, string Format, int Decimals, string? Palette,
    IReadOnlyList<string> Levels, bool Tile, bool Map, IReadOnlyDictionary<string, double[]> Breaks);

public sealed record TeamStateOut(string Id, string Label, string Explain, string? Pattern);

public sealed record ModelDefaults(double NeedRate, double DefaultCapacity, double NewTeamCapacity, double AnnualCost, double Gradient,
    string Population, string Deprivation, double EvidenceMaxAgeYears);

public sealed record CatalogOut(long DataVersion, IReadOnlyList<LevelOut> Levels, IReadOnlyList<FigureOut> Figures, IReadOnlyList<Palette> Palettes,
    string NoValueColour, IReadOnlyList<TeamStateOut> TeamStates, ModelDefaults Defaults);

/// <summary>GET /api/catalog: the levels, figures, palettes, team states and model defaults, one source for server and viewer.</summary>
public static class CatalogEndpoints
{
    public static void MapCatalog(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/catalog", Get).AllowQuery().WithTags("Model")
            .WithSummary("The catalog: every level of areas, every figure (label, unit, format, palette, class breaks), the team states and the model's defaults");

    static readonly ModelParameters Model = new();

    static readonly ModelDefaults Defaults = new(Model.NeedRate, Model.DefaultCapacity,
        ModelParameters.DefaultNewTeamCapacity, ModelParameters.DefaultAnnualCost, Model.Gradient,
        Model.Population, Model.Deprivation, Model.EvidenceMaxAgeYears);

    static async Task<Ok<CatalogOut>> Get(ModelStore store, CancellationToken ct)
    {
        var s = await store.SnapshotAsync(ct);
        var levels = AreaLevels.All.Select(l => new LevelOut(l.Id, l.Singular, l.Plural, l.CodePattern, l.Vintage, l.Description, l.Parents,
            s.Levels[l.Id].Count,
            l.Tiles is { } t ? new LevelTilesOut(l.Id, t.MinZoom, t.MaxZoom, $"/tiles/{l.Id}.json") : null,
            l.Ogc ? l.Id : null, l.Search, l.Gaps, l.Maps, l.TeamServiceArea, l.Reports, l.InForceFrom, l.InForceTo, l.VintageOf, s.DerivedNote(l))).ToList();
        var figures = Cradle.Core.Catalog.Figures.All.Select(f => new FigureOut(f.Id, f.Label, f.Unit, f.Description, f.Format.ToString().ToLowerInvariant(),
            f.Decimals, f.Palette, AreaLevels.Ids(l => f.AppliesTo(l.Id)), f.Tile, f.Map, store.Breaks(s, f))).ToList();
        var states = Cradle.Core.Catalog.Figures.TeamStateVocabulary.Select(x => new TeamStateOut(x.State.Id(), x.Label, x.Explain, x.Pattern)).ToList();
        return TypedResults.Ok(new CatalogOut(s.DataVersion, levels, figures, Cradle.Core.Catalog.Figures.Palettes, Cradle.Core.Catalog.Figures.NoValueColour, states, Defaults));
    }
}
