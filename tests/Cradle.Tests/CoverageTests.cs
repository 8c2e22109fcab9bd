using System.Net;
using System.Text.Json;
using Cradle.Core.Coverage;
using Cradle.Data.Sources;

namespace Cradle.Tests;

/// <summary>The need and coverage model through the API, on the real data and the seed register.</summary>
[Collection("database")]
public sealed class CoverageTests(DatabaseFixture db)
{
    static JsonElement Area(JsonElement list, string code) => list.GetProperty("areas").EnumerateArray().Single(a => a.GetProperty("code").GetString() == code);

    [Fact]
    public async Task Newcastle_is_served_by_NEWPIP_and_North_Tyneside_has_no_team_known()
    {
        // The flat model, whose arithmetic is the published figures': need_model=flat reproduces it.
        var lads = await db.GetJson("/api/areas?level=lad&need_model=flat");
        var newcastle = Area(lads, "E08000021");
        Assert.Contains(newcastle.GetProperty("teams").EnumerateArray(), t => t.GetProperty("id").GetString() == "newpip");
        Assert.Equal(1.0, newcastle.GetProperty("geographic_coverage").GetDouble());
        Assert.False(newcastle.GetProperty("no_team").GetBoolean());
        Assert.Equal("served", newcastle.GetProperty("team_state").GetString());
        // NEWPIP's published 277 families a year against 10% of Newcastle's 3,050 births (ONS mid-2024).
        Assert.Equal(305.0, newcastle.GetProperty("need_families_per_year").GetDouble(), 1);
        Assert.Equal(277.0, newcastle.GetProperty("covered_need").GetDouble(), 1);
        Assert.Equal(28.0, newcastle.GetProperty("unmet_need").GetDouble(), 1);

        var northTyneside = Area(lads, "E08000022");
        Assert.True(northTyneside.GetProperty("no_team").GetBoolean());
        Assert.Equal(0.0, northTyneside.GetProperty("geographic_coverage").GetDouble());
        Assert.Equal(northTyneside.GetProperty("need_families_per_year").GetDouble(), northTyneside.GetProperty("unmet_need").GetDouble(), 2);
        Assert.Equal(100.0, northTyneside.GetProperty("unmet_need_per_1000_births").GetDouble(), 6);
        // The 2021 statement that the region had one team is older than three years: not known, not "none".
        Assert.Equal("not_known", northTyneside.GetProperty("team_state").GetString());
        Assert.Equal(northTyneside.GetProperty("unmet_need").GetDouble(), northTyneside.GetProperty("unmet_need_in_not_known").GetDouble(), 2);
    }

    [Theory]
    [InlineData("infants_under_2")]
    [InlineData("need_families_per_year")]
    [InlineData("covered_need")]
    [InlineData("unmet_need")]
    public async Task England_equals_the_sum_of_regions_and_of_districts(string field)
    {
        double Sum(JsonElement list) => list.GetProperty("areas").EnumerateArray().Sum(a => a.GetProperty(field).GetDouble());
        var england = (await db.GetJson("/api/areas?level=england")).GetProperty("areas")[0].GetProperty(field).GetDouble();
        var regions = Sum(await db.GetJson("/api/areas?level=region"));
        var districts = Sum(await db.GetJson("/api/areas?level=lad"));
        var icbs = Sum(await db.GetJson("/api/areas?level=icb"));
        // Output is rounded to 0.01 family (0.1 infant) per area: 296 roundings at most.
        Assert.Equal(england, regions, 0);
        Assert.InRange(Math.Abs(england - districts), 0, 296 * 0.05);
        Assert.InRange(Math.Abs(england - icbs), 0, 36 * 0.05);
        Assert.True(england > 0);
    }

    [Fact]
    public async Task England_totals_are_exact_in_the_model()
    {
        var s = await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(db.Db);
        var p = new ModelParameters(); // the risk model, calibrated to need_rate × England's births
        var run = CoverageModel.Run(s, CoverageModel.ActiveTeams(s, p), p, TestEnvironment.Today);
        var england = CoverageModel.Aggregate(run, "england").Single(); // every level sums to it: CatalogTests
        Assert.Equal(573_812 * 0.10, england.Need, 3);
        Assert.Equal(573_812 * 0.08, england.Range.NeedLow, 3);
        Assert.Equal(573_812 * 0.15, england.Range.NeedHigh, 3);
        Assert.Equal(573_812 * 0.10, CoverageModel.Need(s, p with { NeedModel = NeedModel.Flat }).Sum(), 3);
        var mid2020 = CoverageModel.Aggregate(CoverageModel.Run(s, CoverageModel.ActiveTeams(s, p), p with { Population = "mid2020" }, TestEnvironment.Today), "england").Single();
        Assert.Equal(601_913 * 0.10, mid2020.Need, 3);
        // The deprivation model moves need between places, not in total.
        var dep = CoverageModel.Run(s, CoverageModel.ActiveTeams(s, p), p with { NeedModel = NeedModel.Deprivation }, TestEnvironment.Today);
        Assert.Equal(england.Need, dep.Need.Sum(), 6);
    }

    [Fact]
    public async Task The_deprivation_need_model_raises_need_in_deprived_districts_and_keeps_England_total()
    {
        var flat = await db.GetJson("/api/areas?level=lad&need_model=flat");
        var dep = await db.GetJson("/api/areas?level=lad&need_model=deprivation&gradient=0.5");
        Assert.Equal(0.5, dep.GetProperty("need_model").GetProperty("gradient").GetDouble());
        // Middlesbrough (half its LSOAs in decile 1) needs more; Wokingham (least deprived) less.
        Assert.True(Area(dep, "E06000002").GetProperty("need_families_per_year").GetDouble() > Area(flat, "E06000002").GetProperty("need_families_per_year").GetDouble());
        Assert.True(Area(dep, "E06000041").GetProperty("need_families_per_year").GetDouble() < Area(flat, "E06000041").GetProperty("need_families_per_year").GetDouble());
        double Total(JsonElement l) => l.GetProperty("areas").EnumerateArray().Sum(a => a.GetProperty("need_families_per_year").GetDouble());
        Assert.Equal(Total(flat), Total(dep), 0);
    }

    [Fact]
    public async Task The_NENC_ICB_holds_part_of_Cumberland_and_part_of_Westmorland_and_Furness()
    {
        var lads = await db.GetJson("/api/areas?level=lad&within=E54000050");
        foreach (var code in new[] { "E06000063", "E06000064" })
        {
            var area = Area(lads, code);
            var icbs = area.GetProperty("parents").EnumerateArray().Where(p => p.GetProperty("level").GetString() == "icb").ToList();
            Assert.Equal(2, icbs.Count);
            var nenc = icbs.Single(i => i.GetProperty("code").GetString() == "E54000050").GetProperty("infants_share").GetDouble();
            Assert.InRange(nenc, 0.01, 0.99);
            Assert.Equal(1.0, icbs.Sum(i => i.GetProperty("infants_share").GetDouble()), 3);
        }
        // Cumberland is mostly NENC (171 of 177 LSOAs), Westmorland and Furness mostly Lancashire and South Cumbria (36 of 142).
        double Share(string code) => Area(lads, code).GetProperty("parents").EnumerateArray()
            .Single(i => i.GetProperty("code").GetString() == "E54000050").GetProperty("infants_share").GetDouble();
        Assert.True(Share("E06000063") > 0.9);
        Assert.True(Share("E06000064") < 0.4);
        Assert.Contains(lads.GetProperty("areas").EnumerateArray(), a => a.GetProperty("code").GetString() == "E08000021");
        Assert.DoesNotContain(lads.GetProperty("areas").EnumerateArray(), a => a.GetProperty("code").GetString() == "E08000025");
    }

    /// <summary>
    /// The published method, by hand from the raw files: weight LSOA scores and ranks by the ONS
    /// mid-2024 LSOA totals, count deciles, and weight by infants carried from LSOA 2011 to LSOA 2021
    /// (mid-2020, equal shares of splits) for the infant measures.
    /// </summary>
    [Theory]
    [InlineData("E06000002")] // Middlesbrough
    [InlineData("E07000177")] // Cherwell, where the erratum matters
    public async Task A_district_deprivation_summary_matches_a_hand_computation_from_the_raw_files(string lad)
    {
        string F(string p) => Path.Combine(TestEnvironment.DataDir, p);
        using var file1 = new CsvFile(F("imd2025/File_1_IoD2025_Index_of_Multiple_Deprivation.csv.gz"));
        var lsoas = file1.Records().Where(r => r.Cells[2] == lad).Select(r => r.Cells[0]!).ToHashSet();
        using var file7 = new CsvFile(F("imd2025/IoD2025_File7_subset_scores_ranks_deciles_lsoa21.csv.gz"));
        var f7 = file7.Records().Where(r => lsoas.Contains(r.Cells[0]!)).ToDictionary(r => r.Cells[0]!, r => r.Cells);
        int ScoreCol(string h) => file7.Columns.ToList().FindIndex(c => c.StartsWith(h));
        int imdScore = ScoreCol("Index of Multiple Deprivation (IMD) Score"), imdRank = ScoreCol("Index of Multiple Deprivation (IMD) Rank"),
            imdDecile = ScoreCol("Index of Multiple Deprivation (IMD) Decile"), income = ScoreCol("Income Score");
        using var lookup = new CsvFile(F("lookups/lookup_lsoa11_lsoa21_lad22_ew.csv.gz"));
        var links = lookup.Records().Select(r => (L11: r.Cells[0]!, L21: r.Cells[3]!)).ToList();
        var parts = links.GroupBy(l => l.L11).ToDictionary(g => g.Key, g => g.Count());
        using var sape = new CsvFile(F("population/pop_mid2020_sape_lsoa11_single_year_ew.csv.gz"));
        var pop = sape.Records().ToDictionary(r => r.Cells[1]!, r => (All: double.Parse(r.Cells[2]!), Infants: double.Parse(r.Cells[3]!) + double.Parse(r.Cells[4]!)));
        var weight = new Dictionary<string, (double All, double Infants)>();
        foreach (var (l11, l21) in links.Where(l => lsoas.Contains(l.L21)))
        {
            var (all, infants) = pop[l11];
            var w = weight.GetValueOrDefault(l21);
            weight[l21] = (w.All + all / parts[l11], w.Infants + infants / parts[l11]);
        }
        double D(string s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        using var sape24 = new CsvFile(F("population/sape_mid2024_lsoa21_total_imd2025score_bestfit_geogs_en.csv.gz"));
        int totalCol = sape24.Columns.ToList().IndexOf("2024POP");
        var total24 = sape24.Records().Where(r => lsoas.Contains(r.Cells[0]!)).ToDictionary(r => r.Cells[0]!, r => double.Parse(r.Cells[totalCol]!));
        double sw = total24.Values.Sum(), si = weight.Values.Sum(w => w.Infants);
        double meanScore = lsoas.Sum(l => total24[l] * D(f7[l][imdScore]!)) / sw;
        double meanRank = lsoas.Sum(l => total24[l] * D(f7[l][imdRank]!)) / sw;
        double decile1 = lsoas.Count(l => f7[l][imdDecile] == "1") / (double)lsoas.Count;
        double infants12 = lsoas.Where(l => int.Parse(f7[l][imdDecile]!) <= 2).Sum(l => weight[l].Infants) / si;
        double incomeInfants = lsoas.Sum(l => weight[l].Infants * D(f7[l][income]!)) / si;

        var api = (await db.GetJson($"/api/areas/{lad}?population=mid2020")).GetProperty("area").GetProperty("deprivation");
        // The API rounds: scores to 0.001, ranks to 0.1, shares to 0.0001.
        static void Near(double expected, double actual, double tolerance) =>
            Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected}, got {actual}");
        Near(meanScore, api.GetProperty("mean_imd_score").GetDouble(), 0.001);
        Near(meanRank, api.GetProperty("mean_imd_rank").GetDouble(), 0.1);
        Near(decile1, api.GetProperty("share_lsoas_decile1").GetDouble(), 0.0001);
        Near(infants12, api.GetProperty("share_infants_deciles_1_2").GetDouble(), 0.0001);
        Near(incomeInfants, api.GetProperty("mean_income_score_infant_weighted").GetDouble(), 0.0001);
        Assert.Contains("mid-2024", api.GetProperty("weights").GetString());
        Assert.Equal(lsoas.Count, (await db.Scalar<long>("select count(*) from cradle.lsoa where lad_code = @lad", new { lad })));
    }

    [Fact]
    public async Task IMD_2019_summaries_use_the_File_6_weights_and_have_no_scores()
    {
        var d = (await db.GetJson("/api/areas/E08000021?deprivation=imd2019")).GetProperty("area").GetProperty("deprivation");
        Assert.Equal("imd2019", d.GetProperty("vintage").GetString());
        Assert.Contains("mid-2015", d.GetProperty("weights").GetString());
        Assert.Equal(JsonValueKind.Null, d.GetProperty("mean_imd_score").ValueKind);
        // Newcastle had 45 of 175 LSOA 2011 in decile 1 in 2019; carried to 180 LSOA 2021 the share stays near 26%.
        Assert.InRange(d.GetProperty("share_lsoas_decile1").GetDouble(), 0.24, 0.28);
    }

    [Fact]
    public async Task A_scenario_team_for_Sunderland_lowers_only_Sunderlands_unmet_need()
    {
        var (status, body) = await db.Send(HttpMethod.Post, "/api/scenarios",
            """{"teams":[{"name":"Sunderland PIP","areas":["E08000024"],"capacity_families_per_year":150,"annual_cost":160000}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var areas = body.GetProperty("areas").EnumerateArray().ToList();
        var sunderland = Assert.Single(areas);
        Assert.Equal("E08000024", sunderland.GetProperty("code").GetString());
        Assert.True(sunderland.GetProperty("unmet_need_after").GetDouble() < sunderland.GetProperty("unmet_need_before").GetDouble());
        Assert.Equal(150, sunderland.GetProperty("unmet_need_before").GetDouble() - sunderland.GetProperty("unmet_need_after").GetDouble(), 1);
        Assert.True(sunderland.GetProperty("no_team_before").GetBoolean());
        Assert.False(sunderland.GetProperty("no_team_after").GetBoolean());
        Assert.Equal("not_known", sunderland.GetProperty("team_state_before").GetString());
        Assert.Equal("served", sunderland.GetProperty("team_state_after").GetString());
        var totals = body.GetProperty("totals");
        Assert.Equal(150, totals.GetProperty("extra_families_covered").GetDouble(), 1);
        Assert.Equal(160_000 / 150.0, totals.GetProperty("cost_per_extra_family_reached").GetDouble(), 0);
    }

    /// <summary>A team with no capacity reaches no one: Sunderland stays not known, with its unmet need as it was.</summary>
    [Fact]
    public async Task A_scenario_team_of_capacity_0_leaves_an_area_not_known()
    {
        var (status, body) = await db.Send(HttpMethod.Post, "/api/scenarios",
            """{"teams":[{"name":"Nothing yet","areas":["E08000024"],"capacity_families_per_year":0,"annual_cost":0}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var area in body.GetProperty("areas").EnumerateArray())
        {
            Assert.Equal(area.GetProperty("team_state_before").GetString(), area.GetProperty("team_state_after").GetString());
            Assert.Equal(area.GetProperty("unmet_need_before").GetDouble(), area.GetProperty("unmet_need_after").GetDouble(), 6);
            Assert.True(area.GetProperty("no_team_after").GetBoolean());
        }
        Assert.Equal(0, body.GetProperty("totals").GetProperty("unmet_need_before").GetDouble() - body.GetProperty("totals").GetProperty("unmet_need_after").GetDouble(), 6);
    }

    [Fact]
    public async Task Closing_NEWPIP_in_a_scenario_raises_Newcastles_unmet_need()
    {
        var (status, body) = await db.Send(HttpMethod.Post, "/api/scenarios", """{"close":["newpip"],"level":"lad"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var newcastle = Assert.Single(body.GetProperty("areas").EnumerateArray());
        Assert.Equal("E08000021", newcastle.GetProperty("code").GetString());
        Assert.Equal(277, newcastle.GetProperty("unmet_need_after").GetDouble() - newcastle.GetProperty("unmet_need_before").GetDouble(), 1);
        Assert.True(newcastle.GetProperty("no_team_after").GetBoolean());
        Assert.Equal("not_known", newcastle.GetProperty("team_state_after").GetString());
        var totals = body.GetProperty("totals");
        Assert.True(totals.GetProperty("unmet_need_in_not_known_after").GetDouble() > totals.GetProperty("unmet_need_in_not_known_before").GetDouble());
        Assert.Equal(-277, body.GetProperty("totals").GetProperty("extra_families_covered").GetDouble(), 1);
    }

    [Fact]
    public async Task Replacing_a_closed_team_prices_the_new_team_by_what_it_covers_not_by_the_net_change()
    {
        // NEWPIP (277 a year) closes and a smaller team of 150 replaces it: 127 fewer families net, but the new team reaches 150.
        var (status, body) = await db.Send(HttpMethod.Post, "/api/scenarios",
            """{"close":["newpip"],"teams":[{"areas":["E08000021"],"capacity_families_per_year":150,"annual_cost":157000}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var totals = body.GetProperty("totals");
        Assert.Equal(150 - 277, totals.GetProperty("extra_families_covered").GetDouble(), 1);
        Assert.Equal(150, totals.GetProperty("extra_families_covered_by_new_teams").GetDouble(), 1);
        Assert.Equal(157_000 / 150.0, totals.GetProperty("cost_per_extra_family_reached").GetDouble(), 0);
    }

    [Theory]
    [InlineData("""{"teams":[{"areas":["E99999999"]}]}""", "teams[0].areas")]
    [InlineData("""{"teams":[{"areas":["E08000024"],"capacity_families_per_year":-5}]}""", "teams[0].capacity_families_per_year")]
    [InlineData("""{"close":["no-such-team"]}""", "close")]
    [InlineData("""{}""", "teams")]
    [InlineData("""{"teams":[{"areas":["E08000024"]}],"level":"ward"}""", "level")]
    [InlineData("""{"teams":[{"areas":["E08000024"]}],"surprise":1}""", "surprise")]
    [InlineData("""{"teams":[{"areas":"E08000024"}]}""", "teams[0].areas")]
    [InlineData("""{"teams": [""", "body")]
    public async Task Bad_scenarios_are_400_problems_naming_the_field(string json, string field)
    {
        var (status, body) = await db.Send(HttpMethod.Post, "/api/scenarios", json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task The_plan_picks_distinct_places_in_order_of_gain_with_reasons()
    {
        var (status, body) = await db.Send(HttpMethod.Post, "/api/plan", """{"teams":5,"deprivation_weighted":true}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var picks = body.GetProperty("picks").EnumerateArray().ToList();
        Assert.Equal(5, picks.Count);
        var gains = picks.Select(p => p.GetProperty("objective_gain").GetDouble()).ToList();
        Assert.Equal(gains.OrderByDescending(g => g), gains); // submodular: gains never rise
        var lads = picks.SelectMany(p => p.GetProperty("areas").EnumerateArray().Select(a => a.GetProperty("code").GetString())).ToList();
        Assert.Equal(lads.Count, lads.Distinct().Count());
        Assert.All(picks, p => Assert.Contains("more families a year", p.GetProperty("reason").GetString()));
        Assert.True(body.GetProperty("extra_families_covered").GetDouble() > 0);

        var (budgetStatus, budget) = await db.Send(HttpMethod.Post, "/api/plan", """{"budget_gbp":480000,"annual_cost":160000}""");
        Assert.Equal(HttpStatusCode.OK, budgetStatus);
        Assert.Equal(3, budget.GetProperty("picks").GetArrayLength());
    }

    [Fact]
    public async Task The_planner_matches_brute_force_on_a_small_instance()
    {
        var s = await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(db.Db);
        var p = new ModelParameters();
        var baseline = CoverageModel.Run(s, CoverageModel.ActiveTeams(s, p), p, TestEnvironment.Today);
        var weights = Planner.Weights(s, p, deprivationWeighted: true);
        var nenc = s.Levels["lad"].Codes.Where(c => s.Parents[("lad", c)].First(x => x.Level == "icb").Code == "E54000050").ToHashSet();
        foreach (var groupSize in new[] { 1, 2 })
        {
            var candidates = Planner.Candidates(s, groupSize, nenc.Contains);
            Assert.True(candidates.Count >= 10);
            foreach (var n in new[] { 1, 2, 3 })
            {
                var greedy = Planner.Value(baseline, Planner.Greedy(baseline, candidates, n, 150, weights).Select(x => x.Candidate), 150, weights);
                double best = 0;
                foreach (var set in Subsets(candidates, n))
                    best = Math.Max(best, Planner.Value(baseline, set, 150, weights));
                if (groupSize == 1) Assert.Equal(best, greedy, 6); // disjoint districts: greedy is exact
                else Assert.True(greedy >= best / (groupSize + 1) && greedy >= 0.9 * best, $"k={groupSize} n={n}: greedy {greedy:F2}, best {best:F2}");
            }
        }
    }

    /// <summary>All sets of n candidates with no district in common.</summary>
    static IEnumerable<List<PlanCandidate>> Subsets(List<PlanCandidate> all, int n, int start = 0, List<PlanCandidate>? chosen = null)
    {
        chosen ??= [];
        if (chosen.Count == n) { yield return [.. chosen]; yield break; }
        for (int i = start; i < all.Count; i++)
        {
            if (all[i].Lads.Any(l => chosen.Any(c => c.Lads.Contains(l)))) continue;
            chosen.Add(all[i]);
            foreach (var s in Subsets(all, n, i + 1, chosen)) yield return s;
            chosen.RemoveAt(chosen.Count - 1);
        }
    }

    [Fact]
    public async Task The_planner_beats_random_choices_on_the_real_data()
    {
        var s = await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(db.Db);
        var p = new ModelParameters();
        var baseline = CoverageModel.Run(s, CoverageModel.ActiveTeams(s, p), p, TestEnvironment.Today);
        var weights = Planner.Weights(s, p, deprivationWeighted: true);
        var candidates = Planner.Candidates(s, 3);
        var greedy = Planner.Value(baseline, Planner.Greedy(baseline, candidates, 5, 150, weights).Select(x => x.Candidate), 150, weights);
        var random = new Random(20261125);
        double bestRandom = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            var pick = new List<PlanCandidate>();
            while (pick.Count < 5)
            {
                var c = candidates[random.Next(candidates.Count)];
                if (!c.Lads.Any(l => pick.Any(x => x.Lads.Contains(l)))) pick.Add(c);
            }
            bestRandom = Math.Max(bestRandom, Planner.Value(baseline, pick, 150, weights));
        }
        Assert.True(greedy > bestRandom, $"greedy {greedy:F1} vs best of 200 random {bestRandom:F1}");
    }

    [Fact]
    public async Task Gaps_are_ranked_by_unmet_need_and_limited()
    {
        var gaps = await db.GetJson("/api/gaps?level=lad&limit=10");
        var areas = gaps.GetProperty("areas").EnumerateArray().ToList();
        Assert.Equal(10, areas.Count);
        var unmet = areas.Select(a => a.GetProperty("unmet_need").GetDouble()).ToList();
        Assert.Equal(unmet.OrderByDescending(u => u), unmet);
        Assert.Equal(1, areas[0].GetProperty("gap_rank").GetInt32());
        var icb = await db.GetJson("/api/gaps?level=lad&within=E54000050&limit=3");
        Assert.All(icb.GetProperty("areas").EnumerateArray(), a => Assert.Contains(a.GetProperty("parents").EnumerateArray(), p => p.GetProperty("code").GetString() == "E54000050"));
    }

    [Fact]
    public async Task Area_detail_has_the_decile_distribution_the_teams_and_comparisons()
    {
        var d = await db.GetJson("/api/areas/E08000021");
        var deciles = d.GetProperty("lsoa_distribution").EnumerateArray().ToList();
        Assert.Equal(10, deciles.Count);
        Assert.Equal(d.GetProperty("area").GetProperty("infants_under_2").GetDouble(), deciles.Sum(x => x.GetProperty("infants").GetDouble()), 0);
        var newpip = Assert.Single(d.GetProperty("teams_serving").EnumerateArray());
        Assert.Equal(277, newpip.GetProperty("capacity_families_per_year").GetDouble());
        Assert.Equal("2026-12-01", newpip.GetProperty("last_checked").GetString());
        Assert.Equal("2021-06", newpip.GetProperty("last_confirmed").GetString());
        Assert.True(newpip.GetProperty("needs_reconfirming").GetBoolean()); // nothing has confirmed NEWPIP since June 2021
        Assert.Equal("2021-06", newpip.GetProperty("source_date").GetString());
        Assert.Equal(["region", "england"], d.GetProperty("compare").EnumerateArray().Select(c => c.GetProperty("level").GetString()));
        // Any level: an LSOA, an ICB, a region.
        foreach (var code in new[] { "E01008288", "E54000050", "E12000001", "E38000130" })
            Assert.Equal(code, (await db.GetJson($"/api/areas/{code}")).GetProperty("area").GetProperty("code").GetString());
    }

    [Fact]
    public async Task CSV_and_GeoJSON_carry_the_same_areas()
    {
        var csv = await db.Http.GetStringAsync("/api/areas?level=lad&format=csv");
        var lines = csv.TrimEnd().Split("\r\n");
        Assert.Equal(297, lines.Length);
        Assert.StartsWith("code,name,level,region_code", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("E08000021,Newcastle upon Tyne,lad,E12000001"));

        var response = await db.Http.GetAsync("/api/areas?level=icb&format=geojson");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType!.MediaType);
        var geo = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var features = geo.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(36, features.Count); // the ICBs of 1 April 2026
        var first = features[0].GetProperty("geometry").GetProperty("coordinates")[0][0][0];
        Assert.InRange(first[0].GetDouble(), -6.5, 2.0);   // CRS84: longitude first
        Assert.InRange(first[1].GetDouble(), 49.8, 56.0);
    }

    [Theory]
    [InlineData("/api/areas?level=ward", "level")]
    [InlineData("/api/areas?levle=lad", "levle")]
    [InlineData("/api/areas?within=E1200000X", "within")]
    [InlineData("/api/areas?within=E12999999", "within")]
    [InlineData("/api/areas?format=xml", "format")]
    [InlineData("/api/areas?need_model=magic", "need_model")]
    [InlineData("/api/areas?need_model=deprivation&gradient=5", "gradient")]
    [InlineData("/api/areas?risk_odds_ratio=0.5", "risk_odds_ratio")]
    [InlineData("/api/areas?risk_odds_ratio=abc", "risk_odds_ratio")]
    [InlineData("/api/areas?need_model=flat&risk_odds_ratio=5", "risk_odds_ratio")]
    [InlineData("/api/areas?deprivation=imd2015", "deprivation")]
    [InlineData("/api/areas/not-a-code", "code")]
    [InlineData("/api/gaps?limit=0", "limit")]
    [InlineData("/api/gaps?limit=1%27%20or%201=1", "limit")]
    [InlineData("/api/teams?format=pdf", "format")]
    [InlineData("/api/model?x=1", "x")]
    public async Task Bad_query_parameters_are_400_problems(string url, string parameter)
    {
        var response = await db.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(body.GetProperty("errors").TryGetProperty(parameter, out _), body.ToString());
    }

    [Theory]
    [InlineData("/api/areas/E99999999")]
    [InlineData("/api/teams/no-such-team")]
    [InlineData("/api/teams/no-such-team/history")]
    public async Task Unknown_areas_and_teams_are_404_problems(string url)
    {
        var response = await db.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task The_model_endpoint_lists_parameters_with_defaults_and_sources()
    {
        var m = await db.GetJson("/api/model");
        var parameters = m.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal(0.10, parameters["need_rate"].GetProperty("default").GetDouble());
        Assert.Contains("Start for Life", parameters["need_rate"].GetProperty("source").GetString());
        Assert.Contains("LivPIP", parameters["annual_cost"].GetProperty("source").GetString());
        Assert.Equal(Cradle.Core.Catalog.AreaLevels.Ids(), m.GetProperty("levels").EnumerateArray().Select(l => l.GetString()));
        var committed = TestEnvironment.CommittedTeams;
        Assert.Equal(committed.Count, m.GetProperty("teams_in_register").GetInt32());
        Assert.Equal(committed.Count(t => t.IsActive), m.GetProperty("active_teams").GetInt32());
        Assert.Equal("mid2024", parameters["population"].GetProperty("default").GetString());
        Assert.Equal(3, parameters["evidence_max_age_years"].GetProperty("default").GetDouble());
        Assert.Contains("include", parameters["uncertain_teams"].GetProperty("default").GetString());
    }

    /// <summary>
    /// GDAL's default export of the district collection keeps every real figure real: a double is written 0.0, not 0, so
    /// GDAL (and QGIS) do not type a field as an integer from a first page of whole values and truncate the rest
    /// (High Peak's coverage 0.3756 came out 0).
    /// </summary>
    [Fact]
    public async Task GDALs_default_export_of_the_districts_keeps_every_fraction()
    {
        var (code, output) = await TestEnvironment.RunAsync("ogr2ogr", "-f", "CSV", "/vsistdout/", $"OAPIF:{db.BaseAddress}ogc", "lad",
            "-select", "code,geographic_coverage,covered_need,unmet_need_per_1000_births,need_families_per_year");
        Assert.True(code == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("E0") || l.StartsWith("code")).ToList();
        var header = lines[0].Split(',');
        var api = (await db.GetJson("/api/areas?level=lad")).GetProperty("areas").EnumerateArray().ToDictionary(a => a.GetProperty("code").GetString()!);
        int mismatches = 0, compared = 0;
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var area = api[cells[Array.IndexOf(header, "code")]];
            foreach (var field in new[] { "geographic_coverage", "covered_need", "unmet_need_per_1000_births", "need_families_per_year" })
            {
                var text = cells[Array.IndexOf(header, field)];
                double expected = area.GetProperty(field).ValueKind == JsonValueKind.Null ? double.NaN : area.GetProperty(field).GetDouble();
                if (double.IsNaN(expected)) continue;
                compared++;
                if (!double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var got) || Math.Abs(got - expected) > 1e-6) mismatches++;
            }
        }
        Assert.Equal(296, lines.Count - 1);
        Assert.True(compared > 1000);
        Assert.Equal(0, mismatches);
        // High Peak, partly served through Glossop.
        Assert.Contains(lines, l => l.StartsWith("E07000037,0.3", StringComparison.Ordinal));
    }
}
