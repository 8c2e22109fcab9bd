using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Cradle.Core.Register;

namespace Cradle.Tests;

/// <summary>
/// The coverage model and planner on a small snapshot built in memory: no PostGIS, milliseconds.
/// Six LSOAs in three districts (A: 1–2, B: 3–4, C: 5–6) of one county; the integration tests
/// check the same rules on the real data.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class ModelUnitTests
{
    static readonly DateOnly Today = new(2026, 12, 1);
    /// <summary>Most rules here are checked on the flat model, whose numbers are easy to follow; the risk model has tests of its own.</summary>
    static readonly ModelParameters Flat = new(NeedModel: NeedModel.Flat);

    internal static Team Team(string id, string status, string[] areas, double? capacity = null, string fit = "meets") =>
        new(id, id, null, status, null, status == "closed" ? new PartialDate(2020) : null, capacity, capacity is null ? null : "https://example.org/x/c",
            null, null, null, null, areas, null, null, null, "https://example.org/x/p", new PartialDate(2025), null, new DateOnly(2026, 11, 1), fit, null);

    /// <summary>The share of people income-deprived per LSOA of <see cref="Tiny"/>.</summary>
    static readonly double[] IncomeRate = [0.40, 0.30, 0.20, 0.15, 0.05, 0.02];

    /// <summary>Births per LSOA 10, 20, 30, 40, 50, 60; infants twice that; deciles 1, 1, 5, 5, 10, 10; income rates <see cref="IncomeRate"/>.</summary>
    internal static ModelSnapshot Tiny(IReadOnlyList<Team> teams, IReadOnlyList<AreaEvidence>? evidence = null)
    {
        string[] lsoa = ["E01000001", "E01000002", "E01000003", "E01000004", "E01000005", "E01000006"];
        string[] ladOf = ["E06000001", "E06000001", "E07000002", "E07000002", "E07000003", "E07000003"];
        double[] births = [10, 20, 30, 40, 50, 60];
        int n = lsoa.Length;
        var levels = new Dictionary<string, LevelAreas>();
        foreach (var spec in AreaLevels.All)
        {
            string[] codeOf = spec.Id switch
            {
                "lsoa" => lsoa,
                "lad" => ladOf,
                "utla" => ladOf.Select(c => c == "E06000001" ? c : "E10000099").ToArray(),
                _ => Enumerable.Repeat(spec.Id == "england" ? "E92000001" : spec.Id + "-1", n).ToArray(),
            };
            var codes = codeOf.Distinct().Order(StringComparer.Ordinal).ToArray();
            levels[spec.Id] = new LevelAreas(spec, codes, codes, codeOf.Select(c => Array.IndexOf(codes, c)).ToArray());
        }
        var infants = births.Select(b => 2 * b).ToArray();
        var levelOf = new Dictionary<string, string>();
        foreach (var (id, l) in levels) foreach (var c in l.Codes) levelOf.TryAdd(c, id);
        return new ModelSnapshot
        {
            DataVersion = 1, LsoaCodes = lsoa,
            Populations = new()
            {
                ["mid2024"] = new(births, infants, births.Select(b => b * 100).ToArray()),
                ["mid2020"] = new(births, infants, births.Select(b => b * 100).ToArray()),
            },
            Population2015 = births.Select(b => b * 100).ToArray(),
            ChildPoverty = [],
            Evidence = evidence ?? [],
            Levels = levels,
            Deprivation = new()
            {
                [("iod2025", "imd")] = new MeasureValues(Enumerable.Repeat(double.NaN, n).ToArray(), [1, 2, 3, 4, 5, 6], [1, 1, 5, 5, 10, 10]),
                [("iod2025", "income")] = new MeasureValues(IncomeRate, [1, 2, 3, 4, 5, 6], [1, 1, 5, 5, 10, 10]),
            },
            Parents = ModelSnapshot.ParentShares(levels, infants),
            WardLsoas = new() { ["E05000001"] = [0] }, WardNames = [],
            LadNeighbours = new() { ["E06000001"] = ["E07000002"], ["E07000002"] = ["E06000001", "E07000003"], ["E07000003"] = ["E07000002"] },
            Teams = teams,
            AreaLevelOfCode = levelOf,
        };
    }

    static CoverageRun Run(ModelSnapshot s, ModelParameters? p = null)
    {
        p ??= Flat;
        return CoverageModel.Run(s, CoverageModel.ActiveTeams(s, p), p, asOf: Today);
    }

    [Fact]
    public void Capacity_is_shared_in_proportion_to_need_and_covers_at_most_the_need()
    {
        // District B's need: 3 and 4 families; a team of 14 gives 6 and 8, covering 3 and 4.
        var run = Run(Tiny([Team("b", "active", ["E07000002"], 14)]));
        Assert.Equal([0, 0, 6, 8, 0, 0], run.Capacity);
        Assert.Equal([0, 0, 3, 4, 0, 0], run.Covered);
        var lads = CoverageModel.Aggregate(run, "lad").ToDictionary(a => a.Code);
        Assert.Equal(7, lads["E07000002"].Covered, 9);
        Assert.Equal(0, lads["E07000002"].Unmet, 9);
        Assert.Equal(3, lads["E06000001"].Unmet, 9);
        // Every level sums its LSOAs: England = Σ districts = Σ upper tier.
        var england = CoverageModel.Aggregate(run, "england").Single();
        Assert.Equal(england.Unmet, lads.Values.Sum(a => a.Unmet), 9);
        Assert.Equal(england.Unmet, CoverageModel.Aggregate(run, "utla").Sum(a => a.Unmet), 9);
        // A small team covers part of the need, shared the same way.
        var small = Run(Tiny([Team("b", "active", ["E07000002"], 3.5)]));
        Assert.Equal(1.5, small.Covered[2], 9);
        Assert.Equal(2.0, small.Covered[3], 9);
    }

    [Fact]
    public void Teams_serve_districts_upper_tier_councils_wards_and_LSOAs()
    {
        var s = Tiny([]);
        Assert.Equal([2, 3, 4, 5], s.Resolve(["E10000099"]).Lsoas);
        Assert.Equal([0], s.Resolve(["E05000001"]).Lsoas);
        Assert.Equal([0, 1, 5], s.Resolve(["E06000001", "E01000006"]).Lsoas);
        Assert.Equal(["E54999999"], s.Resolve(["E54999999"]).Unknown);
        // An ICB is not a team's service area, but area evidence may name one.
        Assert.Equal(["icb-1"], s.Resolve(["icb-1"]).Unknown);
        Assert.Equal(6, s.Resolve(["icb-1"], anyLevel: true).Lsoas.Length);
    }

    [Fact]
    public void Team_states_take_served_then_in_development_then_a_current_none_then_not_known()
    {
        var evidence = new List<AreaEvidence>
        {
            new("E10000099", "confirmed_none", "none", "https://example.org/foi/1", new PartialDate(2025, 3), null, Today, null),
            new("E06000001", "confirmed_none", "none long ago", "https://example.org/foi/2", new PartialDate(2021), null, Today, null),
        };
        var s = Tiny([Team("a1", "active", ["E01000001"]), Team("c", "in_development", ["E07000003"])], evidence);
        var run = Run(s);
        Assert.Equal([TeamState.Served, TeamState.NotKnown, TeamState.ConfirmedNone, TeamState.ConfirmedNone, TeamState.InDevelopment, TeamState.InDevelopment], run.State);
        // The 2021 statement counts if statements up to six years old do.
        var longer = Run(s, new ModelParameters(NeedModel: NeedModel.Flat, EvidenceMaxAgeYears: 6));
        Assert.Equal(TeamState.ConfirmedNone, longer.State[1]);
        // Districts take the state of most of their infants, and say the shares.
        var a = CoverageModel.Aggregate(run, "lad").Single(x => x.Code == "E06000001");
        Assert.Equal(TeamState.NotKnown, a.TeamState); // 40 of 60 infants
        Assert.Equal(1 / 3.0, a.StateShare(TeamState.Served), 9);
        Assert.Equal(2.0, a.UnmetNotKnown, 9); // LSOA 2's need, 2 families
    }

    [Fact]
    public void An_area_without_infants_takes_the_state_of_most_of_its_LSOAs_not_the_first_state()
    {
        var s = Tiny([Team("c", "in_development", ["E07000003"])]);
        // District C's infants estimated as none (as one LSOA's are in the mid-2020 estimates).
        var pop = s.Population("mid2020");
        double[] infants = [.. pop.Infants]; infants[4] = infants[5] = 0;
        s.Populations["mid2020"] = pop with { Infants = infants };
        var run = Run(s, new ModelParameters(NeedModel: NeedModel.Flat, Population: "mid2020"));
        var c = CoverageModel.Aggregate(run, "lad").Single(x => x.Code == "E07000003");
        Assert.Equal(0, c.Infants);
        Assert.Equal(TeamState.InDevelopment, c.TeamState);
        var nothing = CoverageModel.Aggregate(Run(s, new ModelParameters(NeedModel: NeedModel.Flat, Population: "mid2020")), "lad").Single(x => x.Code == "E06000001");
        Assert.Equal(TeamState.NotKnown, nothing.TeamState);
    }

    [Fact]
    public void Child_poverty_weighting_is_neutral_where_either_rate_is_unknown()
    {
        var p = new ModelParameters(NeedModel: NeedModel.Deprivation, NeedWeight: NeedWeight.ChildPoverty);
        Assert.Equal(1.0, p.ChildPovertyMultiplier(double.NaN, 20));
        Assert.Equal(1.0, p.ChildPovertyMultiplier(30, double.NaN));
        Assert.Equal(1.0, p.ChildPovertyMultiplier(30, 0));
        Assert.True(p.ChildPovertyMultiplier(30, 20) > 1.0);
    }

    [Fact]
    public void Closed_and_unknown_teams_serve_nobody_and_uncertain_ones_can_be_left_out()
    {
        var s = Tiny([Team("x", "closed", ["E06000001"], 50), Team("y", "unknown", ["E07000002"], 50), Team("z", "active", ["E07000003"], 50, fit: "uncertain")]);
        Assert.Equal([false, false, false, false, true, true], Run(s).Reached);
        var strict = Run(s, new ModelParameters(NeedModel: NeedModel.Flat, IncludeUncertainTeams: false));
        Assert.All(strict.Reached, r => Assert.False(r));
        Assert.All(strict.State, st => Assert.Equal(TeamState.NotKnown, st));
    }

    [Fact]
    public void The_deprivation_model_moves_need_to_deprived_LSOAs_and_keeps_the_total()
    {
        var s = Tiny([]);
        var flat = CoverageModel.Need(s, Flat);
        var weighted = CoverageModel.Need(s, new ModelParameters(NeedModel: NeedModel.Deprivation));
        Assert.Equal(flat.Sum(), weighted.Sum(), 9);
        Assert.True(weighted[0] / flat[0] > weighted[2] / flat[2]);
        Assert.True(weighted[2] / flat[2] > weighted[4] / flat[4]);
    }

    [Fact]
    public void The_risk_model_is_calibrated_to_the_national_rate_and_follows_income_deprivation()
    {
        var s = Tiny([]);
        var p = new ModelParameters();
        Assert.Equal(NeedModel.Risk, p.NeedModel);
        var need = CoverageModel.Need(s, p);
        double births = 10 + 20 + 30 + 40 + 50 + 60;
        Assert.Equal(0.10 * births, need.Sum(), 6);
        // Each LSOA's rate is p0 + s × (p1 − p0), with odds(p1) = 5 × odds(p0).
        var (p0, p1) = CoverageModel.RiskRates(s, p)!.Value;
        Assert.Equal(5.0, p1 / (1 - p1) / (p0 / (1 - p0)), 9);
        double[] b = [10, 20, 30, 40, 50, 60];
        for (int i = 0; i < 6; i++) Assert.Equal(b[i] * (p0 + IncomeRate[i] * (p1 - p0)), need[i], 9);
        // The rate per birth falls as income deprivation falls.
        var rate = need.Select((x, i) => x / b[i]).ToArray();
        for (int i = 1; i < 6; i++) Assert.True(rate[i] < rate[i - 1], $"LSOA {i}: {rate[i]} not below {rate[i - 1]}");
        // An odds ratio of 1 is the flat model.
        var even = CoverageModel.Need(s, p with { RiskOddsRatio = 1 });
        for (int i = 0; i < 6; i++) Assert.Equal(b[i] * 0.10, even[i], 9);
        // The low and high figures are calibrated to 8% and 15%.
        var range = CoverageModel.Range(s, p);
        Assert.Equal(0.08 * births, range.Low.Sum(), 6);
        Assert.Equal(0.15 * births, range.High.Sum(), 6);
    }

    [Fact]
    public void Unmet_need_low_and_high_use_the_central_share_of_capacity()
    {
        // The flat model, by hand: A's LSOAs have births 10 and 20; a team of 4 families a year is shared 1 : 2 by need
        // (1.333 and 2.667). Need at 8%: 0.8 and 1.6, both under their capacity, so unmet low is 0. At 15%: 1.5 and 3.0,
        // so unmet high is (1.5 − 1.333) + (3.0 − 2.667) = 0.5. Central (10%): 1 and 2, all covered.
        var s = Tiny([Team("t", "active", ["E06000001"], capacity: 4)]);
        var a = CoverageModel.Aggregate(Run(s), "lad").Single(x => x.Code == "E06000001");
        Assert.Equal(3.0, a.Need, 9);
        Assert.Equal(0.0, a.Unmet, 9);
        Assert.Equal(2.4, a.Range.NeedLow, 9);
        Assert.Equal(4.5, a.Range.NeedHigh, 9);
        Assert.Equal(0.0, a.Range.UnmetLow, 9);
        Assert.Equal(0.5, a.Range.UnmetHigh, 9);
    }

    [Fact]
    public void An_area_partly_inside_another_counts_its_part_and_the_parts_add_up()
    {
        var s = Tiny([]);
        var run = Run(s, new ModelParameters());
        // Inside: LSOAs 1–3, that is all of A and half of B.
        var inside = new[] { true, true, true, false, false, false };
        var parts = CoverageModel.Aggregate(run, "lad", inside);
        var a = parts.Single(x => x.Code == "E06000001");
        var b = parts.Single(x => x.Code == "E07000002");
        Assert.False(a.Partial);
        Assert.True(b.Partial);
        Assert.Equal(60.0 / (60 + 80), b.InsideShare, 9);
        Assert.Equal(run.Need[0] + run.Need[1] + run.Need[2], a.Need + b.Need, 9);
    }

    [Fact]
    public void The_planner_takes_the_largest_gain_first_and_never_overlaps()
    {
        var s = Tiny([]);
        var run = Run(s);
        var candidates = Planner.Candidates(s, 2);
        Assert.Contains(candidates, c => c.Lads.SequenceEqual(["E06000001", "E07000002"]));
        Assert.DoesNotContain(candidates, c => c.Lads.SequenceEqual(["E06000001", "E07000003"])); // not neighbours
        var weights = Planner.Weights(s, Flat, false);
        var picks = Planner.Greedy(run, candidates, 2, 10, weights);
        // A team of 10 can cover all of C's 11 families but 1; B's 7; the pair A+B's 10.
        Assert.Equal(10, picks[0].Gain, 9);
        Assert.Equal(2, picks.Count);
        Assert.Empty(picks[0].Candidate.Lads.Intersect(picks[1].Candidate.Lads));
        // Greedy equals the best pair found by brute force on this instance.
        double best = candidates.SelectMany((a, i) => candidates.Skip(i + 1), (a, b) => (a, b))
            .Where(x => !x.a.Lads.Intersect(x.b.Lads).Any())
            .Max(x => Planner.Value(run, [x.a, x.b], 10, weights));
        Assert.Equal(best, picks.Sum(p => p.Gain), 9);
        // Every family it gains is where nothing is known (no team, no evidence).
        Assert.Equal(picks[0].Gain, picks[0].GainNotKnown, 9);
        var counties = Planner.UpperTierCandidates(s);
        Assert.Equal(2, counties.Count);
        Assert.Equal(["E07000002", "E07000003"], counties.Single(c => c.Lads.Length == 2).Lads);
    }
}
