using System.Text.Json.Serialization;
using Cradle.Api.Infrastructure;
using Cradle.Core.Case;
using Cradle.Core.Coverage;
using Microsoft.AspNetCore.Http.HttpResults;
using Cradle.Api.Model;

namespace Cradle.Api.Scenarios;

public sealed record ScenarioTeam(string? Name = null, string[]? Areas = null, double? CapacityFamiliesPerYear = null, double? AnnualCost = null);

public sealed record ScenarioRequest(ScenarioTeam[]? Teams = null, string[]? Close = null, string? Level = null, string? NeedModel = null, double? Gradient = null, string? Deprivation = null,
    string? Population = null, string? NeedWeight = null, string? UncertainTeams = null, double? EvidenceMaxAgeYears = null,
    double? BenefitPerFamilyLow = null, double? BenefitPerFamilyCentral = null, double? BenefitPerFamilyHigh = null, double? RiskOddsRatio = null,
    string? Within = null) : IModelBody;

public sealed record ScenarioTeamOut(string Name, string[] Areas, double CapacityFamiliesPerYear, double AnnualCost, int Lsoas, double NeedInArea);

public sealed record ScenarioArea(
    string Code, string Name, double NeedFamiliesPerYear,
    double CoveredNeedBefore, double CoveredNeedAfter, double UnmetNeedBefore, double UnmetNeedAfter,
    [property: JsonPropertyName("unmet_need_per_1000_births_before")] double? UnmetNeedPer1000BirthsBefore,
    [property: JsonPropertyName("unmet_need_per_1000_births_after")] double? UnmetNeedPer1000BirthsAfter,
    double GeographicCoverageBefore, double GeographicCoverageAfter, bool NoTeamBefore, bool NoTeamAfter,
    string TeamStateBefore, string TeamStateAfter, IReadOnlyList<string> TeamsBefore, IReadOnlyList<string> TeamsAfter);

public sealed record ScenarioTotals(
    double NeedFamiliesPerYear, double CoveredNeedBefore, double CoveredNeedAfter, double ExtraFamiliesCovered,
    double UnmetNeedBefore, double UnmetNeedAfter, double UnmetNeedInNotKnownBefore, double UnmetNeedInNotKnownAfter,
    double ExtraFamiliesCoveredByNewTeams, double AnnualCostOfNewTeams, double? CostPerExtraFamilyReached,
    /// <summary>Unmet need if need were the low or high national figure (8% or 15% of births), before and after.</summary>
    double UnmetNeedLowBefore, double UnmetNeedLowAfter, double UnmetNeedHighBefore, double UnmetNeedHighAfter);

/// <summary>One area of the commissioner's frame, before and after: its part inside the frame where it is partly inside (partial).</summary>
public sealed record FrameArea(string Code, string Name, string Level, bool Partial, double InsideShare, double NeedFamiliesPerYear,
    double CoveredNeedBefore, double CoveredNeedAfter, double UnmetNeedBefore, double UnmetNeedAfter,
    [property: JsonPropertyName("unmet_need_per_1000_births_before")] double? UnmetNeedPer1000BirthsBefore,
    [property: JsonPropertyName("unmet_need_per_1000_births_after")] double? UnmetNeedPer1000BirthsAfter,
    double UnmetNeedInNotKnownBefore, double UnmetNeedInNotKnownAfter, string TeamStateBefore, string TeamStateAfter,
    double UnmetNeedLowBefore, double UnmetNeedLowAfter, double UnmetNeedHighBefore, double UnmetNeedHighAfter);

/// <summary>
/// The scenario in the commissioner's frame (within=CODE): the area's own before and after, and each
/// district in it (its part inside, for one partly inside), so that the rows add up to the area.
/// </summary>
public sealed record ScenarioFrame(FrameArea Area, IReadOnlyList<FrameArea> Districts);

public sealed record ScenarioResult(long DataVersion, string Level, object NeedModel, IReadOnlyList<ScenarioTeamOut> Teams,
    IReadOnlyList<string> Closed, ScenarioTotals Totals, int AreasAffected, IReadOnlyList<ScenarioArea> Areas,
    /// <summary>What the new teams buy (against the register without the closed teams): cost per family and break-even, then the indicative lifetime benefit as a range.</summary>
    ValueForMoney ValueForMoney,
    /// <summary>Doubts about the inputs (a team's families a year or cost per family outside the published range, a team larger than its area's need); they never block the answer.</summary>
    IReadOnlyList<InputWarning> Warnings,
    /// <summary>With within=CODE, the area's and its districts' before and after; null without.</summary>
    ScenarioFrame? Frame = null);

public static class ScenarioEndpoints
{
    public static void MapScenarios(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/scenarios", Run).AllowQuery().WithTags("Scenarios")
            .JsonBodyOf<ScenarioRequest>("""{"teams": [{"name": "Gateshead and South Tyneside", "areas": ["E08000037", "E08000023"], "capacity_families_per_year": 100, "annual_cost": 157000}], "level": "lad", "within": "E54000050"}""")
            .WithSummary("What if: add hypothetical teams and close existing ones; before and after per affected area, and totals")
            .WithDescription("Stateless. Body: {\"teams\": [{\"name\", \"areas\": [district, upper-tier council, ward or LSOA codes], \"capacity_families_per_year\" (default 100), \"annual_cost\" (default 157000)}], \"close\": [team ids], \"level\": lad (default), \"within\": an area code (optional: its own and its districts' before and after in frame), the model parameters (need_model, risk_odds_ratio, gradient, deprivation, population, …), \"benefit_per_family_low\", \"benefit_per_family_central\", \"benefit_per_family_high\" (GBP; defaults and sources in GET /api/model)}. value_for_money leads with the new teams' annual cost, the extra families they reach, cost per family and break_even (the outcomes they must prevent each year to pay for themselves, against unit costs with their price base and source); then the lifetime benefit and benefit–cost ratio as low/central/high, a national estimate, not an evaluated return. warnings name each doubtful field (families a year or cost per family outside the published range, capacity beyond the area's need); they never block the answer.");

    static async Task<Results<Ok<ScenarioResult>, ProblemHttpResult>> Run(HttpRequest request, ModelStore store, CancellationToken ct)
    {
        var (read, problem) = await JsonBody.ReadAsync<ScenarioRequest>(request);
        if (problem is not null) return problem;
        var body = read!;
        var (p, benefit, pp) = ModelQuery.Parse(body);
        if (pp is not null) return pp;
        if (LevelParameter.Check(body.Level, _ => true) is { } lp) return lp;
        if (Areas.AreaQueries.CheckCode("within", body.Within) is { } wp) return wp;
        var s = await store.SnapshotAsync(ct);
        if (body.Within is { } w && s.HeldCode(w) is null) return ApiProblems.BadParameter("within", $"no area in England has code {w}");
        var (result, errors) = ScenarioEvaluation.Evaluate(store, s, p!, body.Level ?? "lad", body.Teams ?? [], body.Close ?? [], benefit!, body.Within);
        return errors is not null ? ApiProblems.Invalid(errors, "Invalid scenario") : TypedResults.Ok(result!);
    }
}
