using System.Globalization;
using Cradle.Api.Infrastructure;
using Cradle.Geo.Coverage;
using Dapper;
using NetTopologySuite.IO;
using Npgsql;
using SkiaSharp;

namespace Cradle.Api.Maps;

public static class MapEndpoints
{
    sealed record Metric(string Id, string Label, string Unit, Func<AreaFigures, DeprivationSummary, double?> Value, double[]? FixedBreaks, string Format);

    static readonly Metric[] Metrics =
    [
        new("unmet_need_per_1000_births", "Unmet need", "Unmet families a year per 1,000 births", (f, _) => f.UnmetPer1000Births, [0, 20, 40, 60, 80, 100], "0"),
        new("geographic_coverage", "Geographic coverage", "% of infants where a team takes referrals", (f, _) => f.GeographicCoverage * 100, [0, 20, 40, 60, 80, 100], "0"),
        new("need_families_per_year", "Need", "Families a year needing a specialised service", (f, _) => f.Need, null, "N0"),
        new("infants_under_2", "Infants", "Infants under 2 (mid-2024, estimated for small areas)", (f, _) => f.Infants, null, "N0"),
        new("share_infants_deciles_1_2", "Deprivation", "% of infants in the 20% most deprived LSOAs (IoD2025)", (_, d) => d.ShareInfantsDeciles12 * 100, [0, 20, 40, 60, 80, 100], "0"),
    ];

    const string Attribution = "Contains OS data © Crown copyright and database right 2024. Source: ONS; MHCLG English indices of deprivation 2025 (OGL v3). Cradle.";

    public static void MapMaps(this IEndpointRouteBuilder app) =>
        app.MapGet("/maps/{level}/{code}.png", Map).AllowQuery("metric", "width", "height").WithTags("Maps")
            .WithSummary("A choropleth of an area and its neighbours, ready for a board paper")
            .WithDescription($"level: lad, sicbl, icb or region. metric: {string.Join(", ", Metrics.Select(m => m.Id))} (default the first). width and height: 300–4000 pixels (default 1200 × 900).");

    static async Task<IResult> Map(ModelStore store, NpgsqlDataSource db, string level, string code, string? metric, string? width, string? height, CancellationToken ct)
    {
        var (lvl, lp) = ModelQuery.Level(level, "lad", "lad", "sicbl", "icb", "region");
        if (lp is not null) return lp;
        var m = Metrics.FirstOrDefault(x => x.Id == (metric ?? Metrics[0].Id));
        if (m is null) return ApiProblems.BadParameter("metric", $"'{ModelQuery.Clip(metric!)}' is not one of {string.Join(", ", Metrics.Select(x => x.Id))}");
        int w = 1200, h = 900;
        if (width is not null && (!int.TryParse(width, NumberStyles.None, CultureInfo.InvariantCulture, out w) || w < 300 || w > 4000))
            return ApiProblems.BadParameter("width", $"'{ModelQuery.Clip(width)}' is not a whole number of pixels from 300 to 4000");
        if (height is not null && (!int.TryParse(height, NumberStyles.None, CultureInfo.InvariantCulture, out h) || h < 300 || h > 4000))
            return ApiProblems.BadParameter("height", $"'{ModelQuery.Clip(height)}' is not a whole number of pixels from 300 to 4000");
        if (!ModelQuery.IsCode(code)) return ApiProblems.BadParameter("code", $"'{ModelQuery.Clip(code)}' is not an area code");

        var s = await store.SnapshotAsync(ct);
        if (!s.Levels[lvl!].Index.TryGetValue(code, out var index)) return ApiProblems.NotFound("area", $"No {lvl} has code {code}.");
        var p = new ModelParameters();
        var run = store.Baseline(s, p);
        var figures = CoverageModel.Aggregate(run, lvl!);
        var dep = store.Deprivation(s, lvl!, p);

        await using var conn = await db.OpenConnectionAsync(ct);
        // The area, and its neighbours in a window around it, generalised to about a pixel.
        var rows = (await conn.QueryAsync<(string Code, byte[] Wkb)>(new CommandDefinition("""
            with focus as (select geom, greatest(st_xmax(geom) - st_xmin(geom), st_ymax(geom) - st_ymin(geom)) as size from cradle.area where level = @lvl and code = @code)
            select a.code, st_asbinary(st_simplifypreservetopology(a.geom, f.size / @px))
            from cradle.area a, focus f
            where a.level = @lvl and a.country = 'E' and a.geom && st_expand(f.geom, f.size * 0.6)
            """, new { lvl, code, px = (double)Math.Max(w, h) }, cancellationToken: ct))).ToList();
        var reader = new WKBReader();
        var areas = rows.Where(r => s.Levels[lvl!].Index.ContainsKey(r.Code)).Select(r =>
        {
            int i = s.Levels[lvl!].Index[r.Code];
            return new MapArea(r.Code, figures[i].Name, reader.Read(r.Wkb), m.Value(figures[i], dep[i]), figures[i].TeamState, r.Code == code);
        }).ToList();
        var teamCodes = run.Teams.Where(t => t.Lsoas.Any(i => s.Levels[lvl!].LsoaArea[i] >= 0 && areas.Any(a => s.Levels[lvl!].Codes[s.Levels[lvl!].LsoaArea[i]] == a.Code)))
            .Select(t => t.Lsoas.Select(i => s.LsoaCodes[i]).ToArray()).ToList();
        var teams = new List<NetTopologySuite.Geometries.Geometry>();
        foreach (var codes in teamCodes)
            if (await conn.ExecuteScalarAsync<byte[]?>(new CommandDefinition(
                    "select st_asbinary(st_union(geom)) from cradle.area where level = 'lsoa' and code = any(@codes)", new { codes }, cancellationToken: ct)) is { } wkb)
                teams.Add(reader.Read(wkb));

        var classes = Classes(m, figures.Select((f, i) => m.Value(f, dep[i])).OfType<double>().ToList());
        var png = MapRenderer.Render(new MapRequest($"{m.Label}: {figures[index].Name}", $"{Describe(lvl!)} and neighbours · data version {s.DataVersion}",
            m.Unit, areas, teams, classes, w, h, Attribution));
        return TypedResults.File(png, "image/png");
    }

    static string Describe(string level) => level switch
    {
        "lad" => "Local authority district (May 2024)",
        "sicbl" => "Sub-ICB location (April 2024)",
        "icb" => "Integrated Care Board (April 2024)",
        _ => "Region",
    };

    /// <summary>Fixed breaks for rates; quintiles of England's areas of the level for counts.</summary>
    static List<MapClass> Classes(Metric m, List<double> values)
    {
        double[] breaks = m.FixedBreaks ?? Quintiles(values);
        return Enumerable.Range(0, 5).Select(i => new MapClass(breaks[i], breaks[i + 1], MapRenderer.Palette[i],
            $"{breaks[i].ToString(m.Format, CultureInfo.InvariantCulture)} – {breaks[i + 1].ToString(m.Format, CultureInfo.InvariantCulture)}")).ToList();
    }

    static double[] Quintiles(List<double> values)
    {
        values.Sort();
        if (values.Count == 0) return [0, 1, 2, 3, 4, 5];
        return Enumerable.Range(0, 6).Select(i => Math.Round(values[Math.Min(values.Count - 1, (int)(i / 5.0 * (values.Count - 1)))])).ToArray();
    }
}
