using Cradle.Api.Infrastructure;
using Cradle.Core.Case;
using Cradle.Core.Coverage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cradle.Api.Model;

public sealed record ModelOut(
    long DataVersion, IReadOnlyList<string> Levels, IReadOnlyList<ModelParameters.ParameterInfo> Parameters,
    IReadOnlyList<string> Method, int TeamsInRegister, int ActiveTeams, int CapacityAssumed, DateOnly? RegisterLastChecked,
    IReadOnlyList<ModelParameters.PublishedTeamCount> FoundationCounts,
    /// <summary>Indicative value for money: the lifetime benefit per family reached, low/central/high, each with its source.</summary>
    ValueForMoneyModel ValueForMoney);

/// <summary>Value for money: the unit costs break-even is measured against, then the indicative lifetime benefit per family, each with its source.</summary>
public sealed record ValueForMoneyModel(bool Indicative, IReadOnlyList<BenefitParameters.Source> Parameters, string Method, string Caveat,
    IReadOnlyList<UnitCost> UnitCosts, PlausibleTeam PlausibleTeam);

/// <summary>The published ranges scenarios and plans are checked against (warnings, never refusals).</summary>
public sealed record PlausibleTeam(double AverageFamiliesLow, double AverageFamiliesHigh, double SmallestTeam, double LargestTeam, string FamiliesSource,
    double CostPerFamilyLow, double CostPerFamilyHigh, string CostSource);

public static class ModelEndpoints
{
    public static void MapModel(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/model", Get).AllowQuery().WithTags("Model")
            .WithSummary("The need and coverage model: its parameters, their defaults and their sources");

    static async Task<Ok<ModelOut>> Get(ModelStore store, CancellationToken ct)
    {
        var s = await store.SnapshotAsync(ct);
        var active = s.Teams.Where(t => t.IsActive).ToList();
        return TypedResults.Ok(new ModelOut(s.DataVersion, Cradle.Core.Catalog.AreaLevels.Ids(), ModelParameters.Describe(),
        [
            "Infants: population aged 0 and 1 per LSOA 2021; age 0 stands in for annual births. By default ONS mid-2024: each district exactly as ONS publishes it, its LSOAs estimated from their mid-2020 age structure and mid-2024 totals (docs/model.md); population=mid2020 uses ONS's mid-2020 LSOA 2011 estimates carried to LSOA 2021.",
            "Need (families a year; incidence per birth cohort) per LSOA, by default (need_model=risk) = births × (p0 + s × (p1 − p0)): s is the LSOA's share of people in income-deprived families (IoD 2025 Income domain score), standing for the share of its infants at high psychosocial risk; the odds of p1 are risk_odds_ratio (5.0, Skovgaard et al. 2007) times those of p0; p0 is set so that England's need = need_rate × England's births. Low and high figures are the same model calibrated to 8% and 15%. need_model=flat: need_rate × births everywhere; need_model=deprivation: × a multiplier by IMD decile or district child poverty (gradient, an assumption), normalised so England's total is unchanged.",
            "A team serves the LSOAs of its service area (districts, upper-tier councils, wards or LSOAs); only teams with status 'active' count, and with uncertain_teams=exclude not those whose fit with the Parent-Infant Foundation's definition is uncertain. A team being set up (in_development) covers no need.",
            "Capacity: each team's families a year, shared over its service area in proportion to need; teams without a published figure use default_capacity and are flagged capacity_assumed.",
            "Covered need = min(need, allocated capacity) per LSOA; unmet need = need − covered need. Areas sum their LSOAs, so England = Σ regions = Σ districts.",
            "Geographic coverage: the share of an area's infants living where an active team takes referrals. no_team: none do.",
            "team_state: served (an active team in the register reaches most of the area's infants), in_development (a team is being set up), confirmed_none (a dated source, at most evidence_max_age_years old, says there is no team) or not_known (nothing either way); team_state_shares gives the share of infants in each, and unmet_need_in_not_known the unmet need where nothing is known.",
            "gap_rank: 1 = the most unmet need (families a year) among all areas of the level in England.",
            "Every figure is an estimate of the model, not a count of families: need_rate is an indicative share of births, and a team's capacity is what it publishes or default_capacity.",
            "Value for money: cost per family = annual cost ÷ extra families reached; break-even = annual cost ÷ the unit cost of an outcome (a child looked after for a year; a case of perinatal depression), the outcomes a team must prevent each year to pay for itself. The lifetime benefit per family is a national estimate, not an evaluated return, and is shown second.",
        ], s.Teams.Count, active.Count, active.Count(t => t.CapacityFamiliesPerYear is null), s.Teams.Max(t => t.LastChecked),
        ModelParameters.FoundationCounts,
        new ValueForMoneyModel(true, BenefitParameters.Sources, ValueForMoney.MethodText, BenefitParameters.Caveat, UnitCosts.All,
            new PlausibleTeam(Plausibility.AverageFamiliesLow, Plausibility.AverageFamiliesHigh, Plausibility.SmallestTeam, Plausibility.LargestTeam,
                Plausibility.FamiliesSource, Plausibility.CostPerFamilyLow, Plausibility.CostPerFamilyHigh, Plausibility.CostSource))));
    }
}
