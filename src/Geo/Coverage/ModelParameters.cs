namespace Cradle.Geo.Coverage;

public enum NeedModel { Flat, Deprivation }

/// <summary>
/// The need and coverage model's parameters. Every default has a source, listed by
/// <see cref="Describe"/> and served at GET /api/model.
/// </summary>
public sealed record ModelParameters(
    NeedModel NeedModel = NeedModel.Flat,
    double NeedRate = ModelParameters.DefaultNeedRate,
    double Gradient = ModelParameters.DefaultGradient,
    double DefaultCapacity = ModelParameters.DefaultTeamCapacity,
    string Deprivation = "iod2025")
{
    public const double DefaultNeedRate = 0.10;
    public const double DefaultGradient = 0.5;
    public const double DefaultTeamCapacity = 100;
    public const double DefaultAnnualCost = 157_000;
    public const double DefaultNewTeamCapacity = 150;

    public static readonly string[] DeprivationVintages = ["iod2025", "imd2019"];

    /// <summary>The need multiplier for an LSOA of IMD decile d, before normalisation: 1 + g·(5.5 − d)/4.5.</summary>
    public double Multiplier(int decile) =>
        NeedModel == NeedModel.Flat || decile is < 1 or > 10 ? 1.0 : 1.0 + Gradient * (5.5 - decile) / 4.5;

    public sealed record ParameterInfo(string Name, object Default, string Unit, string Description, string Source);

    public static IReadOnlyList<ParameterInfo> Describe() =>
    [
        new("need_rate", DefaultNeedRate, "share of the annual birth cohort",
            "Families a year needing a specialised parent-infant relationship service: this share of births (age-0 population stands in for births).",
            "\"At least 1 in 10 babies\" are at risk of disorganised attachment: DHSC Start for Life guidance, cited by the Parent-Infant Foundation."),
        new("need_model", "flat", "flat | deprivation",
            "flat: the same rate everywhere. deprivation: the rate rises in deprived LSOAs and falls in the least deprived, normalised so that the England total is unchanged.",
            "Difficulties grow with adversity (low income, parental substance use): Cradle brief. The gradient is an assumption, not a published figure."),
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
            "Default capacity of a new team in the planner.",
            "NEWPIP saw 277 families in 2020/21 (NIHR ARC NENC evaluation, May 2021); 150 is a mid-sized team."),
        new("deprivation", "iod2025", "iod2025 | imd2019",
            "Deprivation vintage for summaries and the deprivation need model.",
            "English Indices of Deprivation 2025 (MHCLG, reissued 13 Nov 2025); IMD 2019 carried from LSOA 2011."),
    ];
}
