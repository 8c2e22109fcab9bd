using System.Text.Json.Serialization;
using Cradle.Core.Coverage;

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

/// <summary>One flat column of an area: its name, its JSON Schema type (string, number, integer, boolean), what it is, and its value.</summary>
public sealed record AreaColumn(string Name, string Type, string Description, Func<AreaOut, object?> Value);

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
            return Cradle.Core.Catalog.AreaLevels.Get("lsoa").Parents.Select(l => (l, a: s.Levels[l].LsoaArea[lsoaIndex])).Where(x => x.a >= 0)
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

    /// <summary>
    /// The flat columns of an area: CSV columns, GeoJSON and OGC properties, and their schema, declared once each
    /// (name, JSON type, what it is, its value). A field added here is in every export and in the OGC schema.
    /// </summary>
    public static readonly IReadOnlyList<AreaColumn> Columns =
    [
        new("code", "string", "ONS GSS code of the area.", a => a.Code),
        new("name", "string", "The area's name.", a => a.Name),
        new("level", "string", "The level of the geography (GET /api/levels).", a => a.Level),
        new("region_code", "string", "The ONS region the area lies in (the first where it spans several; null above regions).", a => Region(a)?.Code),
        new("region_name", "string", "That region's name.", a => Region(a)?.Name),
        new("icb_codes", "string", "The ICBs of April 2026 the area's infants live in, ';'-separated.", a => string.Join(';', Icbs(a).Select(i => i.Code))),
        new("icb_infants_shares", "string", "Each of those ICBs' share of the area's infants, ';'-separated, in the same order.",
            a => string.Join(';', Icbs(a).Select(i => i.InfantsShare.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
        Real("infants_under_2", "Population aged 0 and 1 (ONS mid-2024; smaller areas estimated).", a => a.InfantsUnder2),
        Real("births_proxy", "The age-0 population, the model's births.", a => a.BirthsProxy),
        Real("need_families_per_year", "Families a year who may need a specialised parent-infant relationship team (estimate).", a => a.NeedFamiliesPerYear),
        new("team_ids", "string", "The active teams that take referrals here, ';'-separated ids.", a => string.Join(';', a.Teams.Select(t => t.Id))),
        new("team_names", "string", "Their names, ';'-separated.", a => string.Join(';', a.Teams.Select(t => t.Name))),
        new("capacity_assumed", "boolean", "True where a team's capacity is the model's default, not a published figure.", a => a.Teams.Any(t => t.CapacityAssumed)),
        Real("geographic_coverage", "Share of the area's infants living where an active team takes referrals (0–1).", a => a.GeographicCoverage),
        Real("capacity_families_per_year", "Teams' capacity apportioned to the area, families a year.", a => a.CapacityFamiliesPerYear),
        Real("covered_need", "Need met by that capacity, families a year.", a => a.CoveredNeed),
        Real("unmet_need", "Need minus covered need, families a year (estimate).", a => a.UnmetNeed),
        Real("unmet_need_per_1000_births", "Unmet need per 1,000 births (null where there are no births).", a => a.UnmetNeedPer1000Births),
        new("no_team", "boolean", "True where no active team reaches any of the area's infants.", a => a.NoTeam),
        new("gap_rank", "integer", "Rank among the level's areas in England by unmet need (1 = most).", a => a.GapRank),
        new("team_state", "string", "What is known about teams for most of the area's infants: served, in_development, confirmed_none or not_known.", a => a.TeamState),
        Real("share_infants_served", "Share of infants served by an active team.", a => a.TeamStateShares.Served),
        Real("share_infants_in_development", "Share of infants where a team is in development.", a => a.TeamStateShares.InDevelopment),
        Real("share_infants_confirmed_none", "Share of infants where a dated source confirms there is no team.", a => a.TeamStateShares.ConfirmedNone),
        Real("share_infants_not_known", "Share of infants where nothing is known.", a => a.TeamStateShares.NotKnown),
        Real("unmet_need_in_not_known", "Unmet need among infants where nothing is known, families a year.", a => a.UnmetNeedInNotKnown),
        new("deprivation_vintage", "string", "The English Indices of Deprivation edition the summary uses.", a => a.Deprivation?.Vintage),
        new("deprivation_weights", "string", "What the deprivation summary is weighted by.", a => a.Deprivation?.Weights),
        Real("mean_imd_rank", "Mean IMD rank of the area's LSOAs.", a => a.Deprivation?.MeanImdRank),
        Real("mean_imd_score", "Population-weighted mean IMD score.", a => a.Deprivation?.MeanImdScore),
        Real("share_lsoas_decile1", "Share of the area's LSOAs in IMD decile 1.", a => a.Deprivation?.ShareLsoasDecile1),
        Real("share_infants_deciles_1_2", "Share of infants in LSOAs of IMD deciles 1 and 2.", a => a.Deprivation?.ShareInfantsDeciles12),
        Real("mean_income_score_infant_weighted", "Mean IoD income score, weighted by infants.", a => a.Deprivation?.MeanIncomeScoreInfantWeighted),
        new("child_poverty_fye", "integer", "Financial year ending of the child poverty figures (DWP).", a => a.ChildPoverty?.Fye),
        Real("child_poverty_bhc_percent", "Children in relative low income families before housing costs, percent.", a => a.ChildPoverty?.BeforeHousingCostsPercent),
        Real("child_poverty_ahc_percent", "The same after housing costs, percent.", a => a.ChildPoverty?.AfterHousingCostsPercent),
        Real("need_low", "Need at the low national rate, families a year.", a => a.NeedLow),
        Real("need_high", "Need at the high national rate, families a year.", a => a.NeedHigh),
        Real("unmet_need_low", "Unmet need at the low rate, families a year.", a => a.UnmetNeedLow),
        Real("unmet_need_high", "Unmet need at the high rate, families a year.", a => a.UnmetNeedHigh),
        new("partial", "boolean", "In a within= list, true for an area partly inside.", a => a.Partial),
        Real("inside_share", "The share of the area's infants inside the within= area (1 otherwise).", a => a.InsideShare),
        new("icb_basis", "string", "Where the area's ICB of April 2026 is inferred, how; null where read from a lookup.", a => a.IcbBasis),
    ];

    static AreaColumn Real(string name, string description, Func<AreaOut, object?> value) => new(name, "number", description, value);
    static ParentRef? Region(AreaOut a) => a.Parents.FirstOrDefault(p => p.Level == "region");
    static IEnumerable<ParentRef> Icbs(AreaOut a) => a.Parents.Where(p => p.Level == "icb");

    public static IEnumerable<string> CsvColumns => Columns.Select(c => c.Name);

    /// <summary>The flattened fields as GeoJSON or OGC properties, named as the CSV columns.</summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> Properties(AreaOut a) =>
        Columns.Select(c => new KeyValuePair<string, object?>(c.Name, c.Value(a))).ToList();

    /// <summary>The same fields flattened, one value per CSV column (and GeoJSON property).</summary>
    public static object?[] Flatten(AreaOut a) => Columns.Select(c => c.Value(a)).ToArray();
}
