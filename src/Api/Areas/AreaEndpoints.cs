using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Cradle.Api.Infrastructure;
using Cradle.Geo;
using Cradle.Geo.Coverage;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Cradle.Api.Areas;

public sealed record DecileInfants(int Decile, double Infants);

public sealed record Comparison(string Level, string Code, string Name,
    [property: JsonPropertyName("unmet_need_per_1000_births")] double? UnmetNeedPer1000Births, double GeographicCoverage,
    [property: JsonPropertyName("share_infants_deciles_1_2")] double ShareInfantsDeciles12);

public sealed record TeamDetail(string Id, string Name, string? Provider, string Status, string DefinitionFit, double? CapacityFamiliesPerYear,
    bool CapacityAssumed, string? CapacitySourceUrl, double? AnnualCostGbp, string? Funder, string? Commissioner,
    string? SourceUrl, string? SourceDate, DateOnly? LastVerified, string? AreaNote);

/// <summary>A dated statement about provision in (or around) the area, and whether it still counts.</summary>
public sealed record EvidenceOut(string AreaCode, string Evidence, string Statement, string SourceUrl, string SourceDate, DateOnly LastVerified,
    bool Current, string? Notes);

public sealed record AreaDetail(AreaOut Area, long DataVersion, NeedModelOut NeedModel, IReadOnlyList<DecileInfants> LsoaDistribution,
    IReadOnlyList<TeamDetail> TeamsServing, IReadOnlyList<TeamDetail> OtherRegisterTeams, IReadOnlyList<EvidenceOut> AreaEvidence,
    IReadOnlyList<Comparison> Compare, IReadOnlyList<string> Sources);

/// <summary>Sums over the areas listed: how much of the unmet need lies where nothing is known about provision.</summary>
public sealed record ListTotals(double NeedFamiliesPerYear, double UnmetNeed, double UnmetNeedInNotKnown, double? ShareOfUnmetNeedInNotKnown);

public sealed record GapList(string Level, long DataVersion, string DeprivationVintage, NeedModelOut NeedModel, string? Within, int Count,
    ListTotals Totals, IReadOnlyList<AreaOut> Areas);

public static class AreaEndpoints
{
    static readonly string[] ListLevels = ["lsoa", "lad", "sicbl", "icb", "region", "england"];

    public static void MapAreas(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Areas");
        group.MapGet("/areas", List)
            .AllowQuery(["level", "within", "format", .. ModelQuery.Names])
            .WithSummary("Need, coverage and unmet need for every area of a level")
            .WithDescription("level: lsoa, lad (default), sicbl, icb, region or england. within: an area code (a region, ICB, sub-ICB location or district) whose areas to list. deprivation: iod2025 (default) or imd2019. need_model: flat (default) or deprivation, with gradient. format: json (default), csv or geojson (CRS84).");
        group.MapGet("/areas/{code}", Detail)
            .AllowQuery(ModelQuery.Names)
            .WithSummary("One area of any level, with its infants by deprivation decile, the teams serving it and how it compares with its region and England");
        group.MapGet("/gaps", Gaps)
            .AllowQuery(["level", "within", "limit", "format", .. ModelQuery.Names])
            .WithSummary("The under-served areas, ranked by unmet need (families a year)")
            .WithDescription("level: lad (default), sicbl, icb or region; within: an area code; limit: 1–10,000 (default 20).");
    }

    /// <summary>The areas of a level, optionally those with any LSOA inside another area.</summary>
    static (List<int>? Indexes, ProblemHttpResult? Problem) Select(ModelSnapshot s, string level, string? within)
    {
        var lv = s.Levels[level];
        if (within is null) return (Enumerable.Range(0, lv.Count).ToList(), null);
        if (!ModelQuery.IsCode(within)) return (null, ApiProblems.BadParameter("within", $"'{ModelQuery.Clip(within)}' is not an area code"));
        if (!s.AreaLevelOfCode.TryGetValue(within, out var wl)) return (null, ApiProblems.BadParameter("within", $"no area has code {within}"));
        var container = s.Levels[wl];
        int w = container.Index[within];
        var set = new SortedSet<int>();
        for (int i = 0; i < s.LsoaCount; i++)
            if (container.LsoaArea[i] == w && lv.LsoaArea[i] >= 0) set.Add(lv.LsoaArea[i]);
        return (set.ToList(), null);
    }

    static async Task<IResult> List(HttpRequest request, ModelStore store, NpgsqlDataSource db, string? level, string? within, string? format, CancellationToken ct)
    {
        var (lvl, lp) = ModelQuery.Level(level, "lad", ListLevels);
        if (lp is not null) return lp;
        var (p, pp) = ModelQuery.Parse(request.Query);
        if (pp is not null) return pp;
        if (format is not (null or "json" or "csv" or "geojson")) return ApiProblems.BadParameter("format", $"'{ModelQuery.Clip(format)}' is not json, csv or geojson");
        var s = await store.SnapshotAsync(ct);
        var (indexes, sp) = Select(s, lvl!, within);
        if (sp is not null) return sp;
        var areas = Figures(store, s, lvl!, p!, indexes!);
        return await Render(db, s, lvl!, areas, format, new AreaList(lvl!, s.DataVersion, p!.Deprivation, AreaOutput.Describe(p), within, areas.Count,
            Totals(areas), areas), ct);
    }

    public static ListTotals Totals(IReadOnlyList<AreaOut> areas)
    {
        double need = areas.Sum(a => a.NeedFamiliesPerYear), unmet = areas.Sum(a => a.UnmetNeed), notKnown = areas.Sum(a => a.UnmetNeedInNotKnown);
        return new ListTotals(Math.Round(need, 2), Math.Round(unmet, 2), Math.Round(notKnown, 2), unmet > 0 ? Math.Round(notKnown / unmet, 4) : null);
    }

    static List<AreaOut> Figures(ModelStore store, ModelSnapshot s, string level, ModelParameters p, IEnumerable<int> indexes)
    {
        var run = store.Baseline(s, p);
        var figures = CoverageModel.Aggregate(run, level);
        var ranks = CoverageModel.GapRanks(figures);
        var deprivation = store.Deprivation(s, level, p);
        return indexes.Select(i => AreaOutput.Build(s, figures[i], ranks[i], deprivation[i])).ToList();
    }

    static async Task<IResult> Render(NpgsqlDataSource db, ModelSnapshot s, string level, List<AreaOut> areas, string? format, object json, CancellationToken ct)
    {
        switch (format)
        {
            case "csv":
                var sb = new StringBuilder();
                CsvWriter.Row(sb, AreaOutput.CsvColumns);
                foreach (var a in areas) CsvWriter.Row(sb, AreaOutput.Flatten(a));
                return TypedResults.Text(sb.ToString(), "text/csv; charset=utf-8", Encoding.UTF8);
            case "geojson":
                return TypedResults.Text(await GeoJson(db, level, areas, ct), "application/geo+json", Encoding.UTF8);
            default:
                return TypedResults.Ok(json);
        }
    }

    /// <summary>A FeatureCollection in CRS84 with the flattened figures as properties; geometry from PostGIS.</summary>
    static async Task<string> GeoJson(NpgsqlDataSource db, string level, List<AreaOut> areas, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var geometry = (await conn.QueryAsync<(string Code, string Json)>(new CommandDefinition(
            "select code, st_asgeojson(st_transform(geom, 4326), 6) from cradle.area where level = @level and code = any(@codes)",
            new { level, codes = areas.Select(a => a.Code).ToArray() }, cancellationToken: ct))).ToDictionary(x => x.Code, x => x.Json);
        var sb = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        for (int k = 0; k < areas.Count; k++)
        {
            if (k > 0) sb.Append(',');
            var values = AreaOutput.Flatten(areas[k]);
            var props = new Dictionary<string, object?>();
            for (int c = 0; c < values.Length; c++) props[AreaOutput.CsvColumns[c]] = values[c];
            sb.Append("{\"type\":\"Feature\",\"id\":").Append(System.Text.Json.JsonSerializer.Serialize(areas[k].Code))
              .Append(",\"properties\":").Append(System.Text.Json.JsonSerializer.Serialize(props))
              .Append(",\"geometry\":").Append(geometry.GetValueOrDefault(areas[k].Code) ?? "null").Append('}');
        }
        return sb.Append("]}").ToString();
    }

    static async Task<IResult> Detail(HttpRequest request, ModelStore store, string code, CancellationToken ct)
    {
        if (!ModelQuery.IsCode(code)) return ApiProblems.BadParameter("code", $"'{ModelQuery.Clip(code)}' is not an area code (a letter and eight digits)");
        var (parsed, pp) = ModelQuery.Parse(request.Query);
        if (pp is not null) return pp;
        var p = parsed!;
        var s = await store.SnapshotAsync(ct);
        if (!s.AreaLevelOfCode.TryGetValue(code, out var level)) return ApiProblems.NotFound("area", $"No area in England has code {code}.");
        int index = s.Levels[level].Index[code];
        var area = Figures(store, s, level, p, [index]).Single();
        var deprivation = store.Deprivation(s, level, p)[index];

        TeamDetail Detail(Cradle.Geo.Register.Team t, bool counted) => new(t.Id, t.Name, t.Provider, t.Status, t.DefinitionFit,
            counted ? t.CapacityFamiliesPerYear ?? p.DefaultCapacity : t.CapacityFamiliesPerYear, counted && t.CapacityFamiliesPerYear is null,
            t.CapacitySourceUrl, t.AnnualCostGbp, t.Funder, t.Commissioner, t.SourceUrl, t.SourceDate?.ToString(), t.LastVerified, t.AreaNote);
        var servingIds = area.Teams.Select(t => t.Id).ToHashSet();
        var serving = s.Teams.Where(t => servingIds.Contains(t.Id)).Select(t => Detail(t, true)).ToList();
        // The area's LSOAs, to find the register's other teams and the evidence that touch it.
        var lv = s.Levels[level];
        var inside = Enumerable.Range(0, s.LsoaCount).Where(i => lv.LsoaArea[i] == index).ToHashSet();
        bool Touches(IEnumerable<string> codes) => s.Resolve(codes, anyLevel: true).Lsoas.Any(inside.Contains);
        var others = s.Teams.Where(t => !servingIds.Contains(t.Id) && Touches(t.ServiceAreas)).Select(t => Detail(t, false)).ToList();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var evidence = s.Evidence.Where(e => Touches([e.AreaCode])).Select(e => new EvidenceOut(e.AreaCode, e.Evidence, e.Statement, e.SourceUrl,
            e.SourceDate.ToString(), e.LastVerified, e.Evidence == "team_claimed_unnamed" || e.StillCurrent(today, p.EvidenceMaxAgeYears), e.Notes)).ToList();

        var compare = new List<Comparison>();
        var region = area.Parents.FirstOrDefault(x => x.Level == "region");
        foreach (var (cl, cc) in new[] { ("region", region?.Code), ("england", "E92000001") })
        {
            if (cc is null || cc == code) continue;
            var other = Figures(store, s, cl, p, [s.Levels[cl].Index[cc]]).Single();
            compare.Add(new Comparison(cl, other.Code, other.Name, other.UnmetNeedPer1000Births, other.GeographicCoverage,
                other.Deprivation?.ShareInfantsDeciles12 ?? 0));
        }
        var distribution = deprivation.InfantsByDecile.Select((v, i) => new DecileInfants(i + 1, Math.Round(v, 1))).ToList();
        return TypedResults.Ok(new AreaDetail(area, s.DataVersion, AreaOutput.Describe(p), distribution, serving, others, evidence, compare,
        [
            "Population: " + ModelParameters.PopulationDescriptions[p.Population],
            p.Deprivation == "imd2019" ? "Deprivation: MHCLG English indices of deprivation 2019, carried to LSOA 2021" : "Deprivation: MHCLG English indices of deprivation 2025 (reissued 13 Nov 2025)",
            "Teams: Cradle team register (see last_verified per team)",
        ]));
    }

    static async Task<IResult> Gaps(HttpRequest request, ModelStore store, NpgsqlDataSource db, string? level, string? within, string? limit, string? format, CancellationToken ct)
    {
        var (lvl, lp) = ModelQuery.Level(level, "lad", "lad", "sicbl", "icb", "region");
        if (lp is not null) return lp;
        int n = 20;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n < 1 || n > 10_000))
            return ApiProblems.BadParameter("limit", $"'{ModelQuery.Clip(limit)}' is not a whole number from 1 to 10,000");
        if (format is not (null or "json" or "csv" or "geojson")) return ApiProblems.BadParameter("format", $"'{ModelQuery.Clip(format)}' is not json, csv or geojson");
        var (p, pp) = ModelQuery.Parse(request.Query);
        if (pp is not null) return pp;
        var s = await store.SnapshotAsync(ct);
        var (indexes, sp) = Select(s, lvl!, within);
        if (sp is not null) return sp;
        var areas = Figures(store, s, lvl!, p!, indexes!).OrderBy(a => a.GapRank).ThenBy(a => a.Code).Take(n).ToList();
        return await Render(db, s, lvl!, areas, format, new GapList(lvl!, s.DataVersion, p!.Deprivation, AreaOutput.Describe(p), within, areas.Count,
            Totals(areas), areas), ct);
    }
}
