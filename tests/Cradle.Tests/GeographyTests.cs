using System.Net;
using System.Text.Json;

namespace Cradle.Tests;

/// <summary>
/// The NHS map as it is today: the 36 ICBs of 1 April 2026 (from the derived lookup, SOURCES.md §9) by default, the 42 of
/// April 2024 on request, what became of the abolished ones, re-coded districts, and changes to come.
/// </summary>
[Collection("database")]
public sealed class GeographyTests(DatabaseFixture db)
{
    static JsonElement Area(JsonElement list, string code) => list.GetProperty("areas").EnumerateArray().Single(a => a.GetProperty("code").GetString() == code);

    [Fact]
    public async Task There_are_36_ICBs_today_with_the_new_boards_named_and_coded_as_the_research_note_gives()
    {
        var icbs = await db.GetJson("/api/areas?level=icb");
        Assert.Equal(36, icbs.GetProperty("count").GetInt32());
        Assert.Equal("2026-04", icbs.GetProperty("vintage").GetProperty("vintage").GetString());
        Assert.Equal("2026-04-01", icbs.GetProperty("vintage").GetProperty("in_force_from").GetString());
        Assert.Contains("Derived", icbs.GetProperty("vintage").GetProperty("derived").GetString());
        foreach (var (code, name) in new[]
        {
            ("E54000065", "NHS Central East Integrated Care Board"), ("E54000066", "NHS Essex Integrated Care Board"),
            ("E54000067", "NHS Hampshire and Isle of Wight Integrated Care Board"), ("E54000068", "NHS Norfolk and Suffolk Integrated Care Board"),
            ("E54000069", "NHS Surrey and Sussex Integrated Care Board"), ("E54000070", "NHS Thames Valley Integrated Care Board"),
            ("E54000071", "NHS West and North London Integrated Care Board"),
        })
            Assert.Equal(name, Area(icbs, code).GetProperty("name").GetString());
        // The abolished ones are not among them.
        Assert.DoesNotContain(icbs.GetProperty("areas").EnumerateArray(), a => a.GetProperty("code").GetString() is "E54000025" or "E54000034" or "E54000042");
        // NHS Essex ICB holds the 1,111 LSOAs the derived lookup gives it.
        Assert.Equal(1111, await db.Scalar<long>("select count(*) from cradle.lsoa_membership where level = 'icb' and area_code = 'E54000066'"));
        // England is the sum of the 36.
        var england = (await db.GetJson("/api/areas?level=england")).GetProperty("areas")[0];
        foreach (var field in new[] { "infants_under_2", "need_families_per_year", "unmet_need" })
            Assert.InRange(Math.Abs(icbs.GetProperty("areas").EnumerateArray().Sum(a => a.GetProperty(field).GetDouble()) - england.GetProperty(field).GetDouble()), 0, 36 * 0.05);
    }

    [Fact]
    public async Task The_ICBs_of_April_2024_stay_selectable_by_vintage_or_date_and_their_figures_are_those_of_their_LSOAs()
    {
        // The search finds Hampshire and Isle of Wight's old code as re-coded, not abolished.
        var hants = (await db.GetJson("/api/search?q=E54000042")).GetProperty("hits")[0];
        Assert.Equal("recoded", hants.GetProperty("status").GetString());
        var old = await db.GetJson("/api/areas?level=icb&icb_vintage=2024-04");
        Assert.Equal(42, old.GetProperty("count").GetInt32());
        Assert.Equal("icb2024", old.GetProperty("level").GetString());
        Assert.Equal("2026-03-31", old.GetProperty("vintage").GetProperty("in_force_to").GetString());
        var byDate = await db.GetJson("/api/areas?level=icb&as_of=2025-03-31");
        Assert.Equal(42, byDate.GetProperty("count").GetInt32());
        Assert.Equal(36, (await db.GetJson("/api/areas?level=icb&as_of=2026-04-01")).GetProperty("count").GetInt32());
        // An ICB unchanged on 1 April 2026 has the same figures in both vintages.
        var now = await db.GetJson("/api/areas?level=icb");
        foreach (var field in new[] { "infants_under_2", "need_families_per_year", "unmet_need", "geographic_coverage" })
            Assert.Equal(Area(now, "E54000050").GetProperty(field).GetDouble(), Area(old, "E54000050").GetProperty(field).GetDouble());
        // Hertfordshire and West Essex, with its 2024 figures.
        var herts = await db.GetJson("/api/areas/E54000025?icb_vintage=2024-04");
        Assert.Equal("icb2024", herts.GetProperty("area").GetProperty("level").GetString());
        Assert.Equal(2, herts.GetProperty("successors").GetArrayLength());
    }

    [Fact]
    public async Task An_abolished_ICB_answers_with_what_it_became()
    {
        var response = await db.Http.GetAsync("/api/areas/E54000025");
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var successors = body.GetProperty("successors").EnumerateArray().ToList();
        Assert.Equal(["E54000065", "E54000066"], successors.Select(x => x.GetProperty("code").GetString()));
        Assert.Equal(1.0, successors.Sum(x => x.GetProperty("infants_share").GetDouble()), 3);
        Assert.InRange(successors[0].GetProperty("infants_share").GetDouble(), 0.6, 0.9); // most of it is Hertfordshire
        Assert.Contains("abolished on 1 April 2026: now NHS Central East Integrated Care Board", body.GetProperty("detail").GetString());
        // Hampshire and Isle of Wight's old code: one successor, the same board re-coded.
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = db.BaseAddress };
        var moved = await noRedirect.GetAsync("/api/areas/E54000042");
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal("/api/areas/E54000067", moved.Headers.Location!.OriginalString);
        // A new board lists what it was made of.
        var essex = await db.GetJson("/api/areas/E54000066");
        var pred = essex.GetProperty("predecessors").EnumerateArray().Select(x => x.GetProperty("code").GetString()).ToList();
        Assert.Equal(["E54000026", "E54000025", "E54000023"], pred);
        Assert.Empty(essex.GetProperty("successors").EnumerateArray());
        // An unchanged one lists none.
        Assert.Empty((await db.GetJson("/api/areas/E54000050")).GetProperty("predecessors").EnumerateArray());
    }

    [Fact]
    public async Task Search_finds_old_names_and_codes_and_says_what_they_are_now()
    {
        var herts = await db.GetJson("/api/search?q=Hertfordshire%20and%20West%20Essex");
        var hit = herts.GetProperty("hits").EnumerateArray().Single(h => h.GetProperty("code").GetString() == "E54000025");
        Assert.Equal("abolished", hit.GetProperty("status").GetString());
        Assert.Contains("abolished 1 April 2026: now NHS Central East Integrated Care Board and NHS Essex Integrated Care Board", hit.GetProperty("now").GetString());
        var essex = await db.GetJson("/api/search?q=Essex%20ICB");
        Assert.Equal("E54000066", essex.GetProperty("hits")[0].GetProperty("code").GetString());
        var barnsley = await db.GetJson("/api/search?q=E08000038");
        Assert.Equal("E08000016", barnsley.GetProperty("hits")[0].GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await db.Http.GetAsync("/api/search?q=a")).StatusCode);
    }

    [Fact]
    public async Task The_2025_district_codes_find_Barnsley_and_Sheffield_and_the_register_accepts_them()
    {
        var barnsley = await db.GetJson("/api/areas/E08000038");
        Assert.Equal("Barnsley", barnsley.GetProperty("area").GetProperty("name").GetString());
        Assert.Equal("E08000038", barnsley.GetProperty("requested_code").GetString());
        var old = await db.GetJson("/api/areas/E08000016");
        Assert.Equal(JsonValueKind.Null, old.GetProperty("requested_code").ValueKind);
        Assert.Equal("E08000038", old.GetProperty("changes")[0].GetProperty("becomes").GetString());
        Assert.Equal("Sheffield", (await db.GetJson("/api/areas/E08000039")).GetProperty("area").GetProperty("name").GetString());
        // A scenario takes the new code.
        var (status, r) = await db.Send(HttpMethod.Post, "/api/scenarios", """{"teams": [{"areas": ["E08000039"], "capacity_families_per_year": 100, "annual_cost": 157000}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(r.GetProperty("areas").EnumerateArray(), a => a.GetProperty("code").GetString() == "E08000019");
        // So does the register: a team serving E08000038 serves Barnsley as held (E08000016).
        var (created, _) = await db.Send(HttpMethod.Post, "/api/teams", TestTeams.Json("test-barnsley-2025", area: "E08000038", status: "in_development"), db.ApiKey);
        try
        {
            Assert.Equal(HttpStatusCode.Created, created);
            var held = await db.GetJson("/api/areas/E08000016");
            Assert.Contains(held.GetProperty("other_register_teams").EnumerateArray(), t => t.GetProperty("id").GetString() == "test-barnsley-2025");
        }
        finally { await db.Send(HttpMethod.Delete, "/api/teams/test-barnsley-2025", null, db.ApiKey); }
        // within= takes it too.
        Assert.Equal(1, (await db.GetJson("/api/areas?level=lad&within=E08000038")).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Who_commissions_follows_the_new_map_and_inferred_parts_are_marked()
    {
        var sunderland = (await db.GetJson("/api/areas/E08000024")).GetProperty("commissioning").GetProperty("icbs");
        Assert.Equal("NHS North East and North Cumbria Integrated Care Board", sunderland.EnumerateArray().Single().GetProperty("name").GetString());
        var slough = (await db.GetJson("/api/areas/E06000039")).GetProperty("commissioning").GetProperty("icbs");
        Assert.Equal("NHS Thames Valley Integrated Care Board", slough.EnumerateArray().Single().GetProperty("name").GetString());
        // The 455 LSOAs of Frimley's inferred split, and the three ICBs they touch.
        Assert.Equal(455, await db.Scalar<long>("select count(*) from cradle.lsoa where icb_basis = 'inferred_frimley_split_by_district'"));
        var icbs = await db.GetJson("/api/areas?level=icb");
        var partly = icbs.GetProperty("areas").EnumerateArray().Where(a => a.GetProperty("icb_basis").GetString() == "partly_inferred").Select(a => a.GetProperty("code").GetString()).Order().ToList();
        Assert.Equal(["E54000067", "E54000069", "E54000070"], partly);
        var slo = (await db.GetJson("/api/areas?level=lsoa&within=E06000039")).GetProperty("areas").EnumerateArray().ToList();
        Assert.NotEmpty(slo);
        Assert.All(slo, l => Assert.Equal("inferred_frimley_split_by_district", l.GetProperty("icb_basis").GetString()));
        // A coming change, shown with the area it applies to.
        var surrey = await db.GetJson("/api/areas/E10000030");
        Assert.Contains("two unitary councils", surrey.GetProperty("changes")[0].GetProperty("says").GetString());
    }

    [Theory]
    [InlineData("/api/areas?level=icb&as_of=2020-01-01", "as_of", "is before the data: the ICBs held are 2026-04 (2026-04-01 to today); 2024-04 (2024-04-01 to 2026-03-31)")]
    [InlineData("/api/areas?level=icb&as_of=yesterday", "as_of", "'yesterday' is not a date (yyyy-mm-dd)")]
    [InlineData("/api/areas?level=icb&icb_vintage=2019-04", "icb_vintage", "'2019-04' is not a vintage held: 2026-04 (2026-04-01 to today); 2024-04")]
    [InlineData("/api/areas?level=icb&icb_vintage=2024-04&as_of=2025-01-01", "icb_vintage", "give as_of or icb_vintage, not both")]
    [InlineData("/api/areas/E08000021?as_of=2019-01-01", "as_of", "is before the data")]
    public async Task A_bad_vintage_is_a_problem_naming_it_and_the_vintages_held(string url, string parameter, string message)
    {
        var response = await db.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(message, body.GetProperty("errors").GetProperty(parameter)[0].GetString());
    }

    [Fact]
    public async Task GDAL_reads_the_new_ICB_tiles_and_OGC_collection()
    {
        var (code, output) = await TestEnvironment.RunAsync("ogrinfo", "-ro", "-so", $"OAPIF:{db.BaseAddress}ogc", "icb");
        Assert.True(code == 0, output);
        Assert.Contains("Feature Count: 36", output);
        // A tile over Essex at zoom 6 holds the new board.
        var (x, y) = Cradle.Data.Tiles.TileStore.TileOf(0.6, 51.8, 6);
        var (tcode, tile) = await TestEnvironment.RunAsync("ogrinfo", "-ro", "-al", $"MVT:{db.BaseAddress}tiles/icb/6/{x}/{y}.mvt");
        Assert.True(tcode == 0, tile);
        Assert.Contains("E54000066", tile);
        Assert.DoesNotContain("E54000026", tile); // Mid and South Essex is no more
    }

    [Fact]
    public async Task Reports_say_what_a_board_was_made_of_and_what_is_coming()
    {
        static string Text(string html) => System.Text.RegularExpressions.Regex.Replace(WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", " ")), @"\s+", " ");
        var essex = Text(await db.Http.GetStringAsync("/reports/icb/E54000066.html"));
        Assert.Contains("NHS Essex Integrated Care Board was formed on 1 April 2026 from NHS Mid and South Essex Integrated Care Board (", essex);
        Assert.Contains("ICBs and sub-ICB locations of 1 April 2026: derived by Cradle", essex);
        var thamesValley = Text(await db.Http.GetStringAsync("/reports/icb/E54000070.html"));
        Assert.Contains("outline is inferred", thamesValley);
        var surrey = Text(await db.Http.GetStringAsync("/reports/utla/E10000030.html"));
        Assert.Contains("to be replaced by two unitary councils on 1 April 2027", surrey);
        Assert.Contains("surreylgrhub.org", surrey);
    }

    [Fact]
    public async Task The_sub_ICB_locations_of_April_2026_replace_Frimleys_with_three_and_say_which_have_only_an_ODS_code()
    {
        var list = await db.GetJson("/api/areas?level=sicbl");
        Assert.Equal(106, list.GetProperty("count").GetInt32());
        Assert.Equal("2026-04", list.GetProperty("vintage").GetProperty("vintage").GetString());
        Assert.Contains("U2G6B and 92A are given by their ODS codes", list.GetProperty("vintage").GetProperty("derived").GetString());
        var codes = list.GetProperty("areas").EnumerateArray().Select(a => a.GetProperty("code").GetString()).ToHashSet();
        Assert.Contains("U2G6B", codes);         // new: East Berkshire, ODS code only
        Assert.Contains("92A", codes);           // enlarged Surrey Heartlands, ODS code only
        Assert.Contains("E38000266", codes);     // D9Y0V, enlarged, with its new ONS code
        Assert.DoesNotContain("E38000252", codes); // Frimley's D4U1Y is gone
        Assert.Equal(103, codes.Count(c => c!.StartsWith("E38") && c != "E38000266"));
        // Every sub-ICB location of 2026 lies in one ICB of 2026 (the ICBs are dissolved from them).
        foreach (var a in list.GetProperty("areas").EnumerateArray())
            Assert.Single(a.GetProperty("parents").EnumerateArray(), p => p.GetProperty("level").GetString() == "icb");
        // Slough is commissioned by the new East Berkshire sub-ICB location, in NHS Thames Valley ICB.
        var slough = (await db.GetJson("/api/areas/E06000039")).GetProperty("commissioning");
        Assert.Equal("U2G6B", slough.GetProperty("sub_icb_locations")[0].GetProperty("code").GetString());
        // D4U1Y answers with its three successors.
        var gone = await db.Http.GetAsync("/api/areas/E38000252");
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        var next = JsonDocument.Parse(await gone.Content.ReadAsStringAsync()).RootElement.GetProperty("successors").EnumerateArray().Select(x => x.GetProperty("code").GetString()).ToList();
        Assert.Equal(["U2G6B", "E38000266", "92A"], next);
        // The sub-ICB locations of April 2024 stay selectable.
        var old = await db.GetJson("/api/areas?level=sicbl&icb_vintage=2024-04");
        Assert.Equal("sicbl2024", old.GetProperty("level").GetString());
        Assert.Contains(old.GetProperty("areas").EnumerateArray(), a => a.GetProperty("code").GetString() == "E38000252");
    }

    /// <summary>
    /// ONS's official April 2026 lookup, when it can be had, replaces the derived one by its file name alone (the manifest
    /// lists it first): nothing is then marked inferred or derived. Played here with the derived rows under the official
    /// name and without the basis column, loaded, then the real data loaded back.
    /// </summary>
    [Fact]
    public async Task The_official_April_2026_lookup_replaces_the_derived_one_and_nothing_then_says_derived()
    {
        using var dir = new ScratchDataDir();
        var derived = dir.Real("lookups/derived_lsoa21_sicbl26_icb26_en.csv.gz");
        string[] lines;
        using (var gz = new System.IO.Compression.GZipStream(File.OpenRead(derived), System.IO.Compression.CompressionMode.Decompress))
        using (var reader = new StreamReader(gz)) lines = (await reader.ReadToEndAsync()).TrimEnd('\n').Split('\n');
        // The official columns: no basis.
        await File.WriteAllLinesAsync(System.IO.Path.Combine(dir.Path, "lookups/lsoa21_sicbl26_icb26_nhser26_lad26_en.csv"),
            lines.Select(l => string.Join(',', l.Split(',')[..^1])));
        try
        {
            var load = await TestEnvironment.RunCliAsync("load", "--data", dir.Path, "--manifest", TestEnvironment.Manifest);
            Assert.True(load.ExitCode == 0, load.Stderr);
            var icbs = await db.GetJson("/api/areas?level=icb");
            Assert.Equal(36, icbs.GetProperty("count").GetInt32());
            Assert.Equal(JsonValueKind.Null, icbs.GetProperty("vintage").GetProperty("derived").ValueKind);
            Assert.All(icbs.GetProperty("areas").EnumerateArray(), a => Assert.Equal(JsonValueKind.Null, a.GetProperty("icb_basis").ValueKind));
            var html = WebUtility.HtmlDecode(await db.Http.GetStringAsync("/reports/icb/E54000070.html"));
            Assert.DoesNotContain("derived by Cradle", html);
            Assert.Contains("ONS's April 2026 lookup", html);
        }
        finally
        {
            var back = await TestEnvironment.RunCliAsync("load", "--data", TestEnvironment.DataDir, "--manifest", TestEnvironment.Manifest);
            Assert.True(back.ExitCode == 0, back.Stderr);
        }
        Assert.Contains("Derived", (await db.GetJson("/api/areas?level=icb")).GetProperty("vintage").GetProperty("derived").GetString());
    }

    [Fact]
    public async Task CSV_GeoJSON_and_TileJSON_answers_name_their_vintage_too()
    {
        var csv = await db.Http.GetAsync("/api/areas?level=icb&format=csv");
        Assert.Equal("icb 2026-04; in force from 2026-04-01; derived", csv.Headers.GetValues("Cradle-Vintage").Single());
        var old = await db.Http.GetAsync("/api/areas?level=icb&icb_vintage=2024-04&format=csv");
        Assert.Equal("icb2024 2024-04; in force from 2024-04-01 to 2026-03-31", old.Headers.GetValues("Cradle-Vintage").Single());
        var geo = JsonDocument.Parse(await db.Http.GetStringAsync("/api/areas?level=icb&format=geojson")).RootElement;
        Assert.Equal("2026-04", geo.GetProperty("vintage").GetProperty("vintage").GetString());
        var tilejson = await db.GetJson("/tiles/icb2024.json");
        Assert.Equal("2026-03-31", tilejson.GetProperty("vintage").GetProperty("in_force_to").GetString());
    }
}
