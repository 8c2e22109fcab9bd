using System.Net;
using System.Text.Json;
using Cradle.Core.Coverage;
using Cradle.Core.Register;
using Cradle.Data.Register;
using Cradle.Data.Sources;

namespace Cradle.Tests;

/// <summary>
/// The true picture: the register holds every team the research names (or says why not), each
/// area says what is known about provision in one of four states, and infants are ONS's mid-2024.
/// </summary>
[Collection("database")]
public sealed class TruePictureTests(DatabaseFixture db)
{
    static readonly IReadOnlyList<Team> Committed = TestEnvironment.CommittedTeams;

    /// <summary>The research notes' groups A (good evidence), B (thin evidence) and D (in development or
    /// pilot), by their names there (shared/research/teams/README.md), and the register row of each.</summary>
    public static TheoryData<string, string> ResearchTeams => new()
    {
        { "A", "NEWPIP|newpip" }, { "A", "OXPIP|oxpip" }, { "A", "LivPIP|livpip" }, { "A", "Leeds IMHS|leeds-imhs" },
        { "A", "Oldham EAS|oldham-eas" }, { "A", "Tameside & Glossop EAS|tameside-glossop-eas" }, { "A", "Lambeth PAIRS|lambeth-pairs" },
        { "A", "Little Minds Matter|little-minds-matter-bradford" }, { "A", "Healthy Little Minds|healthy-little-minds-nottingham" },
        { "A", "Blackpool PAIRS|blackpool-pairs" }, { "A", "Norfolk PAIRS|norfolk-pairs" }, { "A", "BABS Knowsley|babs-knowsley" },
        { "A", "BABS Sefton|babs-sefton" }, { "A", "BABS St Helens|babs-st-helens" }, { "A", "BIBS/BABS Halton & Warrington|babs-halton-warrington" },
        { "A", "Wigan BABS|wigan-babs" }, { "A", "Thriving Together|thriving-together-cornwall" }, { "A", "Haringey PIPS|haringey-pips" },
        { "B", "Together for Baby (Essex)|together-with-baby-essex" }, { "B", "DorPIP|dorpip" }, { "B", "BrightPIP|brightpip" },
        { "D", "Kent PIMHS|kent-pimhs" }, { "D", "Blackburn with Darwen satellite of Blackpool PAIRS|blackburn-darwen-pairs" },
        { "D", "Hampshire IMHS|hampshire-imhs" },
    };

    [Theory]
    [MemberData(nameof(ResearchTeams))]
    public void Every_team_the_research_names_in_groups_A_B_and_D_is_in_the_register(string group, string nameAndId)
    {
        var (name, id) = (nameAndId.Split('|')[0], nameAndId.Split('|')[1]);
        var team = Committed.SingleOrDefault(t => t.Id == id);
        Assert.True(team is not null, $"group {group}: {name} ({id}) is not in data/teams/teams.csv");
        Assert.False(string.IsNullOrWhiteSpace(team!.Notes), $"{id} has no notes saying what its source says");
    }

    [Fact]
    public void The_register_is_complete_enough_and_every_row_is_sourced_and_dated()
    {
        Assert.True(Committed.Count >= 25, $"{Committed.Count} English rows");
        Assert.True(Committed.Count(t => t.IsActive) >= 15, $"{Committed.Count(t => t.IsActive)} active");
        Assert.All(Committed, t =>
        {
            Assert.True(Uri.TryCreate(t.SourceUrl, UriKind.Absolute, out var u) && u.AbsolutePath.Trim('/').Length > 0, $"{t.Id}: source_url {t.SourceUrl} has no path");
            Assert.NotNull(t.SourceDate);
            Assert.NotNull(t.LastChecked);
            // A team the register says runs was confirmed by some source on some date.
            if (t.Status != "closed") Assert.NotNull(t.LastConfirmed);
            // A figure is recorded only with the page that publishes it.
            Assert.Equal(t.CapacityFamiliesPerYear is null, t.CapacitySourceUrl is null);
            Assert.Equal(t.AnnualCostGbp is null, t.CostSourceUrl is null);
        });
        // The old homepages are gone.
        Assert.DoesNotContain(Committed, t => t.SourceUrl is "https://www.hsj.co.uk/" or "https://www.oxfordmail.co.uk/");
        // What the data/teams README says about rows left out covers the research's "found but left out" items.
        var readme = File.ReadAllText(Path.Combine(TestEnvironment.Root, "data", "teams", "README.md"));
        foreach (var leftOut in new[] { "Infant-Parent Perinatal Service", "PIRi", "Baby Together", "Southwark", "Waltham Forest", "Black Country" })
            Assert.Contains(leftOut, readme);
    }

    [Fact]
    public async Task The_four_team_states_all_occur_and_mean_what_they_say()
    {
        var lads = (await db.GetJson("/api/areas?level=lad")).GetProperty("areas").EnumerateArray().ToDictionary(a => a.GetProperty("code").GetString()!);
        string State(string code) => lads[code].GetProperty("team_state").GetString()!;
        Assert.Equal(["confirmed_none", "in_development", "not_known", "served"], lads.Values.Select(a => a.GetProperty("team_state").GetString()).Distinct().Order());

        Assert.Equal("served", State("E08000021")); // Newcastle upon Tyne: NEWPIP
        // Lincolnshire's seven districts: the county council's 2024 answer that it commissions no team.
        foreach (var lincs in new[] { "E07000136", "E07000137", "E07000138", "E07000139", "E07000140", "E07000141", "E07000142" })
        {
            Assert.Equal("confirmed_none", State(lincs));
            var detail = await db.GetJson($"/api/areas/{lincs}");
            var evidence = Assert.Single(detail.GetProperty("area_evidence").EnumerateArray());
            Assert.Equal("E10000019", evidence.GetProperty("area_code").GetString());
            Assert.StartsWith("https://www.lincolnshire.gov.uk/", evidence.GetProperty("source_url").GetString());
            Assert.True(evidence.GetProperty("current").GetBoolean());
        }
        Assert.Equal("in_development", State("E07000105")); // Ashford, in Kent: the county's new service
        // Birmingham: no team in the register and no source either way.
        Assert.Equal("not_known", State("E08000025"));
        Assert.Empty((await db.GetJson("/api/areas/E08000025")).GetProperty("area_evidence").EnumerateArray());
        // Sunderland: only the 2021 regional statement, too old to count.
        Assert.Equal("not_known", State("E08000024"));
        Assert.False(Assert.Single((await db.GetJson("/api/areas/E08000024")).GetProperty("area_evidence").EnumerateArray()).GetProperty("current").GetBoolean());
        // Bolton: the ICS says every borough has a team, unnamed: still not known, with the claim shown.
        Assert.Equal("not_known", State("E08000001"));
        var bolton = Assert.Single((await db.GetJson("/api/areas/E08000001")).GetProperty("area_evidence").EnumerateArray());
        Assert.Equal("team_claimed_unnamed", bolton.GetProperty("evidence").GetString());

        // Shares of infants by state sum to one, everywhere.
        Assert.All(lads.Values, a =>
        {
            var s = a.GetProperty("team_state_shares");
            Assert.Equal(1.0, s.GetProperty("served").GetDouble() + s.GetProperty("in_development").GetDouble()
                + s.GetProperty("confirmed_none").GetDouble() + s.GetProperty("not_known").GetDouble(), 3);
        });
    }

    [Fact]
    public async Task A_statement_of_no_team_older_than_the_parameter_reads_not_known()
    {
        // North Northamptonshire: the Foundation said in April 2021 there was no team after NorPIP closed.
        var detail = await db.GetJson("/api/areas/E06000061");
        Assert.Equal("not_known", detail.GetProperty("area").GetProperty("team_state").GetString());
        Assert.Equal(3, detail.GetProperty("need_model").GetProperty("evidence_max_age_years").GetDouble());
        var longer = (await db.GetJson("/api/areas/E06000061?evidence_max_age_years=10")).GetProperty("area");
        Assert.Equal("confirmed_none", longer.GetProperty("team_state").GetString());
        // Lincolnshire's 2024 statement is no longer current if only statements under a year old count.
        Assert.Equal("not_known", (await db.GetJson("/api/areas/E07000136?evidence_max_age_years=0.5")).GetProperty("area").GetProperty("team_state").GetString());
        var (status, problem) = await db.Send(HttpMethod.Get, "/api/areas/E06000061?evidence_max_age_years=forever", null);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("evidence_max_age_years", out _));
    }

    [Fact]
    public async Task Teams_of_uncertain_fit_can_be_left_out()
    {
        var manchester = "E08000003"; // CAPS: all under-fives, fit uncertain
        Assert.Equal("served", (await db.GetJson($"/api/areas/{manchester}")).GetProperty("area").GetProperty("team_state").GetString());
        var excluded = await db.GetJson($"/api/areas/{manchester}?uncertain_teams=exclude");
        Assert.Equal("not_known", excluded.GetProperty("area").GetProperty("team_state").GetString());
        Assert.Equal("exclude", excluded.GetProperty("need_model").GetProperty("uncertain_teams").GetString());
        Assert.Empty(excluded.GetProperty("teams_serving").EnumerateArray());
        Assert.Contains(excluded.GetProperty("other_register_teams").EnumerateArray(), t => t.GetProperty("definition_fit").GetString() == "uncertain");
    }

    [Fact]
    public async Task Every_answer_says_how_much_unmet_need_lies_where_nothing_is_known()
    {
        var gaps = await db.GetJson("/api/gaps?level=lad&limit=10");
        var totals = gaps.GetProperty("totals");
        var areas = gaps.GetProperty("areas").EnumerateArray().ToList();
        Assert.Equal(areas.Sum(a => a.GetProperty("unmet_need_in_not_known").GetDouble()), totals.GetProperty("unmet_need_in_not_known").GetDouble(), 1);
        Assert.All(areas, a => Assert.InRange(a.GetProperty("unmet_need_in_not_known").GetDouble(), 0, a.GetProperty("unmet_need").GetDouble() + 0.01));
        var england = (await db.GetJson("/api/areas?level=england")).GetProperty("areas")[0];
        Assert.InRange(england.GetProperty("unmet_need_in_not_known").GetDouble(), 1, england.GetProperty("unmet_need").GetDouble());

        var (status, plan) = await db.Send(HttpMethod.Post, "/api/plan", """{"teams":3}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(england.GetProperty("unmet_need_in_not_known").GetDouble(), plan.GetProperty("unmet_need_in_not_known_before").GetDouble(), 0);
        Assert.All(plan.GetProperty("picks").EnumerateArray(), p =>
            Assert.InRange(p.GetProperty("extra_families_in_not_known_areas").GetDouble(), 0, p.GetProperty("extra_families_covered").GetDouble() + 0.01));
        var csv = await db.Http.GetStringAsync("/api/gaps?level=lad&limit=3&format=csv");
        Assert.Contains("team_state", csv.Split("\r\n")[0]);
        Assert.Contains("unmet_need_in_not_known", csv.Split("\r\n")[0]);
    }

    [Fact]
    public async Task The_summary_gives_the_register_by_status_against_the_Foundations_counts()
    {
        var s = await db.GetJson("/api/teams/summary");
        Assert.Equal(Committed.Count, s.GetProperty("teams").GetInt32());
        foreach (var status in Team.Statuses)
            Assert.Equal(Committed.Count(t => t.Status == status), s.GetProperty("by_status").GetProperty(status).GetInt32());
        var counts = s.GetProperty("foundation_counts").EnumerateArray().ToList();
        Assert.Contains(counts, c => c.GetProperty("teams").GetInt32() == 38 && c.GetProperty("scope").GetString() == "England" && c.GetProperty("as_of").GetString() == "2024-06-10");
        Assert.Contains(counts, c => c.GetProperty("teams").GetInt32() == 51 && c.GetProperty("scope").GetString() == "UK" && c.GetProperty("as_of").GetString() == "2025-12-11");
        Assert.All(counts, c => Assert.StartsWith("https://parentinfantfoundation.org.uk/", c.GetProperty("source_url").GetString()));
        var notice = s.GetProperty("notice").GetString()!;
        Assert.Contains($"{Committed.Count(t => t.IsActive)} active", notice);
        Assert.Contains("38 teams in England", notice);
        Assert.Contains("not known", notice);
    }

    [Fact]
    public async Task Mid_2024_infants_are_ONS_figures_for_England_and_every_district_exactly()
    {
        // The MYE2 file read here independently of the loader.
        using var mye = new CsvFile(Path.Combine(TestEnvironment.DataDir, "population/pop_mid2024_mye2_persons_lad23_single_year_ew.csv"));
        var cols = mye.Columns.ToList();
        int c0 = cols.IndexOf("0"), c1 = cols.IndexOf("1");
        var ons = mye.Records().ToDictionary(r => r.Cells[0]!, r => (Age0: double.Parse(r.Cells[c0]!), Age1: double.Parse(r.Cells[c1]!)));
        Assert.Equal((573_812.0, 593_575.0), ons["E92000001"]);

        var lads = (await db.GetJson("/api/areas?level=lad")).GetProperty("areas").EnumerateArray().ToList();
        Assert.Equal(296, lads.Count);
        var s = await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(db.Db);
        var pop = s.Population("mid2024");
        var lad = s.Levels["lad"];
        var sum0 = new double[lad.Count]; var sum1 = new double[lad.Count];
        for (int i = 0; i < s.LsoaCount; i++) { sum0[lad.LsoaArea[i]] += pop.Births[i]; sum1[lad.LsoaArea[i]] += pop.Infants[i] - pop.Births[i]; }
        for (int a = 0; a < lad.Count; a++)
        {
            Assert.Equal(ons[lad.Codes[a]].Age0, sum0[a], 6);
            Assert.Equal(ons[lad.Codes[a]].Age1, sum1[a], 6);
        }
        Assert.Equal(573_812, pop.Births.Sum(), 4);
        Assert.Equal(573_812 + 593_575, pop.Infants.Sum(), 4);
        var newcastle = lads.Single(a => a.GetProperty("code").GetString() == "E08000021");
        Assert.Equal(3_050, newcastle.GetProperty("births_proxy").GetDouble(), 6);
        Assert.Equal(3_050 + 3_180, newcastle.GetProperty("infants_under_2").GetDouble(), 6);
        Assert.Equal("mid2024", (await db.GetJson("/api/areas/E08000021")).GetProperty("need_model").GetProperty("population").GetString());
        // Mid-2020 stays selectable, and says so.
        var old = await db.GetJson("/api/areas/E08000021?population=mid2020");
        Assert.Equal("mid2020", old.GetProperty("need_model").GetProperty("population").GetString());
        Assert.Contains("mid-2020", string.Join(" ", old.GetProperty("sources").EnumerateArray().Select(x => x.GetString())));
        // Sunderland grew: 2,570 babies aged 0 in mid-2020, 2,710 in mid-2024.
        Assert.Equal(2_710, (await db.GetJson("/api/areas/E08000024")).GetProperty("area").GetProperty("births_proxy").GetDouble(), 6);
        Assert.Equal(2_570, (await db.GetJson("/api/areas/E08000024?population=mid2020")).GetProperty("area").GetProperty("births_proxy").GetDouble(), 6);
    }

    [Fact]
    public async Task An_LSOAs_mid_2024_estimate_follows_its_own_growth_within_its_district()
    {
        // Within a district the estimate is proportional to (mid-2020 infants × mid-2024 total / mid-2020 total).
        var rows = await db.Query<(string Code, double Est0, double Total24, double Age0, double Total20)>("""
            select l.code, q.age_0, q.all_ages, p.age_0, p.all_ages
            from cradle.lsoa l
            join cradle.population q on q.vintage = 'mid-2024' and q.geography = 'lsoa21' and q.code = l.code
            join cradle.population p on p.vintage = 'mid-2020' and p.geography = 'lsoa21' and p.code = l.code
            where l.lad_code = 'E08000024'
            """);
        Assert.Equal(185, rows.Count);
        var ratios = rows.Where(r => r.Age0 > 0).Select(r => r.Est0 / (r.Age0 * r.Total24 / r.Total20)).ToList();
        Assert.InRange(ratios.Max() - ratios.Min(), 0, 1e-9);
        Assert.Equal(2_710, rows.Sum(r => r.Est0), 6);
    }

    [Fact]
    public async Task Child_poverty_is_an_indicator_and_can_weight_need()
    {
        var newcastle = (await db.GetJson("/api/areas/E08000021")).GetProperty("area").GetProperty("child_poverty");
        Assert.Equal(2025, newcastle.GetProperty("fye").GetInt32());
        Assert.Equal(26.66, newcastle.GetProperty("before_housing_costs_percent").GetDouble(), 2);
        Assert.Equal(30.88, newcastle.GetProperty("after_housing_costs_percent").GetDouble(), 2);
        Assert.Equal(16_860, newcastle.GetProperty("children_after_housing_costs").GetDouble());
        Assert.Equal(6, newcastle.GetProperty("series").GetArrayLength());

        var flat = await db.GetJson("/api/areas?level=lad&need_model=flat");
        // A list gives the latest year only; the series is the one area's.
        var listed = flat.GetProperty("areas").EnumerateArray().Single(a => a.GetProperty("code").GetString() == "E08000021").GetProperty("child_poverty");
        Assert.Equal(26.66, listed.GetProperty("before_housing_costs_percent").GetDouble(), 2);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("series").ValueKind);
        var weighted = await db.GetJson("/api/areas?level=lad&need_model=deprivation&need_weight=child_poverty");
        Assert.Equal("child_poverty", weighted.GetProperty("need_model").GetProperty("need_weight").GetString());
        double Total(JsonElement l) => l.GetProperty("areas").EnumerateArray().Sum(a => a.GetProperty("need_families_per_year").GetDouble());
        Assert.Equal(Total(flat), Total(weighted), 0);
        double Need(JsonElement l, string code) => l.GetProperty("areas").EnumerateArray().Single(a => a.GetProperty("code").GetString() == code).GetProperty("need_families_per_year").GetDouble();
        // Tower Hamlets (among the highest rates) gains need; Wokingham (among the lowest) loses it.
        Assert.True(Need(weighted, "E09000030") > Need(flat, "E09000030"));
        Assert.True(Need(weighted, "E06000041") < Need(flat, "E06000041"));
        var (status, _) = await db.Send(HttpMethod.Get, "/api/areas?level=lad&need_weight=child_poverty", null);
        Assert.Equal(HttpStatusCode.BadRequest, status); // only with need_model=deprivation
    }

    [Fact]
    public async Task Bad_area_evidence_is_refused_naming_the_line_and_area_and_nothing_changes()
    {
        var dir = Directory.CreateTempSubdirectory("cradle-evidence-");
        try
        {
            File.Copy(TestEnvironment.Teams, Path.Combine(dir.FullName, "teams.csv"));
            var evidence = File.ReadAllLines(Path.Combine(TestEnvironment.Root, "data", "teams", TeamRegister.EvidenceFile)).ToList();
            evidence.Add("E07999999,Nowhere,confirmed_none,No team here.,https://example.org/foi/1,2025,,2026-11-01,");
            File.WriteAllLines(Path.Combine(dir.FullName, TeamRegister.EvidenceFile), evidence);
            var version = await db.DataVersion();
            var result = await TestEnvironment.RunCliAsync("teams", "import", Path.Combine(dir.FullName, "teams.csv"), "--force");
            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"line {evidence.Count}", result.Stderr);
            Assert.Contains("E07999999", result.Stderr);
            Assert.Contains("area_code", result.Stderr);
            Assert.Equal(version, await db.DataVersion());

            evidence[^1] = "E07000136,Boston,confirmed_none,No team here.,https://example.org/,2025,,2026-11-01,";
            File.WriteAllLines(Path.Combine(dir.FullName, TeamRegister.EvidenceFile), evidence);
            result = await TestEnvironment.RunCliAsync("teams", "import", Path.Combine(dir.FullName, "teams.csv"), "--force");
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("source_url", result.Stderr);
            Assert.Equal(version, await db.DataVersion());
        }
        finally { dir.Delete(recursive: true); }
    }
}
