using Cradle.Api.Infrastructure;
using Cradle.Geo.Case;
using Cradle.Geo.Coverage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cradle.Api.Model;

public sealed record ModelOut(
    long DataVersion, IReadOnlyList<string> Levels, IReadOnlyList<ModelParameters.ParameterInfo> Parameters,
    IReadOnlyList<string> Method, int TeamsInRegister, int ActiveTeams, int CapacityAssumed, DateOnly? RegisterLastVerified,
    IReadOnlyList<ModelParameters.PublishedTeamCount> FoundationCounts,
    /// <summary>Indicative value for money: the lifetime benefit per family reached, low/central/high, each with its source.</summary>
    ValueForMoneyModel ValueForMoney);

public sealed record ValueForMoneyModel(bool Indicative, IReadOnlyList<BenefitParameters.Source> Parameters, string Method, string Caveat);

public static class ModelEndpoints
{
    public static void MapModel(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/model", Get).AllowQuery().WithTags("Model")
            .WithSummary("The need and coverage model: its parameters, their defaults and their sources");

    static async Task<Ok<ModelOut>> Get(ModelStore store, CancellationToken ct)
    {
        var s = await store.SnapshotAsync(ct);
        var active = s.Teams.Where(t => t.IsActive).ToList();
        return TypedResults.Ok(new ModelOut(s.DataVersion, Cradle.Geo.Catalog.AreaLevels.Ids(), ModelParameters.Describe(),
        [
            "Infants: population aged 0 and 1 per LSOA 2021; age 0 stands in for annual births. By default ONS mid-2024: each district exactly as ONS publishes it, its LSOAs estimated from their mid-2020 age structure and mid-2024 totals (docs/model.md); population=mid2020 uses ONS's mid-2020 LSOA 2011 estimates carried to LSOA 2021.",
            "Need (families a year) = need_rate × births per LSOA; with need_model=deprivation, × a multiplier, normalised so England's total is unchanged: by the LSOA's IMD decile (need_weight=imd, default) or by its district's child poverty rate against England's (need_weight=child_poverty, DWP before housing costs; 1 + gradient × (rate ÷ England − 1)).",
            "A team serves the LSOAs of its service area (districts, upper-tier councils, wards or LSOAs); only teams with status 'active' count, and with uncertain_teams=exclude not those whose fit with the Parent-Infant Foundation's definition is uncertain. A team being set up (in_development) covers no need.",
            "Capacity: each team's families a year, shared over its service area in proportion to need; teams without a published figure use default_capacity and are flagged capacity_assumed.",
            "Covered need = min(need, allocated capacity) per LSOA; unmet need = need − covered need. Areas sum their LSOAs, so England = Σ regions = Σ districts.",
            "Geographic coverage: the share of an area's infants living where an active team takes referrals. no_team: none do.",
            "team_state: served (an active team in the register reaches most of the area's infants), in_development (a team is being set up), confirmed_none (a dated source, at most evidence_max_age_years old, says there is no team) or not_known (nothing either way); team_state_shares gives the share of infants in each, and unmet_need_in_not_known the unmet need where nothing is known.",
            "gap_rank: 1 = the most unmet need (families a year) among all areas of the level in England.",
            "Every figure is an estimate of the model, not a count of families: need_rate is an indicative share of births, and a team's capacity is what it publishes or default_capacity.",
        ], s.Teams.Count, active.Count, active.Count(t => t.CapacityFamiliesPerYear is null), s.Teams.Max(t => t.LastVerified),
        ModelParameters.FoundationCounts,
        new ValueForMoneyModel(true, BenefitParameters.Sources, ValueForMoney.MethodText, BenefitParameters.Caveat)));
    }
}
