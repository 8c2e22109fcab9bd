using System.Text.Json.Serialization;
using Cradle.Geo.Coverage;

namespace Cradle.Api.Areas;

public sealed record TeamRef(string Id, string Name, bool CapacityAssumed, bool Hypothetical);

public sealed record ParentRef(string Level, string Code, string Name, double InfantsShare);

public sealed record DeprivationOut(
    string Vintage, string Weights, double? MeanImdRank, double? MeanImdScore, double ShareLsoasDecile1,
    [property: JsonPropertyName("share_infants_deciles_1_2")] double ShareInfantsDeciles12, double? MeanIncomeScoreInfantWeighted);

/// <summary>The share of an area's infants in each team state; they sum to 1.</summary>
public sealed record TeamStateShares(double Served, double InDevelopment, double ConfirmedNone, double NotKnown);

/// <summary>
/// Children aged 0–15 in relative low income families (DWP), latest year; the series of every
/// year and measure only for one area (GET /api/areas/{code}), null in lists, which it would double.
/// </summary>
public sealed record ChildPovertyOut(int Fye, double? BeforeHousingCostsPercent, double? AfterHousingCostsPercent, double? ChildrenAfterHousingCosts,
    bool Derived, IReadOnlyList<ChildPovertyPoint>? Series, string Source);

/// <summary>One area's figures as the API serves them.</summary>
public sealed record AreaOut(
    string Code, string Name, string Level, IReadOnlyList<ParentRef> Parents,
    [property: JsonPropertyName("infants_under_2")] double InfantsUnder2, double BirthsProxy, double NeedFamiliesPerYear, IReadOnlyList<TeamRef> Teams,
    double GeographicCoverage, double CapacityFamiliesPerYear, double CoveredNeed, double UnmetNeed,
    [property: JsonPropertyName("unmet_need_per_1000_births")] double? UnmetNeedPer1000Births, bool NoTeam, int GapRank,
    string TeamState, TeamStateShares TeamStateShares, double UnmetNeedInNotKnown,
    DeprivationOut? Deprivation, ChildPovertyOut? ChildPoverty,
    /// <summary>Need and unmet need at the low and high national rates (families a year).</summary>
    double NeedLow, double NeedHigh, double UnmetNeedLow, double UnmetNeedHigh,
    /// <summary>In a within= list, true for an area partly inside: its figures are of the part inside, inside_share of its infants.</summary>
    bool Partial, double InsideShare,
    /// <summary>Where the ICB of April 2026 is inferred, not read from a lookup: an LSOA's basis, or "partly_inferred" for an ICB; null otherwise.</summary>
    string? IcbBasis = null);

/// <summary>The model in force for an answer. With need_model=risk, the calibrated rates for infants not at risk and at risk.</summary>
public sealed record NeedModelOut(string Name, double NeedRate, double? Gradient, string? NeedWeight, double DefaultCapacity, string Population,
    string PopulationDescription, string UncertainTeams, double EvidenceMaxAgeYears, string Source,
    double? RiskOddsRatio = null, double? RateNotAtRisk = null, double? RateAtRisk = null, double[]? NeedRateRange = null, string? Counts = null);

public sealed record AreaList(string Level, long DataVersion, string DeprivationVintage, NeedModelOut NeedModel, string? Within, int Count,
    ListTotals Totals, IReadOnlyList<AreaOut> Areas, LevelVintageOut Vintage);

public static class AreaOutput
{
    static double R(double x, int digits = 3) => Math.Round(x, digits);

    public const string Counts = "families a year (incidence per birth cohort); the prevalence among infants under 2 is about twice this";

    public static NeedModelOut Describe(ModelParameters p, ModelSnapshot? s = null)
    {
        var rates = s is null ? null : CoverageModel.RiskRates(s, p);
        string births = $"the age-0 population, {(p.Population == "mid2024" ? "ONS mid-2024" : "ONS mid-2020")}";
        string source = p.NeedModel switch
        {
            NeedModel.Risk => $"need = births × (p0 + s × (p1 − p0)) per LSOA, s its share of people income-deprived (IoD 2025), p1's odds {p.RiskOddsRatio:0.0#} × p0's (Skovgaard et al. 2007), England's total = need_rate × births ({births}); see GET /api/model",
            NeedModel.Flat => $"need = need_rate × births ({births}); see GET /api/model",
            _ => $"need = need_rate × births ({births}) × a deprivation multiplier (gradient: a Cradle assumption), England's total unchanged; see GET /api/model",
        };
        return new(ModelParameters.Id(p.NeedModel), p.NeedRate, p.NeedModel == NeedModel.Deprivation ? p.Gradient : null,
            p.NeedModel == NeedModel.Deprivation ? (p.NeedWeight == NeedWeight.Imd ? "imd" : "child_poverty") : null, p.DefaultCapacity,
            p.Population, ModelParameters.PopulationDescriptions[p.Population], p.IncludeUncertainTeams ? "include" : "exclude", p.EvidenceMaxAgeYears,
            source, p.NeedModel == NeedModel.Risk ? p.RiskOddsRatio : null,
            rates is { } r ? Math.Round(r.P0, 5) : null, rates is { } r1 ? Math.Round(r1.P1, 5) : null,
            [p.NeedRate * ModelParameters.NeedRateLow / ModelParameters.DefaultNeedRate, p.NeedRate, p.NeedRate * ModelParameters.NeedRateHigh / ModelParameters.DefaultNeedRate],
            Counts);
    }

    const string ChildPovertySource = "DWP, Children in low income families: local area statistics (FYE 2022–2025), via ONS Explore Local Statistics; England derived from the district rates weighted by children aged 0–15 (mid-2024)";

    /// <summary>Child poverty for a district, an upper-tier council or England (as published for them); null for other levels.</summary>
    public static ChildPovertyOut? ChildPoverty(ModelSnapshot s, string level, string code, bool withSeries)
    {
        if (level is not ("lad" or "utla" or "england") || !s.ChildPoverty.TryGetValue(code, out var series) || series.Count == 0) return null;
        var bhc = CoverageModel.Latest(series, "bhc");
        var ahc = CoverageModel.Latest(series, "ahc");
        int fye = Math.Max(bhc?.Fye ?? 0, ahc?.Fye ?? 0);
        return new ChildPovertyOut(fye, Opt(bhc?.Percent, 2), Opt(ahc?.Percent, 2), ahc?.Children, series.Any(x => x.Derived),
            withSeries ? series.Select(x => x with { Percent = Math.Round(x.Percent, 2) }).ToList() : null, ChildPovertySource);
    }

    public static TeamStateShares Shares(AreaFigures f) => new(R(f.StateShare(TeamState.Served), 4), R(f.StateShare(TeamState.InDevelopment), 4),
        R(f.StateShare(TeamState.ConfirmedNone), 4), R(f.StateShare(TeamState.NotKnown), 4));

    /// <summary>The area's parents as the catalog lists them for its level (district → upper tier → ICBs → NHS region, region),
    /// each with its share of the area's infants.</summary>
    public static IReadOnlyList<ParentRef> Parents(ModelSnapshot s, string level, string code, int lsoaIndex = -1)
    {
        if (level == "lsoa")
            return Cradle.Geo.Catalog.AreaLevels.Get("lsoa").Parents.Select(l => (l, a: s.Levels[l].LsoaArea[lsoaIndex])).Where(x => x.a >= 0)
                .Select(x => new ParentRef(x.l, s.Levels[x.l].Codes[x.a], s.Levels[x.l].Names[x.a], 1)).ToList();
        return s.Parents.TryGetValue((level, code), out var ps)
            ? ps.Select(p => new ParentRef(p.Level, p.Code, p.Name, R(p.InfantsShare, 4))).ToList()
            : [];
    }

    public static AreaOut Build(ModelSnapshot s, AreaFigures f, int gapRank, DeprivationSummary? d) => new(
        f.Code, f.Name, f.Level, Parents(s, f.Level, f.Code, f.Level == "lsoa" ? f.Index : -1),
        R(f.Infants, 1), R(f.Births, 1), R(f.Need, 2),
        f.Teams.Select(t => new TeamRef(t.Id, t.Name, t.CapacityAssumed, t.Hypothetical)).ToList(),
        R(f.GeographicCoverage, 4), R(f.Capacity, 2), R(f.Covered, 2), R(f.Unmet, 2),
        f.UnmetPer1000Births is { } u ? R(u, 2) : null, f.NoTeam, gapRank,
        f.TeamState.Id(), Shares(f), R(f.UnmetNotKnown, 2),
        d is null ? null : new DeprivationOut(d.Vintage, d.Weights, Opt(d.MeanImdRank, 1), Opt(d.MeanImdScore, 3), R(d.ShareLsoasDecile1, 4),
            R(d.ShareInfantsDeciles12, 4), Opt(d.MeanIncomeScoreInfantWeighted, 4)),
        ChildPoverty(s, f.Level, f.Code, withSeries: false),
        R(f.Range.NeedLow, 2), R(f.Range.NeedHigh, 2), R(f.Range.UnmetLow, 2), R(f.Range.UnmetHigh, 2), f.Partial, R(f.InsideShare, 4),
        s.IcbBasisOf(f.Level, f.Index));

    static double? Opt(double? x, int digits) => x is { } v ? Math.Round(v, digits) : null;

    public static readonly string[] CsvColumns =
    [
        "code", "name", "level", "region_code", "region_name", "icb_codes", "icb_infants_shares",
        "infants_under_2", "births_proxy", "need_families_per_year", "team_ids", "team_names", "capacity_assumed",
        "geographic_coverage", "capacity_families_per_year", "covered_need", "unmet_need", "unmet_need_per_1000_births", "no_team", "gap_rank",
        "team_state", "share_infants_served", "share_infants_in_development", "share_infants_confirmed_none", "share_infants_not_known",
        "unmet_need_in_not_known",
        "deprivation_vintage", "deprivation_weights", "mean_imd_rank", "mean_imd_score", "share_lsoas_decile1",
        "share_infants_deciles_1_2", "mean_income_score_infant_weighted",
        "child_poverty_fye", "child_poverty_bhc_percent", "child_poverty_ahc_percent",
        "need_low", "need_high", "unmet_need_low", "unmet_need_high", "partial", "inside_share", "icb_basis",
    ];

    /// <summary>The flattened fields as GeoJSON or OGC properties, named as the CSV columns.</summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> Properties(AreaOut a)
    {
        var values = Flatten(a);
        return CsvColumns.Select((c, i) => new KeyValuePair<string, object?>(c, values[i])).ToList();
    }

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
            a.TeamState, a.TeamStateShares.Served, a.TeamStateShares.InDevelopment, a.TeamStateShares.ConfirmedNone, a.TeamStateShares.NotKnown,
            a.UnmetNeedInNotKnown,
            a.Deprivation?.Vintage, a.Deprivation?.Weights, a.Deprivation?.MeanImdRank, a.Deprivation?.MeanImdScore,
            a.Deprivation?.ShareLsoasDecile1, a.Deprivation?.ShareInfantsDeciles12, a.Deprivation?.MeanIncomeScoreInfantWeighted,
            a.ChildPoverty?.Fye, a.ChildPoverty?.BeforeHousingCostsPercent, a.ChildPoverty?.AfterHousingCostsPercent,
            a.NeedLow, a.NeedHigh, a.UnmetNeedLow, a.UnmetNeedHigh, a.Partial, a.InsideShare, a.IcbBasis,
        ];
    }
}
