using System.Globalization;
using Cradle.Core.Case;
using Cradle.Core.Coverage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cradle.Api.Infrastructure;

/// <summary>Parses and checks the query parameters shared by the model endpoints.</summary>
public static class ModelQuery
{
    /// <summary>The model parameters as given, in a query string or a request body.</summary>
    public sealed record Given(string? NeedModel = null, string? Gradient = null, string? Deprivation = null, string? Population = null,
        string? NeedWeight = null, string? UncertainTeams = null, string? EvidenceMaxAgeYears = null, string? RiskOddsRatio = null);

    static string? Text(double? d) => d?.ToString(CultureInfo.InvariantCulture);

    public static (ModelParameters? Parameters, ProblemHttpResult? Problem) Parse(string? needModel, double? gradient, string? deprivation,
        string? population, string? needWeight, string? uncertainTeams, double? evidenceMaxAgeYears, double? riskOddsRatio) =>
        Parse(new Given(needModel, Text(gradient), deprivation, population, needWeight, uncertainTeams, Text(evidenceMaxAgeYears), Text(riskOddsRatio)));

    public static (ModelParameters? Parameters, ProblemHttpResult? Problem) Parse(Given given)
    {
        var p = new ModelParameters();
        switch (given.NeedModel)
        {
            case null or "risk": break;
            case "flat": p = p with { NeedModel = NeedModel.Flat }; break;
            case "deprivation": p = p with { NeedModel = NeedModel.Deprivation }; break;
            default: return (null, ApiProblems.BadParameter("need_model", $"'{Clip(given.NeedModel)}' is not {string.Join(", ", ModelParameters.NeedModels)}"));
        }
        if (given.RiskOddsRatio is { } odds)
        {
            if (!double.TryParse(odds, NumberStyles.Float, CultureInfo.InvariantCulture, out var or) || !double.IsFinite(or) || or < 1 || or > 20)
                return (null, ApiProblems.BadParameter("risk_odds_ratio", $"'{Clip(odds)}' is not a number from 1 to 20"));
            if (p.NeedModel != NeedModel.Risk) return (null, ApiProblems.BadParameter("risk_odds_ratio", "applies only with need_model=risk"));
            // One decimal is plenty (the source gives 1.6, 5.0 and 16.0), and keeps the cache of model runs small.
            p = p with { RiskOddsRatio = Math.Round(or, 1) };
        }
        if (given.Gradient is { } gradient)
        {
            if (!double.TryParse(gradient, NumberStyles.Float, CultureInfo.InvariantCulture, out var g) || !double.IsFinite(g) || g < 0 || g > 0.9)
                return (null, ApiProblems.BadParameter("gradient", $"'{Clip(gradient)}' is not a number from 0 to 0.9"));
            if (p.NeedModel != NeedModel.Deprivation) return (null, ApiProblems.BadParameter("gradient", "applies only with need_model=deprivation"));
            // Two decimals are plenty, and keep the cache of model runs small.
            p = p with { Gradient = Math.Round(g, 2) };
        }
        if (given.NeedWeight is { } weight)
        {
            if (weight is not ("imd" or "child_poverty")) return (null, ApiProblems.BadParameter("need_weight", $"'{Clip(weight)}' is not imd or child_poverty"));
            if (p.NeedModel != NeedModel.Deprivation) return (null, ApiProblems.BadParameter("need_weight", "applies only with need_model=deprivation"));
            p = p with { NeedWeight = weight == "imd" ? NeedWeight.Imd : NeedWeight.ChildPoverty };
        }
        if (given.Deprivation is { } deprivation)
        {
            if (!ModelParameters.DeprivationVintages.Contains(deprivation))
                return (null, ApiProblems.BadParameter("deprivation", $"'{Clip(deprivation)}' is not iod2025 or imd2019"));
            p = p with { Deprivation = deprivation };
        }
        if (given.Population is { } population)
        {
            if (!ModelParameters.Populations.Contains(population))
                return (null, ApiProblems.BadParameter("population", $"'{Clip(population)}' is not {string.Join(" or ", ModelParameters.Populations)}"));
            p = p with { Population = population };
        }
        if (given.UncertainTeams is { } uncertain)
        {
            if (uncertain is not ("include" or "exclude")) return (null, ApiProblems.BadParameter("uncertain_teams", $"'{Clip(uncertain)}' is not include or exclude"));
            p = p with { IncludeUncertainTeams = uncertain == "include" };
        }
        if (given.EvidenceMaxAgeYears is { } age)
        {
            if (!double.TryParse(age, NumberStyles.Float, CultureInfo.InvariantCulture, out var y) || !double.IsFinite(y) || y < 0.5 || y > 20)
                return (null, ApiProblems.BadParameter("evidence_max_age_years", $"'{Clip(age)}' is not a number of years from 0.5 to 20"));
            p = p with { EvidenceMaxAgeYears = Math.Round(y, 1) };
        }
        return (p, null);
    }

    /// <summary>The model's parameters and the benefit per family from a JSON body (a scenario's or a plan's), checked as the query's are.</summary>
    public static (ModelParameters? Parameters, BenefitParameters? Benefit, ProblemHttpResult? Problem) Parse(IModelBody body)
    {
        var (p, problem) = Parse(body.NeedModel, body.Gradient, body.Deprivation, body.Population, body.NeedWeight, body.UncertainTeams, body.EvidenceMaxAgeYears, body.RiskOddsRatio);
        if (problem is not null) return (null, null, problem);
        var (benefit, bp) = ParseBenefit(body.BenefitPerFamilyLow, body.BenefitPerFamilyCentral, body.BenefitPerFamilyHigh);
        return bp is not null ? (null, null, bp) : (p, benefit, null);
    }

    /// <summary>The indicative lifetime benefit per family reached, low, central and high (GBP), as given in a body or query; defaults from <see cref="BenefitParameters"/>.</summary>
    public static (BenefitParameters? Benefit, ProblemHttpResult? Problem) ParseBenefit(double? low, double? central, double? high) =>
        ParseBenefit(Text(low), Text(central), Text(high));

    public static (BenefitParameters? Benefit, ProblemHttpResult? Problem) ParseBenefit(string? low, string? central, string? high)
    {
        var b = new BenefitParameters();
        foreach (var (name, text) in new[] { ("benefit_per_family_low", low), ("benefit_per_family_central", central), ("benefit_per_family_high", high) })
        {
            if (text is null) continue;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) || v < 0 || v > 10_000_000)
                return (null, ApiProblems.BadParameter(name, $"'{Clip(text)}' is not an amount in GBP from 0 to 10,000,000"));
            v = Math.Round(v, 0);
            b = name switch { "benefit_per_family_low" => b with { Low = v }, "benefit_per_family_central" => b with { Central = v }, _ => b with { High = v } };
        }
        // Name a parameter that was given and breaks the order.
        string? culprit = b.Low > b.Central ? (low is not null ? "benefit_per_family_low" : "benefit_per_family_central")
            : b.Central > b.High ? (high is not null ? "benefit_per_family_high" : "benefit_per_family_central") : null;
        if (culprit is not null)
            return (null, ApiProblems.BadParameter(culprit, $"low ≤ central ≤ high is required; got {b.Low:0}, {b.Central:0}, {b.High:0}"));
        return (b, null);
    }

    public static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>
    /// A well-formed area code: a GSS code (E01…, E06…, E54…, E92000001: a letter then eight digits), or the ODS code of a
    /// sub-ICB location of April 2026 that has no ONS code known yet (U2G6B, 92A: three or five letters and digits, with a digit).
    /// </summary>
    public static bool IsCode(string s) =>
        (s.Length == 9 && char.IsAsciiLetterUpper(s[0]) && s.Skip(1).All(char.IsAsciiDigit))
        || (s.Length is 3 or 5 && s.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c)) && s.Any(char.IsAsciiDigit));
}

/// <summary>The model's parameters as a JSON body carries them, beside what a scenario or a plan asks: one set of names, read one way.</summary>
public interface IModelBody
{
    string? NeedModel { get; }
    double? Gradient { get; }
    string? Deprivation { get; }
    string? Population { get; }
    string? NeedWeight { get; }
    string? UncertainTeams { get; }
    double? EvidenceMaxAgeYears { get; }
    double? RiskOddsRatio { get; }
    double? BenefitPerFamilyLow { get; }
    double? BenefitPerFamilyCentral { get; }
    double? BenefitPerFamilyHigh { get; }
}
