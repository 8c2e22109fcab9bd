using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace Cradle.Tests;

/// <summary>
/// The risk-stratified need model (the default) on the real data: need that tells places apart,
/// calibrated to a sourced national rate, checked against the published national picture; areas
/// partly inside another; and warnings on implausible teams.
/// </summary>
[Collection("database")]
public sealed class NeedModelTests(DatabaseFixture db, ITestOutputHelper output)
{
    static JsonElement Area(JsonElement list, string code) => list.GetProperty("areas").EnumerateArray().Single(a => a.GetProperty("code").GetString() == code);
    static double D(JsonElement e, string field) => e.GetProperty(field).GetDouble();

    [Fact]
    public async Task Under_the_default_model_districts_without_a_team_differ_and_more_deprived_ones_need_more()
    {
        var lads = await db.GetJson("/api/areas?level=lad");
        Assert.Equal("risk", lads.GetProperty("need_model").GetProperty("name").GetString());
        var none = lads.GetProperty("areas").EnumerateArray().Where(a => a.GetProperty("no_team").GetBoolean()).ToList();
        var per1000 = none.Select(a => D(a, "unmet_need_per_1000_births")).ToList();
        int distinct = per1000.Select(v => Math.Round(v, 1)).Distinct().Count();
        Assert.True(distinct > 50, $"{distinct} distinct values among {none.Count} districts without a team");
        // The most income-deprived fifth of them (infant-weighted Income score) needs more per birth than the least deprived fifth.
        var byIncome = none.OrderByDescending(a => a.GetProperty("deprivation").GetProperty("mean_income_score_infant_weighted").GetDouble()).ToList();
        int fifth = byIncome.Count / 5;
        double most = byIncome.Take(fifth).Average(a => D(a, "unmet_need_per_1000_births"));
        double least = byIncome.TakeLast(fifth).Average(a => D(a, "unmet_need_per_1000_births"));
        output.WriteLine($"districts without a team: {none.Count}, {distinct} distinct values, {per1000.Min():N1} to {per1000.Max():N1} per 1,000 births; most deprived fifth {most:N1}, least {least:N1}");
        Assert.True(most > least * 1.3, $"most deprived fifth {most:N1} against least {least:N1}");
        // Middlesbrough (very deprived) needs more per birth than Wokingham (the least deprived district).
        Assert.True(D(Area(lads, "E06000002"), "unmet_need_per_1000_births") > D(Area(lads, "E06000041"), "unmet_need_per_1000_births"));
    }

    [Fact]
    public async Task England_equals_the_calibration_figure_with_its_range_and_the_flat_model_reproduces_ten_percent()
    {
        var england = (await db.GetJson("/api/areas?level=england")).GetProperty("areas")[0];
        double births = D(england, "births_proxy");
        Assert.Equal(573_812, births, 0);
        Assert.Equal(births * 0.10, D(england, "need_families_per_year"), 1);
        Assert.Equal(births * 0.08, D(england, "need_low"), 1);
        Assert.Equal(births * 0.15, D(england, "need_high"), 1);
        Assert.True(D(england, "unmet_need_low") < D(england, "unmet_need") && D(england, "unmet_need") < D(england, "unmet_need_high"));

        var flat = await db.GetJson("/api/areas?level=lad&need_model=flat");
        Assert.Equal("flat", flat.GetProperty("need_model").GetProperty("name").GetString());
        foreach (var a in flat.GetProperty("areas").EnumerateArray())
        {
            Assert.Equal(D(a, "births_proxy") * 0.10, D(a, "need_families_per_year"), 1);
            if (a.GetProperty("no_team").GetBoolean()) Assert.Equal(100.0, D(a, "unmet_need_per_1000_births"), 6);
        }
    }

    [Fact]
    public async Task Every_model_parameter_has_a_source_and_the_risk_rates_are_published()
    {
        var model = await db.GetJson("/api/model");
        var parameters = model.GetProperty("parameters").EnumerateArray().ToList();
        foreach (var name in new[] { "need_rate", "need_model", "risk_odds_ratio", "need_range", "default_capacity", "new_team_capacity", "annual_cost" })
            Assert.Contains(parameters, p => p.GetProperty("name").GetString() == name);
        Assert.All(parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("source").GetString()), p.GetProperty("name").GetString()));
        Assert.Contains("Skovgaard", parameters.Single(p => p.GetProperty("name").GetString() == "risk_odds_ratio").GetProperty("source").GetString());
        Assert.All(model.GetProperty("value_for_money").GetProperty("unit_costs").EnumerateArray(), u => Assert.StartsWith("https://", u.GetProperty("url").GetString()));

        var nm = (await db.GetJson("/api/areas?level=england")).GetProperty("need_model");
        double p0 = D(nm, "rate_not_at_risk"), p1 = D(nm, "rate_at_risk");
        Assert.Equal(5.0, p1 / (1 - p1) / (p0 / (1 - p0)), 2);
        Assert.InRange(p0, 0.01, 0.10);
        Assert.InRange(p1, 0.10, 0.60);
    }

    /// <summary>
    /// The national picture against the published one: the share of need today's teams reach (the
    /// Foundation and the Centre for Mental Health: about 4–6%), and the teams England would need (the
    /// Foundation: 400). Cradle counts families a year; the published share reads need as under-2s.
    /// </summary>
    [Fact]
    public async Task The_national_picture_is_near_the_published_one()
    {
        var england = (await db.GetJson("/api/areas?level=england")).GetProperty("areas")[0];
        double need = D(england, "need_families_per_year"), covered = D(england, "covered_need");
        double share = covered / need, shareOfUnder2s = covered / (2 * need);
        double teamsAtAverage = need / ((85 + 127) / 2.0), teamsAtTop = need / 127;
        output.WriteLine($"England: need {need:N0} families a year ({D(england, "need_low"):N0}–{D(england, "need_high"):N0}); register capacity covers {covered:N0}: {share:P1} of families a year, {shareOfUnder2s:P1} of the prevalence among under-2s");
        output.WriteLine($"teams needed: {teamsAtAverage:N0} at 106 families a team, {teamsAtTop:N0} at 127; the Foundation says 400");
        // Published: about 4% (CMH 2026), 4–6% (PIF 2025), of about 110,000 UK babies in need: a denominator between Cradle's
        // families a year and its prevalence among under-2s. The register holds fewer teams than the Foundation counts, so its
        // capacity is scaled by the Foundation's count over the register's active teams; the published band must then lie
        // between the two readings.
        var model = await db.GetJson("/api/model");
        double k = model.GetProperty("foundation_counts").EnumerateArray().Where(c => c.GetProperty("scope").GetString() == "England")
            .Max(c => c.GetProperty("teams").GetDouble()) / model.GetProperty("active_teams").GetDouble();
        output.WriteLine($"scaled to the Foundation's count (× {k:N2}): {shareOfUnder2s * k:P1} of the under-2 prevalence to {share * k:P1} of families a year; published 4–6%");
        Assert.True(shareOfUnder2s * k <= 0.06 && share * k >= 0.04, $"{shareOfUnder2s * k:P1}–{share * k:P1} misses the published 4–6%");
        Assert.InRange(share, 0.02, 0.08);
        // Published: 400 teams. At the published average throughput Cradle's need implies 450–680: within a factor of 1.7.
        Assert.InRange(teamsAtTop, 400 / 1.7, 400 * 1.7);
        Assert.InRange(teamsAtAverage, 400 / 1.7, 400 * 1.7);
    }

    [Fact]
    public async Task Districts_listed_within_NENC_sum_to_its_figures_with_the_partial_ones_marked()
    {
        var lads = await db.GetJson("/api/areas?level=lad&within=E54000050");
        var icb = (await db.GetJson("/api/areas/E54000050")).GetProperty("area");
        var rows = lads.GetProperty("areas").EnumerateArray().ToList();
        foreach (var field in new[] { "infants_under_2", "births_proxy", "need_families_per_year", "covered_need", "unmet_need", "need_low", "need_high", "unmet_need_low", "unmet_need_high" })
            Assert.InRange(Math.Abs(rows.Sum(a => D(a, field)) - D(icb, field)), 0, rows.Count * 0.05 + 0.01);
        Assert.Equal(D(icb, "unmet_need"), D(lads.GetProperty("totals"), "unmet_need"), 0);
        var wf = Area(lads, "E06000064");
        Assert.True(wf.GetProperty("partial").GetBoolean());
        Assert.InRange(D(wf, "inside_share"), 0.1, 0.5);
        // Its row is its part inside: less than the whole district.
        var whole = (await db.GetJson("/api/areas/E06000064")).GetProperty("area");
        Assert.True(D(wf, "need_families_per_year") < D(whole, "need_families_per_year") * 0.5);
        Assert.True(Area(lads, "E06000063").GetProperty("partial").GetBoolean());
        Assert.False(Area(lads, "E08000024").GetProperty("partial").GetBoolean());
        Assert.Equal(1.0, D(Area(lads, "E08000024"), "inside_share"));
        // The CSV says the same.
        var csv = await db.Http.GetStringAsync("/api/areas?level=lad&within=E54000050&format=csv");
        // Fields as RFC 4180 writes them: quoted where they hold a comma.
        static string[] Fields(string l) => System.Text.RegularExpressions.Regex.Matches(l, "(?:^|,)(\"(?:[^\"]|\"\")*\"|[^,]*)").Select(m => m.Groups[1].Value.Trim('"')).ToArray();
        var header = Fields(csv.Split('\n')[0].TrimEnd('\r'));
        var line = Fields(csv.Split('\n').First(l => l.StartsWith("E06000064,")).TrimEnd('\r'));
        Assert.Equal("true", line[Array.IndexOf(header, "partial")]);
    }

    [Fact]
    public async Task An_implausible_team_is_warned_about_by_field_and_a_sensible_one_is_not()
    {
        var (status, big) = await db.Send(HttpMethod.Post, "/api/scenarios",
            """{"teams": [{"areas": ["E08000024"], "capacity_families_per_year": 250, "annual_cost": 250000}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var fields = big.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("field").GetString()).ToList();
        Assert.Contains("teams[0].capacity_families_per_year", fields);
        Assert.Contains("teams[0].annual_cost", fields);
        Assert.All(big.GetProperty("warnings").EnumerateArray(), w => Assert.False(string.IsNullOrWhiteSpace(w.GetProperty("source").GetString())));
        Assert.True(big.GetProperty("totals").GetProperty("extra_families_covered").GetDouble() > 0); // never blocks

        var (_, sensible) = await db.Send(HttpMethod.Post, "/api/scenarios",
            """{"teams": [{"areas": ["E08000024"], "capacity_families_per_year": 100, "annual_cost": 157000}]}""");
        Assert.Empty(sensible.GetProperty("warnings").EnumerateArray());
        var (_, defaults) = await db.Send(HttpMethod.Post, "/api/scenarios", """{"teams": [{"areas": ["E08000024"]}]}""");
        Assert.Empty(defaults.GetProperty("warnings").EnumerateArray());

        // A team larger than its area's need.
        var (_, tiny) = await db.Send(HttpMethod.Post, "/api/scenarios", """{"teams": [{"areas": ["E06000053"], "capacity_families_per_year": 100, "annual_cost": 157000}]}""");
        Assert.Contains(tiny.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("field").GetString() == "teams[0].areas");

        var (planStatus, plan) = await db.Send(HttpMethod.Post, "/api/plan", """{"teams": 1, "capacity_families_per_year": 250, "annual_cost": 250000}""");
        Assert.Equal(HttpStatusCode.OK, planStatus);
        Assert.Contains(plan.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("field").GetString() == "annual_cost");
    }

    [Fact]
    public async Task The_odds_ratio_changes_where_need_is_not_how_much()
    {
        var low = (await db.GetJson("/api/areas?level=lad&risk_odds_ratio=1.6")).GetProperty("areas").EnumerateArray().ToList();
        var high = (await db.GetJson("/api/areas?level=lad&risk_odds_ratio=16")).GetProperty("areas").EnumerateArray().ToList();
        Assert.Equal(low.Sum(a => D(a, "need_families_per_year")), high.Sum(a => D(a, "need_families_per_year")), 0);
        double Rate(List<JsonElement> l, string code) { var a = l.Single(x => x.GetProperty("code").GetString() == code); return D(a, "need_families_per_year") / D(a, "births_proxy"); }
        // A stronger gradient moves need towards Middlesbrough and away from Wokingham.
        Assert.True(Rate(high, "E06000002") > Rate(low, "E06000002"));
        Assert.True(Rate(high, "E06000041") < Rate(low, "E06000041"));
    }
}
