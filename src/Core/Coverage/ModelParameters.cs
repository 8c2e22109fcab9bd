namespace Cradle.Core.Coverage;

/// <summary>
/// How need varies by place. Risk (the default): each LSOA's rate rises with the share of its
/// infants in income-deprived families, by a published odds ratio, calibrated to need_rate
/// nationally. Flat: need_rate everywhere. Deprivation: the older multiplier by IMD decile or
/// district child poverty, whose gradient is an assumption.
/// </summary>
public enum NeedModel { Risk, Flat, Deprivation }

/// <summary>What the deprivation need model weights by: the LSOA's IMD decile, or its district's child poverty rate.</summary>
public enum NeedWeight { Imd, ChildPoverty }

/// <summary>
/// The need and coverage model's parameters. Every default has a source, listed by
/// <see cref="Describe"/> and served at GET /api/model.
/// </summary>
public sealed record ModelParameters(
    NeedModel NeedModel = NeedModel.Risk,
    double NeedRate = ModelParameters.DefaultNeedRate,
    double Gradient = ModelParameters.DefaultGradient,
    double DefaultCapacity = ModelParameters.DefaultTeamCapacity,
    string Deprivation = "iod2025",
    string Population = ModelParameters.DefaultPopulation,
    NeedWeight NeedWeight = NeedWeight.Imd,
    bool IncludeUncertainTeams = true,
    double EvidenceMaxAgeYears = ModelParameters.DefaultEvidenceMaxAgeYears,
    double RiskOddsRatio = ModelParameters.DefaultRiskOddsRatio)
{
    public const double DefaultNeedRate = 0.10;
    /// <summary>The low and high ends of the national need rate (the central one is <see cref="DefaultNeedRate"/>).</summary>
    public const double NeedRateLow = 0.08;
    public const double NeedRateHigh = 0.15;
    /// <summary>Skovgaard et al. 2007: high psychosocial risk and a disturbed parent–child relationship at 18 months, OR 5.0 (95% CI 1.6–16.0).</summary>
    public const double DefaultRiskOddsRatio = 5.0;
    public const double RiskOddsRatioCiLow = 1.6;
    public const double RiskOddsRatioCiHigh = 16.0;
    /// <summary>The identifier of a need model as the API writes it.</summary>
    public static string Id(NeedModel m) => m switch { NeedModel.Risk => "risk", NeedModel.Flat => "flat", _ => "deprivation" };
    public static readonly string[] NeedModels = ["risk", "flat", "deprivation"];
    public const double DefaultGradient = 0.5;
    public const double DefaultTeamCapacity = 100;
    public const double DefaultAnnualCost = 157_000;
    public const double DefaultNewTeamCapacity = 100;
    public const string DefaultPopulation = "mid2024";
    public const double DefaultEvidenceMaxAgeYears = 3;

    public static readonly string[] DeprivationVintages = ["iod2025", "imd2019"];
    public static readonly string[] Populations = ["mid2024", "mid2020"];

    public static readonly IReadOnlyDictionary<string, string> PopulationDescriptions = new Dictionary<string, string>
    {
        ["mid2024"] = "ONS mid-2024: districts' ages 0 and 1 as published; LSOA infants estimated from the mid-2020 LSOA age structure and the mid-2024 LSOA totals, summing exactly to each district",
        ["mid2020"] = "ONS mid-2020 LSOA 2011 estimates by single year of age, carried to LSOA 2021",
    };

    /// <summary>The need multiplier for an LSOA of IMD decile d, before normalisation: 1 + g·(5.5 − d)/4.5.</summary>
    public double Multiplier(int decile) =>
        NeedModel == NeedModel.Flat || decile is < 1 or > 10 ? 1.0 : 1.0 + Gradient * (5.5 - decile) / 4.5;

    /// <summary>The need multiplier for an LSOA whose district has child poverty rate r, England's being e, before
    /// normalisation: 1 + g·(r/e − 1), never below 0.1 (a district at twice England's rate gets 1.5× at g = 0.5).</summary>
    public double ChildPovertyMultiplier(double rate, double england) =>
        NeedModel == NeedModel.Flat || !double.IsFinite(rate) || !(double.IsFinite(england) && england > 0) ? 1.0 : Math.Max(0.1, 1.0 + Gradient * (rate / england - 1));

    /// <summary>The Parent-Infant Foundation's published counts of teams, each dated, for the register's completeness.</summary>
    public static readonly IReadOnlyList<PublishedTeamCount> FoundationCounts =
    [
        new(38, "England", "2024-06-10", "\"38 teams in England when we need 400\"",
            "https://parentinfantfoundation.org.uk/?p=7917"),
        new(49, "UK", "2025-06-09", "49 teams, up from 27 in 2019 (Who is holding the baby?)",
            "https://parentinfantfoundation.org.uk/?p=9797"),
        new(51, "UK", "2025-12-11", "51 specialised parent-infant relationship teams",
            "https://parentinfantfoundation.org.uk/?p=10937"),
    ];

    /// <summary>The Foundation's latest count for a scope (England or UK).</summary>
    public static PublishedTeamCount LatestFoundationCount(string scope) => FoundationCounts.Where(c => c.Scope == scope).MaxBy(c => c.AsOf)!;

    public sealed record ParameterInfo(string Name, object Default, string Unit, string Description, string Source);

    public sealed record PublishedTeamCount(int Teams, string Scope, string AsOf, string Says, string SourceUrl);

    public static IReadOnlyList<ParameterInfo> Describe() =>
    [
        new("need_rate", DefaultNeedRate, "share of the annual birth cohort (families a year per birth)",
            "England's families a year needing a specialised parent-infant relationship service, as a share of births (the age-0 population stands in). Every need model is calibrated to it: England's need = need_rate × England's births. Counted as incidence per birth cohort: each baby whose relationship is at risk is one family needing a team once in its first two years, so the prevalence among infants under 2 at any time is about twice the families a year (need_rate of the 0–1s plus need_rate of the 1–2s).",
            "\"At least 1 in 10 babies\" are at risk of disorganised attachment: Family Hubs and Start for Life programme guide (DfE and DHSC, August 2022), Annex I, as quoted by the Parent-Infant Foundation (FOI published by Lincolnshire County Council, 2024). Range: low 8% (parent–child relationship disturbance at 18 months in a random population sample of 211: Skovgaard et al., J Child Psychol Psychiatry 2007); high 15% (disorganised attachment in normal middle-class samples, nearly 80 studies: van IJzendoorn, Schuengel and Bakermans-Kranenburg, Dev Psychopathol 1999)."),
        new("need_model", "risk", "risk | flat | deprivation",
            "risk (default): each LSOA's rate is p0 for infants in families not income-deprived and p1 for those in income-deprived families, with p1's odds risk_odds_ratio times p0's, and p0 set so that England's total is need_rate × births; the LSOA's share of income-deprived people (IoD 2025 Income domain score) stands for the share of its infants at high risk. flat: need_rate everywhere. deprivation: the older multiplier by IMD decile or district child poverty (gradient, an assumption), normalised to the same total.",
            "Risk: Skovgaard et al. 2007 (odds ratio) and MHCLG English Indices of Deprivation 2025, File 7 (Income Score (rate)); the mapping of income deprivation to 'high psychosocial risk' is Cradle's assumption, stated in docs/model.md."),
        new("risk_odds_ratio", DefaultRiskOddsRatio, "odds ratio, 1 to 20",
            "With need_model=risk, the odds of need for an infant in an income-deprived family against one not: 5.0, with the source's 95% confidence interval 1.6 to 16.0 to try. 1 gives the flat model.",
            "Skovgaard et al. 2007 (Copenhagen Child Cohort 2000): high psychosocial risk and a disturbed parent–child relationship at 18 months, OR 5.0 (95% CI 1.6–16.0)."),
        new("need_range", new[] { NeedRateLow, DefaultNeedRate, NeedRateHigh }, "need_rate low, central, high",
            "Every area's need and unmet need also come as low and high figures: the same model calibrated to 8% and 15%, with teams' capacity shared as in the central figure.",
            "Low: Skovgaard et al. 2007 (8%). High: van IJzendoorn et al. 1999 (about 15% in normal middle-class families)."),
        new("gradient", DefaultGradient, "0 to 0.9",
            "With need_model=deprivation, an LSOA of IMD decile d gets the multiplier 1 + gradient·(5.5 − d)/4.5 before normalisation (decile 1: 1.5×, decile 10: 0.5× at 0.5).",
            "Cradle assumption; try several values."),
        new("default_capacity", DefaultTeamCapacity, "families a year",
            "Capacity used for a team with no published capacity; such teams are flagged capacity_assumed.",
            "About 51 teams serve 4,400–6,500 families a year, 85–127 per team (Centre for Mental Health, Feb 2026); teams range from under 25 to over 300 (Parent-Infant Foundation, 2025)."),
        new("annual_cost", DefaultAnnualCost, "GBP a year",
            "Default annual cost of a new team in scenarios and the planner.",
            "LivPIP was funded £470k for 3 years with 4 practitioners, about £157k a year (HSJ; CYP Now)."),
        new("new_team_capacity", DefaultNewTeamCapacity, "families a year",
            "Default capacity of a new team in scenarios and the planner: within the published average, so that with annual_cost it gives a cost per family (£1,570) inside the published range.",
            "About 51 teams see 4,400–6,500 families a year, 85–127 each (Centre for Mental Health, February 2026); NEWPIP, one of the largest, saw 277 in 2020/21 (NIHR ARC NENC evaluation, May 2021)."),
        new("deprivation", "iod2025", "iod2025 | imd2019",
            "Deprivation vintage for summaries and the deprivation need model.",
            "English Indices of Deprivation 2025 (MHCLG, reissued 13 Nov 2025); IMD 2019 carried from LSOA 2011."),
        new("population", DefaultPopulation, "mid2024 | mid2020",
            "Which infants (ages 0 and 1; age 0 stands in for births) the model counts. mid2024: every district equals ONS's mid-2024 estimate exactly; its LSOAs are estimated (docs/model.md). mid2020: ONS's last LSOA estimates by single year of age, carried to LSOA 2021.",
            "ONS mid-2024 population estimates (MYE2, July 2025) and mid-2024 LSOA totals; ONS mid-2020 LSOA estimates."),
        new("need_weight", "imd", "imd | child_poverty",
            "With need_model=deprivation, what sets the multiplier: imd, the LSOA's IMD decile (see gradient); child_poverty, its district's share of children in relative low income families before housing costs (FYE 2025): 1 + gradient·(rate/England rate − 1), at least 0.1, normalised like the IMD weighting.",
            "DWP Children in low income families: local area statistics (via ONS Explore Local Statistics, March 2026). The gradient is a Cradle assumption."),
        new("uncertain_teams", "include", "include | exclude",
            "Whether register teams whose fit with the Parent-Infant Foundation's definition of a specialised parent-infant relationship team is uncertain (definition_fit=uncertain, e.g. a service for mild to moderate needs, or all under-fives) count as serving their areas.",
            "Cradle register (data/teams/teams.csv), per team with its source."),
        new("evidence_max_age_years", DefaultEvidenceMaxAgeYears, "years (0.5 to 20)",
            "A dated statement that an area has no team (area evidence, confirmed_none) counts while it is at most this old; older ones read as not_known, since teams have been set up since.",
            "Cradle assumption: teams opened in several such areas within three years (Blackpool 2022 → 2023, Nottingham 2021 → 2022, Kent 2023 → 2026)."),
    ];
}
