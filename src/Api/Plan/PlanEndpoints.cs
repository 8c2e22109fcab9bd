using System.Diagnostics;
using Cradle.Api.Infrastructure;
using Cradle.Core.Case;
using Cradle.Core.Coverage;
using Microsoft.AspNetCore.Http.HttpResults;
using Cradle.Api.Model;

namespace Cradle.Api.Plan;

public sealed record PlanRequest(int? Teams = null, double? BudgetGbp = null, double? CapacityFamiliesPerYear = null, double? AnnualCost = null, int? MaxGroupSize = null,
    bool? DeprivationWeighted = null, string? Within = null, string? NeedModel = null, double? Gradient = null, string? Deprivation = null,
    string? Population = null, string? NeedWeight = null, string? UncertainTeams = null, double? EvidenceMaxAgeYears = null, string? CandidateLevel = null,
    double? BenefitPerFamilyLow = null, double? BenefitPerFamilyCentral = null, double? BenefitPerFamilyHigh = null, double? RiskOddsRatio = null) : IModelBody;

public sealed record PlanArea(string Code, string Name);

public sealed record PlanPickOut(int Order, string Icb, string IcbName, IReadOnlyList<PlanArea> Areas, double ExtraFamiliesCovered,
    double ObjectiveGain, double UnmetNeedBefore, double UnmetNeedAfter, double ExtraFamiliesInNotKnownAreas, double CumulativeFamiliesCovered,
    double? CostPerFamilyReached, string Reason);

public sealed record PlanResult(long DataVersion, int TeamsRequested, double CapacityFamiliesPerYear, double AnnualCost, int MaxGroupSize,
    bool DeprivationWeighted, int Candidates, string Method, double ExtraFamiliesCovered, double TotalAnnualCost, double? CostPerFamilyReached,
    double UnmetNeedBefore, double UnmetNeedInNotKnownBefore, string TeamStateNote, double Seconds, IReadOnlyList<PlanPickOut> Picks,
    /// <summary>The plan's teams together: cost per family and break-even, then the indicative lifetime benefit as a range.</summary>
    ValueForMoney ValueForMoney,
    /// <summary>Doubts about the inputs (a team's families a year or cost per family outside the published range); they never block the plan.</summary>
    IReadOnlyList<InputWarning> Warnings);

public static class PlanEndpoints
{
    public static void MapPlan(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/plan", Plan).AllowQuery().WithTags("Planner")
            .JsonBodyOf<PlanRequest>("""{"teams": 3, "within": "E54000050", "capacity_families_per_year": 100, "annual_cost": 157000}""")
            .WithSummary("Where should the next N teams (or a budget) go?")
            .WithDescription("Body: {\"teams\": N (1–20) or \"budget_gbp\": B, \"capacity_families_per_year\" (100), \"annual_cost\" (157000), \"max_group_size\" (1–4 neighbouring districts in one ICB, default 3), \"deprivation_weighted\" (false), \"within\" (an area code), \"candidate_level\" (lad: districts and groups of neighbouring districts, default; utla: whole upper-tier councils), \"need_model\", \"gradient\", \"deprivation\", \"benefit_per_family_low\", \"benefit_per_family_central\", \"benefit_per_family_high\"}. Greedy maximum coverage of a monotone submodular objective; new teams do not overlap. warnings: doubts about the team (families a year or cost per family outside the published range; a pick whose need is less than the team's capacity), never blocking.");

    static async Task<Results<Ok<PlanResult>, ProblemHttpResult>> Plan(HttpRequest request, ModelStore store, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (read, problem) = await JsonBody.ReadAsync<PlanRequest>(request);
        if (problem is not null) return problem;
        var body = read!;
        var (p, benefit, pp) = ModelQuery.Parse(body);
        if (pp is not null) return pp;
        var errors = new Dictionary<string, string[]>();
        double capacity = body.CapacityFamiliesPerYear ?? ModelParameters.DefaultNewTeamCapacity;
        double cost = body.AnnualCost ?? ModelParameters.DefaultAnnualCost;
        int groups = body.MaxGroupSize ?? 3;
        if (!double.IsFinite(capacity) || capacity <= 0 || capacity > 100_000) errors["capacity_families_per_year"] = ["must be more than 0 and at most 100,000"];
        if (!double.IsFinite(cost) || cost < 0 || cost > 1e9) errors["annual_cost"] = ["must be between 0 and 1,000,000,000"];
        if (groups is < 1 or > 4) errors["max_group_size"] = ["must be 1 to 4 districts"];
        if (body.CandidateLevel is not (null or "lad" or "utla")) errors["candidate_level"] = ["must be lad (districts and groups of neighbouring districts) or utla (whole upper-tier councils)"];
        int n = 0;
        if (body.Teams is not null == body.BudgetGbp is not null) errors["teams"] = ["give either teams (how many) or budget_gbp, not both"];
        else if (body.Teams is { } t)
        {
            if (t is < 1 or > 20) errors["teams"] = ["must be 1 to 20"];
            n = t;
        }
        else if (body.BudgetGbp is { } b)
        {
            if (!double.IsFinite(b) || b <= 0) errors["budget_gbp"] = ["must be a positive amount"];
            else if (cost <= 0) errors["annual_cost"] = ["must be positive to plan by budget"];
            else
            {
                n = (int)Math.Min(20, Math.Floor(b / cost));
                if (n < 1) errors["budget_gbp"] = [$"does not cover one team at {cost:N0} a year"];
            }
        }
        var s = await store.SnapshotAsync(ct);
        Func<string, bool>? include = null;
        if (body.Within is { } within)
        {
            if (!ModelQuery.IsCode(within) || !s.AreaLevelOfCode.TryGetValue(within, out var wl) || wl == "lsoa")
                errors["within"] = [$"'{ModelQuery.Clip(within)}' is not the code of an area of one of {string.Join(", ", Cradle.Core.Catalog.AreaLevels.Ids(l => l.Id != "lsoa"))}"];
            else
            {
                var lad = s.Levels["lad"];
                var inside = s.AreasWithin("lad", within)!.Select(a => lad.Codes[a]).ToHashSet();
                include = inside.Contains;
            }
        }
        if (errors.Count > 0) return ApiProblems.Invalid(errors, "Invalid plan request");

        var baseline = store.Baseline(s, p!);
        var deprived = Planner.Weights(s, p!, deprivationWeighted: true); // also breaks ties
        var weights = body.DeprivationWeighted == true ? deprived : Planner.Weights(s, p!, deprivationWeighted: false);
        var candidates = body.CandidateLevel == "utla" ? Planner.UpperTierCandidates(s, include) : Planner.Candidates(s, groups, include);
        var picks = Planner.Greedy(baseline, candidates, n, capacity, weights, deprived);
        var ladNames = s.Levels["lad"];
        var icbNames = s.Levels["icb"];
        double cumulative = 0;
        var output = picks.Select(pk =>
        {
            cumulative += pk.Gain;
            var areas = pk.Candidate.Lads.Select(c => new PlanArea(c, ladNames.Names[ladNames.Index[c]])).ToList();
            var names = string.Join(", ", areas.Select(a => a.Name));
            var reason = $"The largest gain left: a team of {capacity:N0} families a year for {names} would cover {pk.Gain:N1} more families a year, " +
                         $"cutting unmet need there from {pk.UnmetBefore:N1} to {pk.UnmetAfter:N1}" +
                         (body.DeprivationWeighted == true ? $" (deprivation-weighted gain {pk.ObjectiveGain:N1})." : ".") +
                         (pk.TiedWith > 0 ? $" {pk.TiedWith} other candidates would cover as many families; this one reaches more families in deprived areas." : "");
            return new PlanPickOut(pk.Order, pk.Candidate.Icb, icbNames.Names[icbNames.Index[pk.Candidate.Icb]], areas, Math.Round(pk.Gain, 2),
                Math.Round(pk.ObjectiveGain, 2), Math.Round(pk.UnmetBefore, 2), Math.Round(pk.UnmetAfter, 2),
                Math.Round(pk.GainNotKnown, 2),
                Math.Round(cumulative, 2), pk.Gain > 0 ? Math.Round(cost / pk.Gain, 0) : null, reason);
        }).ToList();
        return TypedResults.Ok(new PlanResult(s.DataVersion, n, capacity, cost, groups, body.DeprivationWeighted ?? false, candidates.Count,
            (body.CandidateLevel == "utla"
                ? "Greedy maximum coverage over whole upper-tier councils (each a candidate for one team), new teams not overlapping. The objective (need met) is monotone submodular, so greedy is within 1 − 1/e of the best set of the same size without the no-overlap rule."
                : "Greedy maximum coverage over single districts and connected groups of neighbouring districts within one ICB, new teams not overlapping. The objective (need met) is monotone submodular, so greedy is within 1 − 1/e of the best set of the same size without the no-overlap rule, and within 1/(k+1) with it (k = max_group_size).")
              + " Ties (common with a flat need model) go to the pick reaching more families in deprived areas.",
            Math.Round(cumulative, 2), cost * picks.Count, cumulative > 0 ? Math.Round(cost * picks.Count / cumulative, 0) : null,
            Math.Round(baseline.Need.Sum() - baseline.Covered.Sum(), 2), Math.Round(baseline.UnmetNotKnown(), 2),
            "The planner works on need: much of the unmet need it targets is where the register knows of no team but no source says there is none (not_known); check local provision before relying on a pick.",
            Math.Round(clock.Elapsed.TotalSeconds, 3), output, ValueForMoney.Of(cost * picks.Count, cumulative, benefit!),
            [
                .. Plausibility.Team("", capacity, cost),
                // A pick whose area needs less than a team's capacity: named by the pick.
                .. picks.SelectMany((pk, k) => Plausibility.Team($"picks[{k}].", capacity, 0, pk.Candidate.Lsoas.Sum(i => baseline.Need[i]), pk.UnmetBefore)
                    .Where(w => w.Field.EndsWith(".areas"))),
            ]));
    }
}
