namespace Cradle.Core.Case;

/// <summary>A doubt about an input that does not stop the answer: the field it is about, what is doubtful, and the published range behind it.</summary>
public sealed record InputWarning(string Field, string Message, string Source);

/// <summary>
/// Checks a proposed team against what published teams do: families a year and cost per family.
/// Warnings never block an answer; they say what a board would ask.
/// </summary>
public static class Plausibility
{
    /// <summary>About 51 UK teams see 4,400–6,500 families a year: 85–127 a team on average.</summary>
    public const double AverageFamiliesLow = 85, AverageFamiliesHigh = 127;
    /// <summary>Teams see from under 25 to over 300 families a year.</summary>
    public const double SmallestTeam = 25, LargestTeam = 300;
    /// <summary>Published annual costs: LivPIP about £157,000 (first contract), Haringey £265,955 (2025/26).</summary>
    public const double CostLow = 157_000, CostHigh = 265_955;
    /// <summary>Cost per family from those: £157,000 ÷ 127 and £265,955 ÷ 85 (Cradle's arithmetic on published figures).</summary>
    public static readonly double CostPerFamilyLow = Math.Round(CostLow / AverageFamiliesHigh, 0), CostPerFamilyHigh = Math.Round(CostHigh / AverageFamiliesLow, 0);

    public const string FamiliesSource = "Centre for Mental Health, Why babies' first relationships matter (February 2026): about 51 UK teams see 4,400–6,500 families a year, 85–127 a team; Parent-Infant Foundation (2025, via the Royal College of Midwives, 18 June 2025): from under 25 to over 300 a team.";
    public const string CostSource = "Cradle's arithmetic on published figures: LivPIP about £157,000 a year (£470,000 for 3 years, HSJ and CYP Now) ÷ 127 families, and Haringey's £265,955 a year (2025/26, data/teams/teams.csv) ÷ 85 families; teams' average throughput from the Centre for Mental Health (February 2026).";

    /// <summary>Warnings about one proposed team; <paramref name="field"/> prefixes the field names (e.g. "teams[0].").</summary>
    /// <param name="needInArea">The need (families a year) in the team's area, if known; <paramref name="unmetInArea"/> its unmet need before the team.</param>
    public static List<InputWarning> Team(string field, double capacity, double annualCost, double? needInArea = null, double? unmetInArea = null)
    {
        var w = new List<InputWarning>();
        string c = field + "capacity_families_per_year", a = field + "annual_cost";
        if (capacity > LargestTeam)
            w.Add(new(c, $"{capacity:N0} families a year is more than any published team sees (up to a little over {LargestTeam:N0}); check the staffing behind it.", FamiliesSource));
        else if (capacity > AverageFamiliesHigh)
            w.Add(new(c, $"{capacity:N0} families a year is above the published average of {AverageFamiliesLow:N0}–{AverageFamiliesHigh:N0} a team; only the largest teams see more (NEWPIP saw 277 in 2020/21).", FamiliesSource));
        else if (capacity > 0 && capacity < SmallestTeam)
            w.Add(new(c, $"{capacity:N0} families a year is below the smallest published teams (under {SmallestTeam:N0}).", FamiliesSource));
        if (capacity > 0 && annualCost > 0)
        {
            double perFamily = annualCost / capacity;
            if (perFamily < CostPerFamilyLow)
                w.Add(new(a, $"£{perFamily:N0} per family is below the published range of about £{CostPerFamilyLow:N0}–£{CostPerFamilyHigh:N0} (annual cost ÷ families a year): the cost may be too low for the families claimed.", CostSource));
            else if (perFamily > CostPerFamilyHigh)
                w.Add(new(a, $"£{perFamily:N0} per family is above the published range of about £{CostPerFamilyLow:N0}–£{CostPerFamilyHigh:N0} (annual cost ÷ families a year).", CostSource));
        }
        if (needInArea is { } need && capacity > need)
            w.Add(new(field + "areas", $"The team's {capacity:N0} families a year exceed the {need:N0} families a year estimated to need a team in its area: some capacity would go unused; a wider area may suit it.", "Cradle's need model (GET /api/model)."));
        else if (unmetInArea is { } unmet && capacity > unmet)
            w.Add(new(field + "areas", $"The team's {capacity:N0} families a year exceed the area's {unmet:N0} families a year of unmet need: some capacity would duplicate existing teams.", "Cradle's need model and the register's teams (GET /api/model)."));
        return w;
    }
}
