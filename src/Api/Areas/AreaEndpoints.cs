using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Cradle.Api.Infrastructure;
using Cradle.Core;
using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Microsoft.AspNetCore.Mvc;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Cradle.Api.Model;

namespace Cradle.Api.Areas;

public sealed record DecileInfants(int Decile, double Infants);

public sealed record Comparison(string Level, string Code, string Name,
    [property: JsonPropertyName("unmet_need_per_1000_births")] double? UnmetNeedPer1000Births, double GeographicCoverage,
    [property: JsonPropertyName("share_infants_deciles_1_2")] double ShareInfantsDeciles12);

public sealed record TeamDetail(string Id, string Name, string? Provider, string Status, string DefinitionFit, double? CapacityFamiliesPerYear,
    bool CapacityAssumed, string? CapacitySourceUrl, double? AnnualCostGbp, string? Funder, string? Commissioner,
    string? SourceUrl, string? SourceDate, string? LastConfirmed, DateOnly? LastChecked, string? Started, string? AreaNote, bool NeedsReconfirming);

/// <summary>A dated statement about provision in (or around) the area, and whether it still counts.</summary>
public sealed record EvidenceOut(string AreaCode, string Evidence, string Statement, string SourceUrl, string SourceDate, string LastConfirmed, DateOnly LastChecked,
    bool Current, string? Notes);

public sealed record AreaDetail(AreaOut Area, long DataVersion, NeedModelOut NeedModel, IReadOnlyList<DecileInfants> LsoaDistribution,
    IReadOnlyList<TeamDetail> TeamsServing, IReadOnlyList<TeamDetail> OtherRegisterTeams, IReadOnlyList<EvidenceOut> AreaEvidence,
    IReadOnlyList<Comparison> Compare, IReadOnlyList<string> Sources,
    /// <summary>Who commissions here: ICBs, sub-ICB locations, upper-tier councils (with Start for Life status) and districts, and the national programmes.</summary>
    CommissioningOut Commissioning,
    /// <summary>For districts and upper-tier councils, the 10 most similar areas of the same level, most similar first (null for other levels).</summary>
    IReadOnlyList<SimilarAreaOut>? SimilarAreas, string? SimilarAreasMethod,
    TrendsOut Trends,
    /// <summary>The vintage of the area's level; for a level with earlier vintages (ICBs), what it was made of (predecessors) or, for an
    /// area of an earlier vintage, what it became (successors), each with its share of this area's infants; empty where unchanged.</summary>
    LevelVintageOut Vintage, IReadOnlyList<SuccessionOut> Predecessors, IReadOnlyList<SuccessionOut> Successors,
    /// <summary>Dated changes the lookups do not show yet: a newer code, a decided or possible reorganisation.</summary>
    IReadOnlyList<AreaChangeOut> Changes,
    /// <summary>The code asked for, where it is a newer code of the area Cradle holds by another (Barnsley's E08000038 for E08000016).</summary>
    string? RequestedCode);

/// <summary>The vintage of the level an answer uses: when it came into force (and ended), and where it is derived.</summary>
public sealed record LevelVintageOut(string Level, string Vintage, DateOnly? InForceFrom, DateOnly? InForceTo, string? Derived, IReadOnlyList<string> OtherVintages)
{
    public static LevelVintageOut Of(string level, ModelSnapshot s)
    {
        var l = AreaLevels.Get(level);
        return new(l.Id, l.Vintage, l.InForceFrom, l.InForceTo, s.DerivedNote(l), AreaLevels.Vintages(level).Where(v => v.Id != level).Select(v => $"{v.Id} ({v.Vintage})").ToList());
    }
}

/// <summary>An area of another vintage that holds some of this one's infants (mid-2024), and the day the change took effect.</summary>
public sealed record SuccessionOut(string Level, string Code, string Name, double InfantsShare, DateOnly? Since)
{
    public static SuccessionOut Of(Succession x, DateOnly? since) => new(x.Level, x.Code, x.Name, Math.Round(x.InfantsShare, 4), since);
}

/// <summary>A dated change to the area that the loaded lookups do not show.</summary>
public sealed record AreaChangeOut(DateOnly Date, string Status, string? Becomes, string Says, string SourceUrl, string SourceDate);

/// <summary>Sums over the areas listed: how much of the unmet need lies where nothing is known about provision.</summary>
public sealed record ListTotals(double NeedFamiliesPerYear, double UnmetNeed, double UnmetNeedInNotKnown, double? ShareOfUnmetNeedInNotKnown);

/// <summary>The query of GET /api/areas.</summary>
public sealed record AreaListQuery(
    [FromQuery(Name = "level")] string? Level,
    [FromQuery(Name = "within")] string? Within,
    [FromQuery(Name = "format")] string? Format) : IQueryParameters
{
    public string LevelId => Level ?? "lad";
    public ProblemHttpResult? Check() => LevelParameter.Check(Level, _ => true) ?? AreaQueries.CheckFormat(Format) ?? AreaQueries.CheckCode("within", Within);
}

/// <summary>The query of GET /api/gaps.</summary>
public sealed record GapQuery(
    [FromQuery(Name = "level")] string? Level,
    [FromQuery(Name = "within")] string? Within,
    [FromQuery(Name = "limit")] string? Limit,
    [FromQuery(Name = "format")] string? Format) : IQueryParameters
{
    public string LevelId => Level ?? "lad";
    public int Count => Limit is null ? 20 : int.Parse(Limit, System.Globalization.CultureInfo.InvariantCulture);

    public ProblemHttpResult? Check() =>
        LevelParameter.Check(Level, l => l.Gaps) ?? AreaQueries.CheckFormat(Format) ?? AreaQueries.CheckCode("within", Within)
        ?? (Limit is not null && !QueryParameterExtensions.IsWholeNumber(Limit, 1, 10_000, out _)
            ? ApiProblems.BadParameter("limit", $"'{ModelQuery.Clip(Limit)}' is not a whole number from 1 to 10,000") : null);
}

/// <summary>The query of GET /api/search.</summary>
public sealed record SearchQuery([FromQuery(Name = "q")] string? Q, [FromQuery(Name = "limit")] string? Limit) : IQueryParameters
{
    public int Count => Limit is null ? 10 : int.Parse(Limit, System.Globalization.CultureInfo.InvariantCulture);

    public ProblemHttpResult? Check() =>
        Q is null || Q.Trim().Length < 2 || Q.Length > 100 ? ApiProblems.BadParameter("q", "give 2 to 100 characters of a name or a code")
        : Limit is not null && !QueryParameterExtensions.IsWholeNumber(Limit, 1, 50, out _) ? ApiProblems.BadParameter("limit", $"'{ModelQuery.Clip(Limit)}' is not a whole number from 1 to 50")
        : null;
}

/// <summary>A search hit: the area, its level, whether it is current, and what it is now where it is not.</summary>
public sealed record SearchHit(string Code, string Name, string Level, string LevelLabel, string Status, string? Now, IReadOnlyList<SuccessionOut> Successors);

public sealed record SearchResult(string Q, int Count, IReadOnlyList<SearchHit> Hits);

public static class AreaQueries
{
    public static ProblemHttpResult? CheckFormat(string? format) =>
        format is null or "json" or "csv" or "geojson" ? null : ApiProblems.BadParameter("format", $"'{ModelQuery.Clip(format)}' is not json, csv or geojson");

    public static ProblemHttpResult? CheckCode(string name, string? code) =>
        code is null || ModelQuery.IsCode(code) ? null : ApiProblems.BadParameter(name, $"'{ModelQuery.Clip(code)}' is not an area code");
}

public static class AreaEndpoints
{
    public static void MapAreas(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Areas");
        group.MapGet("/areas", List).Query(typeof(AreaListQuery), typeof(ModelQueryParameters), typeof(VintageQuery))
            .AlsoProduces(200, "text/csv", GeoJsonWriter.MediaType)
            .WithSummary("Need, coverage and unmet need for every area of a level")
            .WithDescription($"level: {string.Join(", ", AreaLevels.Ids())} (default lad; GET /api/catalog describes each). within: an area code whose areas to list (e.g. level=lad&within=E10000016, Kent's districts). population: mid2024 (default) or mid2020. deprivation: iod2025 (default) or imd2019. need_model: risk (default: need rises with each LSOA's income deprivation by risk_odds_ratio, 1–20, default 5.0, calibrated to 10% of births nationally), flat (10% of births everywhere) or deprivation (with gradient and need_weight, imd or child_poverty). Every area also gives need_low/need_high and unmet_need_low/unmet_need_high (8% and 15% nationally). With within, an area partly inside gives the figures of its part inside, partial true and inside_share its share of infants, so that the rows add up to the area. icb_vintage (2026-04, the default, or 2024-04) or as_of (a date) chooses the ICBs in force; vintage in the answer names the one used. uncertain_teams: include (default) or exclude. evidence_max_age_years: how old a statement of no team may be and still count (default 3). format: json (default), csv or geojson (CRS84).");
        group.MapGet("/areas/{code}", Detail).Query(typeof(ModelQueryParameters), typeof(VintageQuery)).ProducesProblem(404).ProducesProblem(410).Produces(301)
            .WithSummary("One area of any level, with its parents, its infants by deprivation decile, the teams serving it, the evidence about provision, and how it compares with its region and England");
        group.MapGet("/search", Search).Query(typeof(SearchQuery))
            .WithSummary("Areas by name or code, of every level, including areas abolished or re-coded, each saying what it is now")
            .WithDescription("q: at least 2 characters of a name, or a code. limit: 1–50 (default 10). An ICB abolished on 1 April 2026 is found by its old name or code and names its successors; a district's newer code (Barnsley's E08000038) finds the area Cradle holds.");
        group.MapGet("/gaps", Gaps).Query(typeof(GapQuery), typeof(ModelQueryParameters), typeof(VintageQuery))
            .AlsoProduces(200, "text/csv", GeoJsonWriter.MediaType)
            .WithSummary("The under-served areas, ranked by unmet need (families a year)")
            .WithDescription($"level: {string.Join(", ", AreaLevels.Ids(l => l.Gaps))} (default lad); within: an area code; limit: 1–10,000 (default 20); format and the model parameters as for /api/areas. Totals are of the areas listed (the top `limit`, not all of England) and say how much of their unmet need lies where nothing is known about provision.");
    }

    /// <summary>The areas of a level, optionally those with any LSOA inside another area.</summary>
    static (List<int>? Indexes, ProblemHttpResult? Problem) Select(ModelSnapshot s, string level, string? within)
    {
        if (within is null) return (Enumerable.Range(0, s.Levels[level].Count).ToList(), null);
        return s.AreasWithin(level, within) is { } areas ? ([.. areas], null) : (null, ApiProblems.BadParameter("within", $"no area has code {within}"));
    }

    static Task<Results<Ok<AreaList>, ContentHttpResult, FileContentHttpResult, ProblemHttpResult>> List(
        [AsParameters] AreaListQuery q, [AsParameters] ModelQueryParameters m, [AsParameters] VintageQuery v, ModelStore store, NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        Answer(store, db, http, m.Parameters, v.Resolve(q.LevelId, store.Today), q.Within, q.Format, areas => areas, ct);

    static Task<Results<Ok<AreaList>, ContentHttpResult, FileContentHttpResult, ProblemHttpResult>> Gaps(
        [AsParameters] GapQuery q, [AsParameters] ModelQueryParameters m, [AsParameters] VintageQuery v, ModelStore store, NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        Answer(store, db, http, m.Parameters, v.Resolve(q.LevelId, store.Today), q.Within, q.Format,
            // Within an area, by the unmet need shown (a district partly inside shows its part, which its England rank does not rank).
            areas => (q.Within is null ? areas.OrderBy(a => a.GapRank) : areas.OrderByDescending(a => a.UnmetNeed)).ThenBy(a => a.Code).Take(q.Count).ToList(), ct);

    /// <summary>The areas of a level (within an area, if given) that <paramref name="pick"/> keeps, as JSON, CSV or GeoJSON.</summary>
    static async Task<Results<Ok<AreaList>, ContentHttpResult, FileContentHttpResult, ProblemHttpResult>> Answer(ModelStore store, NpgsqlDataSource db, HttpContext http,
        ModelParameters p, string level, string? within, string? format, Func<List<AreaOut>, List<AreaOut>> pick, CancellationToken ct)
    {
        var s = await store.SnapshotAsync(ct);
        var (indexes, problem) = Select(s, level, within);
        if (problem is not null) return problem;
        var areas = pick(Figures(store, s, level, p, indexes!, within));
        // Every answer names the vintage of its areas: in the JSON body, and for CSV and GeoJSON in a header (and a GeoJSON member).
        var vintage = LevelVintageOut.Of(level, s);
        http.Response.Headers["Cradle-Vintage"] = $"{level} {vintage.Vintage}" + (vintage.InForceFrom is { } from ? $"; in force from {from:yyyy-MM-dd}" : "")
            + (vintage.InForceTo is { } to ? $" to {to:yyyy-MM-dd}" : "") + (vintage.Derived is null ? "" : "; derived");
        return format switch
        {
            "csv" => Csv(areas),
            "geojson" => await GeoJson(db, level, areas, vintage, ct),
            _ => TypedResults.Ok(new AreaList(level, s.DataVersion, p.Deprivation, AreaOutput.Describe(p, s), within, areas.Count, Totals(areas), areas, vintage)),
        };
    }

    public static ListTotals Totals(IReadOnlyList<AreaOut> areas)
    {
        double need = areas.Sum(a => a.NeedFamiliesPerYear), unmet = areas.Sum(a => a.UnmetNeed), notKnown = areas.Sum(a => a.UnmetNeedInNotKnown);
        return new ListTotals(Math.Round(need, 2), Math.Round(unmet, 2), Math.Round(notKnown, 2), unmet > 0 ? Math.Round(notKnown / unmet, 4) : null);
    }

    /// <summary>
    /// The areas' figures; within another area, an area partly inside gives the figures of its part
    /// inside (marked partial, with its share of infants), so that the list adds up to the containing
    /// area. Its gap rank and deprivation summary stay those of the whole area.
    /// </summary>
    static List<AreaOut> Figures(ModelStore store, ModelSnapshot s, string level, ModelParameters p, IEnumerable<int> indexes, string? within = null)
    {
        var (figures, ranks) = store.Figures(s, p, level);
        if (within is not null && s.Inside(within) is { } inside) figures = CoverageModel.Aggregate(store.Baseline(s, p), level, inside);
        var deprivation = store.Deprivation(s, level, p);
        return indexes.Select(i => AreaOutput.Build(s, figures[i], ranks[i], deprivation[i])).ToList();
    }

    static ContentHttpResult Csv(List<AreaOut> areas)
    {
        var sb = new StringBuilder();
        CsvWriter.Row(sb, AreaOutput.CsvColumns);
        foreach (var a in areas) CsvWriter.Row(sb, AreaOutput.Flatten(a));
        return TypedResults.Text(sb.ToString(), "text/csv; charset=utf-8", Encoding.UTF8);
    }

    /// <summary>A FeatureCollection in CRS84 with the flattened figures as properties; geometry from PostGIS.</summary>
    static async Task<FileContentHttpResult> GeoJson(NpgsqlDataSource db, string level, List<AreaOut> areas, LevelVintageOut vintage, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var geometry = await AreaGeometries.ByCodeAsync(conn, level, areas.Select(a => a.Code), ct);
        var features = areas.Select(a => new GeoJsonFeature(a.Code, geometry.GetValueOrDefault(a.Code), AreaOutput.Properties(a)));
        return TypedResults.Bytes(GeoJsonWriter.Collection(features, w =>
        {
            // A foreign member (RFC 7946 §6.1): the vintage of the areas, as the JSON answer gives it.
            w.WriteStartObject("vintage");
            w.WriteString("level", vintage.Level);
            w.WriteString("vintage", vintage.Vintage);
            if (vintage.InForceFrom is { } from) w.WriteString("in_force_from", from.ToString("yyyy-MM-dd")); else w.WriteNull("in_force_from");
            if (vintage.InForceTo is { } to) w.WriteString("in_force_to", to.ToString("yyyy-MM-dd")); else w.WriteNull("in_force_to");
            if (vintage.Derived is { } derived) w.WriteString("derived", derived); else w.WriteNull("derived");
            w.WriteEndObject();
        }), GeoJsonWriter.MediaType);
    }

    static async Task<Results<Ok<AreaDetail>, RedirectHttpResult, ProblemHttpResult>> Detail([AsParameters] ModelQueryParameters m, [AsParameters] VintageQuery v,
        ModelStore store, HttpContext http, string code, CancellationToken ct)
    {
        if (!ModelQuery.IsCode(code)) return ApiProblems.BadParameter("code", $"'{ModelQuery.Clip(code)}' is not an area code (a letter and eight digits, or the ODS code of a sub-ICB location with no ONS code yet)");
        var p = m.Parameters;
        var s = await store.SnapshotAsync(ct);
        string requested = code;
        if (s.HeldCode(code) is not { } held) return ApiProblems.NotFound("area", $"No area in England has code {code}.");
        code = held;
        var level = s.AreaLevelOfCode[code];
        if (v.Given)
        {
            // The vintage asked for: the area of this code in it, if it had one.
            var asked = v.Resolve(level, store.Today);
            if (!s.Levels[asked].Index.ContainsKey(code))
                return ApiProblems.NotFound("area", $"No {AreaLevels.Get(asked).Singular} had code {code} ({AreaLevels.Get(asked).Vintage}).");
            level = asked;
        }
        else if (AreaLevels.Get(level).VintageOf is not null)
        {
            // An area of an earlier vintage only: abolished. One successor holding all its infants: 301 to it; several: 410 naming them.
            var gone = s.Levels[level];
            var next = s.Successions(level, gone.Index[code]);
            var spec = AreaLevels.Get(level);
            var since = spec.ReplacedOn;
            if (next.Count == 1)
                return TypedResults.Redirect($"{http.Request.PathBase}/api/areas/{next[0].Code}{http.Request.QueryString}", permanent: true);
            return TypedResults.Problem(statusCode: 410, title: "Area abolished",
                detail: $"{gone.Names[gone.Index[code]]} ({spec.Singular}, {spec.Vintage}) was abolished on {since:d MMMM yyyy}: now {string.Join(" and ", next.Select(n => $"{n.Name} ({n.Code}, {Math.Round(n.InfantsShare * 100):0}% of its infants)"))}. Ask with icb_vintage={spec.Vintage} (or as_of) for its figures.",
                extensions: new Dictionary<string, object?>
                {
                    ["successors"] = next.Select(n => SuccessionOut.Of(n, since)).ToList(),
                    ["abolished"] = since,
                });
        }
        int index = s.Levels[level].Index[code];
        var area = Figures(store, s, level, p, [index]).Single();
        // One area carries its child poverty series too.
        area = area with { ChildPoverty = AreaOutput.ChildPoverty(s, level, code, withSeries: true) };
        var deprivation = store.Deprivation(s, level, p)[index];
        var today = store.Baseline(s, p).AsOf; // the day the team states are of
        // needs_reconfirming: no source has confirmed the team for more than the register's default (GET /api/teams).
        TeamDetail Detail(Cradle.Core.Register.Team t, bool counted) => new(t.Id, t.Name, t.Provider, t.Status, t.DefinitionFit,
            counted ? t.CapacityFamiliesPerYear ?? p.DefaultCapacity : t.CapacityFamiliesPerYear, counted && t.CapacityFamiliesPerYear is null,
            t.CapacitySourceUrl, t.AnnualCostGbp, t.Funder, t.Commissioner, t.SourceUrl, t.SourceDate?.ToString(), t.ConfirmedOn?.ToString(), t.LastChecked,
            t.Started?.ToString(), t.AreaNote, t.NeedsReconfirming(today, Cradle.Core.Register.Team.DefaultReconfirmAfterMonths));
        var servingIds = area.Teams.Select(t => t.Id).ToHashSet();
        var serving = s.Teams.Where(t => servingIds.Contains(t.Id)).Select(t => Detail(t, true)).ToList();
        var others = s.TeamsTouching(level, index).Where(t => !servingIds.Contains(t.Id)).Select(t => Detail(t, false)).ToList();
        var evidence = s.EvidenceTouching(level, index).Select(e => new EvidenceOut(e.AreaCode, e.Evidence, e.Statement, e.SourceUrl,
            e.SourceDate.ToString(), e.ConfirmedOn.ToString(), e.LastChecked, e.IsCurrent(today, p.EvidenceMaxAgeYears), e.Notes)).ToList();

        var compare = new List<Comparison>();
        var region = area.Parents.FirstOrDefault(x => x.Level == "region");
        foreach (var (cl, cc) in new[] { ("region", region?.Code), ("england", "E92000001") })
        {
            if (cc is null || cc == code) continue;
            int i = s.Levels[cl].Index[cc];
            var other = store.Figures(s, p, cl).Areas[i];
            compare.Add(new Comparison(cl, other.Code, other.Name, other.UnmetPer1000Births is { } u ? Math.Round(u, 2) : null,
                Math.Round(other.GeographicCoverage, 4), Math.Round(store.Deprivation(s, cl, p)[i].ShareInfantsDeciles12, 4)));
        }
        var distribution = deprivation.InfantsByDecile.Select((v, i) => new DecileInfants(i + 1, Math.Round(v, 1))).ToList();
        return TypedResults.Ok(new AreaDetail(area, s.DataVersion, AreaOutput.Describe(p, s), distribution, serving, others, evidence, compare,
        [
            "Population: " + ModelParameters.PopulationDescriptions[p.Population],
            p.Deprivation == "imd2019" ? "Deprivation: MHCLG English indices of deprivation 2019, carried to LSOA 2021" : "Deprivation: MHCLG English indices of deprivation 2025 (reissued 13 Nov 2025)",
            "Teams: Cradle team register (see source_date, last_confirmed and last_checked per team)",
        ], AreaCase.Commissioning(s, level, index), AreaCase.Similar(store, s, p, level, index),
        Cradle.Core.Case.SimilarAreas.Levels.Contains(level) ? Cradle.Core.Case.SimilarAreas.Method : null, AreaCase.Trends(store, s, p, level, index),
        LevelVintageOut.Of(level, s), Successions(s, level, index, earlier: true), Successions(s, level, index, earlier: false),
        s.ChangesOf(level, code).Select(c => new AreaChangeOut(c.Date, c.Status, c.Becomes, c.Says, c.SourceUrl, c.SourceDate)).ToList(),
        requested == code ? null : requested));
    }

    static async Task<Ok<SearchResult>> Search([AsParameters] SearchQuery q, ModelStore store, CancellationToken ct)
    {
        var s = await store.SnapshotAsync(ct);
        var text = q.Q!.Trim();
        var hits = new List<SearchHit>();
        // A newer code of an area held by an older one.
        if (s.HeldCode(text.ToUpperInvariant()) is { } held && held != text.ToUpperInvariant())
        {
            var l = s.AreaLevelOfCode[held];
            hits.Add(new SearchHit(held, s.NameOf(held)!, l, AreaLevels.Get(l).Singular, "recoded",
                $"{text.ToUpperInvariant()} is the code of {s.NameOf(held)} since {s.Changes.First(c => c.Becomes == text.ToUpperInvariant()).Date:d MMMM yyyy}; Cradle's boundaries hold it as {held}.", []));
        }
        foreach (var spec in AreaLevels.All.Where(l => l.Search || l.VintageOf is not null))
        {
            var level = s.Levels[spec.Id];
            for (int a = 0; a < level.Count && hits.Count < 200; a++)
            {
                // "Essex ICB" finds "NHS Essex Integrated Care Board", as people say it.
                bool match = level.Codes[a].Equals(text, StringComparison.OrdinalIgnoreCase) || level.Names[a].Contains(text, StringComparison.OrdinalIgnoreCase)
                    || Spoken(level.Names[a]).Contains(text, StringComparison.OrdinalIgnoreCase);
                if (!match) continue;
                if (spec.VintageOf is null) { hits.Add(new SearchHit(level.Codes[a], level.Names[a], spec.Id, spec.Singular, "current", null, [])); continue; }
                // An earlier vintage: only an area that is not the same now, saying what it became.
                var next = s.Successions(spec.Id, a);
                if (next.Count == 0) continue;
                var since = spec.ReplacedOn;
                // One successor of the same name is the same board re-coded (Hampshire and Isle of Wight, enlarged), not abolished.
                bool recoded = next.Count == 1 && next[0].Name == level.Names[a];
                hits.Add(new SearchHit(level.Codes[a], level.Names[a], spec.Id, spec.Singular, recoded ? "recoded" : "abolished",
                    recoded ? $"{level.Names[a]}: code {next[0].Code} since {since:d MMMM yyyy}, with a changed area"
                        : $"{level.Names[a]}, abolished {since:d MMMM yyyy}: now {string.Join(" and ", next.Select(n => n.Name))}",
                    next.Select(n => SuccessionOut.Of(n, since)).ToList()));
            }
        }
        // Codes first (or a board's name as people say it), then names that start with the text, then the rest; current before abolished.
        var ordered = hits.DistinctBy(h => (h.Code, h.Level))
            .OrderBy(h => h.Code.Equals(text, StringComparison.OrdinalIgnoreCase) || Spoken(h.Name).Equals(text, StringComparison.OrdinalIgnoreCase) ? 0
                : h.Name.StartsWith(text, StringComparison.OrdinalIgnoreCase) ? 1 : 2)
            .ThenBy(h => h.Status == "current" ? 0 : 1).ThenBy(h => h.Name, StringComparer.Ordinal).Take(q.Count).ToList();
        return TypedResults.Ok(new SearchResult(text, ordered.Count, ordered));
    }

    /// <summary>
    /// The areas of other vintages sharing the area's LSOAs, unless it is the same in all of them: predecessors (earlier
    /// vintages, of a level in force) or successors (the level in force, of an earlier vintage).
    /// </summary>
    static List<SuccessionOut> Successions(ModelSnapshot s, string level, int index, bool earlier)
    {
        var spec = AreaLevels.Get(level);
        if (earlier != (spec.VintageOf is null)) return [];
        return s.Successions(level, index).Select(x => SuccessionOut.Of(x, earlier ? spec.InForceFrom : spec.ReplacedOn)).ToList();
    }

    /// <summary>A board's name as people say it: "NHS Essex Integrated Care Board" is "Essex ICB".</summary>
    static string Spoken(string name) => name.Replace("Integrated Care Board", "ICB").Replace("NHS ", "");
}
