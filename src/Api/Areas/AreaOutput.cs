using System.Text.Json.Serialization;
using Cradle.Geo.Coverage;

namespace Cradle.Api.Areas;

public sealed record TeamRef(string Id, string Name, bool CapacityAssumed, bool Hypothetical);

public sealed record ParentRef(string Level, string Code, string Name, double InfantsShare);

public sealed record DeprivationOut(
    string Vintage, string Weights, double? MeanImdRank, double? MeanImdScore, double ShareLsoasDecile1,
    [property: JsonPropertyName("share_infants_deciles_1_2")] double ShareInfantsDeciles12, double? MeanIncomeScoreInfantWeighted);

/// <summary>One area's figures as the API serves them.</summary>
public sealed record AreaOut(
    string Code, string Name, string Level, IReadOnlyList<ParentRef> Parents,
    [property: JsonPropertyName("infants_under_2")] double InfantsUnder2, double BirthsProxy, double NeedFamiliesPerYear, IReadOnlyList<TeamRef> Teams,
    double GeographicCoverage, double CapacityFamiliesPerYear, double CoveredNeed, double UnmetNeed,
    [property: JsonPropertyName("unmet_need_per_1000_births")] double? UnmetNeedPer1000Births, bool NoTeam, int GapRank, DeprivationOut? Deprivation);

public sealed record NeedModelOut(string Name, double NeedRate, double? Gradient, double DefaultCapacity, string Source);

public sealed record AreaList(string Level, long DataVersion, string DeprivationVintage, NeedModelOut NeedModel, string? Within, int Count, IReadOnlyList<AreaOut> Areas);

public static class AreaOutput
{
    static double R(double x, int digits = 3) => Math.Round(x, digits);

    public static NeedModelOut Describe(ModelParameters p) => new(
        p.NeedModel.ToString().ToLowerInvariant(), p.NeedRate, p.NeedModel == NeedModel.Deprivation ? p.Gradient : null, p.DefaultCapacity,
        "need = need_rate × births (age-0 population, ONS mid-2020, carried to LSOA 2021); see GET /api/model");

    public static IReadOnlyList<ParentRef> Parents(ModelSnapshot s, string level, string code, int lsoaIndex = -1)
    {
        if (level == "lsoa")
        {
            var list = new List<ParentRef>();
            foreach (var l in new[] { "lad", "sicbl", "icb", "region" })
            {
                var lv = s.Levels[l];
                int a = lv.LsoaArea[lsoaIndex];
                if (a >= 0) list.Add(new ParentRef(l, lv.Codes[a], lv.Names[a], 1));
            }
            return list;
        }
        if (!s.Parents.TryGetValue((level, code), out var ps)) return [];
        string[] wanted = level switch
        {
            "lad" => ["region", "icb"],
            "sicbl" => ["region", "icb"],
            "icb" => ["region"],
            "region" => ["england"],
            _ => [],
        };
        return ps.Where(p => wanted.Contains(p.Level))
            .OrderBy(p => Array.IndexOf(wanted, p.Level)).ThenByDescending(p => p.InfantsShare)
            .Select(p => new ParentRef(p.Level, p.Code, p.Name, R(p.InfantsShare, 4))).ToList();
    }

    public static AreaOut Build(ModelSnapshot s, AreaFigures f, int gapRank, DeprivationSummary? d) => new(
        f.Code, f.Name, f.Level, Parents(s, f.Level, f.Code, f.Level == "lsoa" ? f.Index : -1),
        R(f.Infants, 1), R(f.Births, 1), R(f.Need, 2),
        f.Teams.Select(t => new TeamRef(t.Id, t.Name, t.CapacityAssumed, t.Hypothetical)).ToList(),
        R(f.GeographicCoverage, 4), R(f.Capacity, 2), R(f.Covered, 2), R(f.Unmet, 2),
        f.UnmetPer1000Births is { } u ? R(u, 2) : null, f.NoTeam, gapRank,
        d is null ? null : new DeprivationOut(d.Vintage, d.Weights, Opt(d.MeanImdRank, 1), Opt(d.MeanImdScore, 3), R(d.ShareLsoasDecile1, 4),
            R(d.ShareInfantsDeciles12, 4), Opt(d.MeanIncomeScoreInfantWeighted, 4)));

    static double? Opt(double? x, int digits) => x is { } v ? Math.Round(v, digits) : null;

    public static readonly string[] CsvColumns =
    [
        "code", "name", "level", "region_code", "region_name", "icb_codes", "icb_infants_shares",
        "infants_under_2", "births_proxy", "need_families_per_year", "team_ids", "team_names", "capacity_assumed",
        "geographic_coverage", "capacity_families_per_year", "covered_need", "unmet_need", "unmet_need_per_1000_births", "no_team", "gap_rank",
        "deprivation_vintage", "deprivation_weights", "mean_imd_rank", "mean_imd_score", "share_lsoas_decile1",
        "share_infants_deciles_1_2", "mean_income_score_infant_weighted",
    ];

    /// <summary>The same fields flattened, one value per CSV column (and GeoJSON property).</summary>
    public static object?[] Flatten(AreaOut a)
    {
        var region = a.Parents.FirstOrDefault(p => p.Level == "region");
        var icbs = a.Parents.Where(p => p.Level == "icb").ToList();
        return
        [
            a.Code, a.Name, a.Level, region?.Code, region?.Name,
            string.Join(';', icbs.Select(i => i.Code)), string.Join(';', icbs.Select(i => i.InfantsShare.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            a.InfantsUnder2, a.BirthsProxy, a.NeedFamiliesPerYear,
            string.Join(';', a.Teams.Select(t => t.Id)), string.Join(';', a.Teams.Select(t => t.Name)), a.Teams.Any(t => t.CapacityAssumed),
            a.GeographicCoverage, a.CapacityFamiliesPerYear, a.CoveredNeed, a.UnmetNeed, a.UnmetNeedPer1000Births, a.NoTeam, a.GapRank,
            a.Deprivation?.Vintage, a.Deprivation?.Weights, a.Deprivation?.MeanImdRank, a.Deprivation?.MeanImdScore,
            a.Deprivation?.ShareLsoasDecile1, a.Deprivation?.ShareInfantsDeciles12, a.Deprivation?.MeanIncomeScoreInfantWeighted,
        ];
    }
}
