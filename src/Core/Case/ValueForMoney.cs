namespace Cradle.Core.Case;

/// <summary>An indicative range: low ≤ central ≤ high.</summary>
public sealed record Range(double Low, double Central, double High)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsOrdered => Low <= Central && Central <= High;
    public Range Map(Func<double, double> f) => new(f(Low), f(Central), f(High));
}

/// <summary>
/// The benefit side of a case: the lifetime value of supporting one family, as a low, central
/// and high figure, each from a published source. Indicative: none of the sources evaluates a
/// particular team, and the central figure's method is not published in what we could read.
/// </summary>
public sealed record BenefitParameters(double Low = BenefitParameters.DefaultLow, double Central = BenefitParameters.DefaultCentral,
    double High = BenefitParameters.DefaultHigh)
{
    public const double DefaultLow = 8_400;
    public const double DefaultCentral = 40_000;
    public const double DefaultHigh = 75_728;

    public Range PerFamily => new(Low, Central, High);

    /// <param name="Derived">Cradle's arithmetic on published figures, not a figure any source publishes.</param>
    public sealed record Source(string Parameter, double Default, string Says, string Url, string Verified, bool Derived = false);

    public static readonly IReadOnlyList<Source> Sources =
    [
        new("benefit_per_family_low", DefaultLow,
            "The public sector's share of the central figure: of the £8.1bn lifetime cost of perinatal mental health problems per one-year UK birth cohort, £1.7bn falls on the public sector (Bauer, Parsonage, Knapp, Iemmi and Adelaja, LSE and Centre for Mental Health, October 2014); £40,000 × 1.7 / 8.1 ≈ £8,400. Counts only what public budgets would save.",
            "http://www.pssru.ac.uk/publications/pub-4866/", "both figures seen in the report's summary; the product is Cradle's", Derived: true),
        new("benefit_per_family_central", DefaultCentral,
            "Over £40,000 of lifetime value per child supported by a specialised parent-infant relationship team (Centre for Mental Health, Why babies' first relationships matter, Blissett, Turner and Round, February 2026). Used per family, as the report does when it values reaching 28,800 families a year at over £1.15bn a year (one child per family).",
            "http://www.centreformentalhealth.org.uk/publications/why-babies-first-relationships-matter", "seen in the report's page and the Parent-Infant Foundation's of 9 February 2026; the method is not published in what we could read"),
        new("benefit_per_family_high", DefaultHigh,
            "The present value of the lifetime cost, to mother and child, of one case of perinatal depression: £75,728 (Bauer, Knapp and Parsonage, Journal of Affective Disorders 192 (2016) 83–90). An upper bound: no service averts all of it.",
            "https://www.researchgate.net/publication/288664748_Lifetime_costs_of_perinatal_anxiety_and_depression", "seen in the paper's abstract"),
    ];

    public const string Caveat = "Indicative: the benefit per family is a published national estimate of lifetime value, not an evaluation of any team; costs and benefits fall over different budgets and years, and benefits are not discounted here beyond what the sources did.";
}

/// <summary>An official unit cost of an adverse outcome a team may prevent, with its price base and source.</summary>
/// <param name="Derived">Cradle's arithmetic on published figures, not a figure any source publishes.</param>
/// <param name="Bearer">Who bears the cost: the public sector (a council) or society as a whole.</param>
public sealed record UnitCost(string Id, string Outcome, double Gbp, string PriceBase, string Bearer, string Says, string Url, string Verified, bool Derived);

/// <summary>How many of an outcome the team must prevent each year to pay for its annual cost.</summary>
public sealed record BreakEven(string UnitCostId, string Outcome, double UnitCostGbp, string PriceBase, double OutcomesPerYear, string Source, bool Derived);

public static class UnitCosts
{
    public static readonly UnitCost ChildLookedAfterYear = new("child_looked_after_year", "a child looked after by a council for a year",
        96_900, "2023–24, cash", "the public sector (councils)",
        "Councils in England spent £8.1 billion (gross) on services for children looked after in 2023–24 (section 251 outturn, as given in a written parliamentary answer of 20 March 2025), and 83,630 children were looked after at 31 March 2024 (DfE, Children looked after in England including adoptions, 2024): about £96,900 a child a year. It includes adoption, special guardianship and care leavers' services, so it somewhat overstates a placement's cost.",
        "https://explore-education-statistics.service.gov.uk/find-statistics/children-looked-after-in-england-including-adoptions/2024",
        "both figures seen in stored copies of the sources (December 2026); the division is Cradle's", Derived: true);

    public static readonly UnitCost PerinatalDepressionCase = new("perinatal_depression_case", "a case of perinatal depression (lifetime cost, mother and child)",
        75_728, "the paper's price base (not verified here)", "society as a whole (almost a fifth falls on the public sector)",
        "The present value of the lifetime cost of one case of perinatal depression, to mother and child: £75,728 (Bauer, Knapp and Parsonage, Journal of Affective Disorders 192 (2016) 83–90); almost a fifth of such costs fall on the public sector.",
        "https://www.researchgate.net/publication/288664748_Lifetime_costs_of_perinatal_anxiety_and_depression",
        "seen in the paper's abstract (December 2026)", Derived: false);

    public static readonly IReadOnlyList<UnitCost> All = [ChildLookedAfterYear, PerinatalDepressionCase];
}

/// <summary>
/// What a scenario or plan buys, as a finance director checks it: annual cost, extra families
/// reached, cost per family, and break-even against official unit costs. The lifetime benefit and
/// benefit–cost ratio are a national campaign estimate, kept second and marked indicative.
/// </summary>
public sealed record ValueForMoney(
    bool Indicative, double AnnualCost, double ExtraFamiliesReached, double? CostPerFamily,
    Range BenefitPerFamily, Range LifetimeBenefit, Range? BenefitCostRatio, string Method, string Caveat,
    IReadOnlyList<BreakEven> BreakEven)
{
    public const string MethodText = "Cost per family = annual_cost ÷ extra_families_reached. Break-even: annual_cost ÷ the unit cost of an outcome = how many such outcomes the teams must prevent each year to pay for themselves. Indicative, secondary: lifetime_benefit = extra_families_reached × benefit_per_family (a national estimate, not an evaluated return); benefit_cost_ratio = lifetime_benefit ÷ annual_cost.";

    /// <summary>The break-even against one unit cost; null where there is no cost to pay for.</summary>
    public BreakEven? BreakEvenFor(UnitCost u) => BreakEven.FirstOrDefault(b => b.UnitCostId == u.Id);

    public static ValueForMoney Of(double annualCost, double extraFamilies, BenefitParameters b)
    {
        extraFamilies = Math.Max(0, extraFamilies);
        var lifetime = b.PerFamily.Map(v => Math.Round(v * extraFamilies, 0));
        Range? ratio = annualCost > 0 ? b.PerFamily.Map(v => Math.Round(v * extraFamilies / annualCost, 2)) : null;
        var breakEven = annualCost > 0
            ? UnitCosts.All.Select(u => new BreakEven(u.Id, u.Outcome, u.Gbp, u.PriceBase, Math.Round(annualCost / u.Gbp, 2), u.Url, u.Derived)).ToList()
            : [];
        return new(true, annualCost, Math.Round(extraFamilies, 2), extraFamilies > 1e-9 && annualCost > 0 ? Math.Round(annualCost / extraFamilies, 0) : null,
            b.PerFamily, lifetime, ratio, MethodText, BenefitParameters.Caveat, breakEven);
    }
}
