using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cradle.Core.Case;
using Cradle.Core.Coverage;
using SkiaSharp;

namespace Cradle.Tests;

/// <summary>
/// The case for change: who commissions, value for money, similar areas, trends, and the report
/// a commissioner takes to a board, read back from the PDF with pdftotext and pdftoppm.
/// </summary>
[Collection("database")]
public sealed class CaseForChangeTests(DatabaseFixture db)
{
    const string Sunderland = "E08000024";
    static string N0(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The report at this URL, checked to be a PDF, saved to a temporary file (the caller deletes it).</summary>
    async Task<string> SavedPdf(string url)
    {
        var response = await db.Http.GetAsync(url);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(bytes, 0, 5));
        var file = Path.Combine(Path.GetTempPath(), $"cradle-test-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, bytes);
        return file;
    }

    async Task<string> PdfText(string url)
    {
        var file = await SavedPdf(url);
        try
        {
            var (code, text) = await TestEnvironment.RunAsync("pdftotext", "-layout", file, "-");
            Assert.True(code == 0, $"pdftotext failed: {text}");
            // One space for any run of white space: wrapped lines and table columns read as one line.
            return Regex.Replace(text, @"\s+", " ");
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task Sunderlands_report_names_who_commissions_and_agrees_with_the_API()
    {
        var area = await db.GetJson($"/api/areas/{Sunderland}");
        var text = await PdfText($"/reports/lad/{Sunderland}.pdf");
        var commissioning = area.GetProperty("commissioning");
        Assert.Contains("Sunderland", text);
        Assert.Contains(commissioning.GetProperty("icbs")[0].GetProperty("name").GetString()!, text);
        Assert.Contains(commissioning.GetProperty("upper_tier_councils")[0].GetProperty("name").GetString()!, text);
        Assert.Contains("was one of the 75 Start for Life councils", text);
        double unmet = area.GetProperty("area").GetProperty("unmet_need").GetDouble();
        Assert.Contains($"Unmet need, families a year {N0(unmet)} ", text);
        Assert.Contains($"About {N0(area.GetProperty("area").GetProperty("need_families_per_year").GetDouble())} families a year in Sunderland may need", text);
        Assert.Contains("No team is known to serve Sunderland", text); // its state is not_known
        // The map's legend is text in the PDF; without a scenario it proposes nothing.
        Assert.Contains("Team service area", text);
        Assert.DoesNotContain("Proposed team (scenario)", text);
        Assert.Equal("not_known", area.GetProperty("area").GetProperty("team_state").GetString());
        // Attributions and caveats.
        Assert.Contains("Contains OS data © Crown copyright and database right 2024", text);
        Assert.Contains("Open Government Licence v3.0", text);
        Assert.Contains("Register completeness", text);
        Assert.Contains("Value for money: cost per family and break-even", text);
        // The similar districts are in it, by name.
        foreach (var s in area.GetProperty("similar_areas").EnumerateArray()) Assert.Contains(s.GetProperty("name").GetString()!, text);
    }

    [Fact]
    public async Task With_a_scenario_the_report_gives_the_cost_per_family_and_value_for_money_of_POST_api_scenarios()
    {
        var (status, scenario) = await db.Send(HttpMethod.Post, "/api/scenarios", """{"teams": [{"areas": ["E08000024"], "capacity_families_per_year": 120, "annual_cost": 180000}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var vfm = scenario.GetProperty("value_for_money");
        double cpf = scenario.GetProperty("totals").GetProperty("cost_per_extra_family_reached").GetDouble();
        Assert.Equal(cpf, vfm.GetProperty("cost_per_family").GetDouble());
        var text = await PdfText($"/reports/lad/{Sunderland}.pdf?scenario=E08000024|120|180000|A%20Sunderland%20team");
        Assert.Contains($"Cost per family reached £{N0(cpf)}", text);
        Assert.Contains("A Sunderland team", text);
        // The map shows where the new team would work.
        Assert.Contains("Proposed team (scenario)", text);
        // Break-even against a year in care, with its unit cost and source, in the key messages and the table.
        var care = vfm.GetProperty("break_even").EnumerateArray().Single(b => b.GetProperty("unit_cost_id").GetString() == "child_looked_after_year");
        string years = care.GetProperty("outcomes_per_year").GetDouble().ToString("N1", CultureInfo.InvariantCulture);
        Assert.Equal(Math.Round(180_000 / care.GetProperty("unit_cost_gbp").GetDouble(), 2), care.GetProperty("outcomes_per_year").GetDouble(), 2);
        Assert.Contains($"about £{N0(cpf)} per family. They pay for themselves if they keep about {years} children out of care for a year", text);
        // The table's cells wrap, so its row is checked in parts.
        Assert.Contains("Break-even, prevented each year: a child", text);
        Assert.Contains($" {years} £{N0(care.GetProperty("unit_cost_gbp").GetDouble())} each (2023–24, cash, derived)", text);
        Assert.Contains("explore-education-statistics.service.gov.uk", text);
        // The lifetime benefit is second, as a national estimate, and no message states a return on £1.
        var bcr = vfm.GetProperty("benefit_cost_ratio");
        Assert.Contains("A national estimate, not an evaluated return", text);
        Assert.DoesNotContain("each £1 would return", text);
        Assert.DoesNotContain("return about £", text);
        Assert.True(bcr.GetProperty("central").GetDouble() > 0);
    }

    [Fact]
    public async Task A_scenarios_proposed_team_is_drawn_on_the_map_and_only_then()
    {
        static bool Proposed(SKColor c) => Math.Abs(c.Red - 0x1d) <= 6 && Math.Abs(c.Green - 0x70) <= 6 && Math.Abs(c.Blue - 0xb8) <= 6;
        var without = await Page1Colours($"/reports/lad/{Sunderland}.pdf");
        var with = await Page1Colours($"/reports/lad/{Sunderland}.pdf?scenario=E08000024|120|180000|A%20Sunderland%20team");
        Assert.DoesNotContain(without, Proposed);
        Assert.True(with.Count(Proposed) > 20, $"{with.Count(Proposed)} pixels of the proposed team's blue");
    }

    /// <summary>The pixels of page 1 of a report, rendered by pdftoppm at this resolution, every step-th in each direction.</summary>
    async Task<List<SKColor>> Page1Colours(string url, int dpi = 100, int step = 1)
    {
        var file = await SavedPdf(url);
        var png = Path.ChangeExtension(file, ".png");
        try
        {
            var (code, output) = await TestEnvironment.RunAsync("pdftoppm", "-r", dpi.ToString(CultureInfo.InvariantCulture), "-f", "1", "-l", "1", "-png", "-singlefile", file, Path.ChangeExtension(file, null));
            Assert.True(code == 0, output);
            using var bitmap = SKBitmap.Decode(png);
            var colours = new List<SKColor>();
            for (int x = 0; x < bitmap.Width; x += step)
                for (int y = 0; y < bitmap.Height; y += step)
                    colours.Add(bitmap.GetPixel(x, y));
            return colours;
        }
        finally { File.Delete(file); File.Delete(png); }
    }

    [Fact]
    public async Task Page_one_of_the_report_renders_with_its_map()
    {
        var colours = (await Page1Colours($"/reports/lad/{Sunderland}.pdf", dpi: 60, step: 3)).ToHashSet();
        Assert.True(colours.Count > 50, $"{colours.Count} colours on page 1");
        // Sunderland's own class, by the catalog's breaks and palette, is on the page.
        double unmet = (await db.GetJson($"/api/areas/{Sunderland}")).GetProperty("area").GetProperty("unmet_need_per_1000_births").GetDouble();
        var figure = Cradle.Core.Catalog.Figures.Get("unmet_need_per_1000_births");
        int k = figure.Breaks!.Count(b => unmet >= b) - 1;
        var hex = Cradle.Core.Catalog.Figures.PaletteOf(figure).Colours[k];
        var own = SKColor.Parse(hex);
        Assert.Contains(colours, c => Math.Abs(c.Red - own.Red) <= 2 && Math.Abs(c.Green - own.Green) <= 2 && Math.Abs(c.Blue - own.Blue) <= 2);
    }

    [Fact]
    public async Task An_upper_tier_report_with_a_scenario_and_its_HTML_say_the_same()
    {
        const string query = "?scenario=E07000144,E07000145|150|157000|Great%20Yarmouth%20and%20Norwich";
        var text = await PdfText($"/reports/utla/E10000020.pdf{query}");
        var html = await db.Http.GetAsync($"/reports/utla/E10000020.html{query}");
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        var page = Regex.Replace(WebUtility.HtmlDecode(Regex.Replace(await html.Content.ReadAsStringAsync(), "<[^>]+>", " ")), @"\s+", " ");
        var area = await db.GetJson("/api/areas/E10000020");
        foreach (var expected in new[] { "Norfolk", "Great Yarmouth and Norwich", "was one of the 75 Start for Life councils", "Norfolk PAIRS",
                     $"Unmet need, families a year {N0(area.GetProperty("area").GetProperty("unmet_need").GetDouble())}", "Value for money: what a finance director can check" })
        {
            Assert.Contains(expected, text);
            Assert.Contains(expected, page);
        }
        // Its districts are listed as who commissions below it.
        foreach (var d in area.GetProperty("commissioning").GetProperty("districts").EnumerateArray()) Assert.Contains(d.GetProperty("name").GetString()!, text);
        Assert.Contains("data:image/png;base64,", await html.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Value_for_money_ranges_are_ordered_sourced_changeable_and_echoed()
    {
        var model = await db.GetJson("/api/model");
        var parameters = model.GetProperty("value_for_money").GetProperty("parameters").EnumerateArray().ToList();
        Assert.Equal(["benefit_per_family_low", "benefit_per_family_central", "benefit_per_family_high"], parameters.Select(p => p.GetProperty("parameter").GetString()));
        Assert.All(parameters, p => Assert.StartsWith("http", p.GetProperty("url").GetString()));
        Assert.True(model.GetProperty("value_for_money").GetProperty("indicative").GetBoolean());

        static void Ordered(JsonElement range)
        {
            double low = range.GetProperty("low").GetDouble(), central = range.GetProperty("central").GetDouble(), high = range.GetProperty("high").GetDouble();
            Assert.True(low <= central && central <= high, $"{low} ≤ {central} ≤ {high}");
        }
        var (_, scenario) = await db.Send(HttpMethod.Post, "/api/scenarios",
            """{"teams": [{"areas": ["E08000024"]}, {"areas": ["E06000047"], "capacity_families_per_year": 200, "annual_cost": 250000}], "benefit_per_family_low": 5000, "benefit_per_family_central": 20000, "benefit_per_family_high": 30000}""");
        var vfm = scenario.GetProperty("value_for_money");
        foreach (var r in new[] { "benefit_per_family", "lifetime_benefit", "benefit_cost_ratio" }) Ordered(vfm.GetProperty(r));
        Assert.Equal(20000, vfm.GetProperty("benefit_per_family").GetProperty("central").GetDouble()); // echoed
        double families = vfm.GetProperty("extra_families_reached").GetDouble(), cost = vfm.GetProperty("annual_cost").GetDouble();
        Assert.Equal(407000, cost);
        Assert.Equal(Math.Round(20000 * families / cost, 2), vfm.GetProperty("benefit_cost_ratio").GetProperty("central").GetDouble(), 2);

        var (planStatus, plan) = await db.Send(HttpMethod.Post, "/api/plan", """{"teams": 2}""");
        Assert.Equal(HttpStatusCode.OK, planStatus);
        var pv = plan.GetProperty("value_for_money");
        foreach (var r in new[] { "benefit_per_family", "lifetime_benefit", "benefit_cost_ratio" }) Ordered(pv.GetProperty(r));
        Assert.Equal(plan.GetProperty("extra_families_covered").GetDouble(), pv.GetProperty("extra_families_reached").GetDouble(), 2);
        Assert.Equal(BenefitParameters.DefaultCentral, pv.GetProperty("benefit_per_family").GetProperty("central").GetDouble());

        var (bad, problem) = await db.Send(HttpMethod.Post, "/api/scenarios", """{"teams": [{"areas": ["E08000024"]}], "benefit_per_family_high": 1000}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.True(problem.GetProperty("errors").TryGetProperty("benefit_per_family_high", out _), problem.ToString());
    }

    [Fact]
    public async Task Similar_areas_are_ten_of_the_same_level_never_itself_and_stable_across_snapshots()
    {
        var lads = (await db.GetJson("/api/areas?level=lad")).GetProperty("areas").EnumerateArray().Select(a => a.GetProperty("code").GetString()!).ToHashSet();
        var utlas = (await db.GetJson("/api/areas?level=utla")).GetProperty("areas").EnumerateArray().Select(a => a.GetProperty("code").GetString()!).ToHashSet();
        // (A unitary authority's code is its district's in /api/areas/{code}: its finest level.)
        foreach (var (code, codes) in new[] { (Sunderland, lads), ("E07000144", lads), ("E10000016", utlas), ("E10000020", utlas) })
        {
            var similar = (await db.GetJson($"/api/areas/{code}")).GetProperty("similar_areas").EnumerateArray().Select(x => x.GetProperty("code").GetString()!).ToList();
            Assert.Equal(10, similar.Count);
            Assert.DoesNotContain(code, similar);
            Assert.All(similar, c => Assert.Contains(c, codes));
            Assert.Equal(10, similar.Distinct().Count());
        }
        // Two snapshots of the same data give the same neighbours, for every district and upper-tier council.
        var a = await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(db.Db);
        var b = await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(db.Db);
        foreach (var level in SimilarAreas.Levels)
        {
            var (x, y) = (a.SimilarAreas(level), b.SimilarAreas(level));
            Assert.Equal(a.Levels[level].Count, x.Nearest.Length);
            for (int i = 0; i < x.Nearest.Length; i++)
                Assert.Equal(x.Nearest[i].Select(n => n.Code), y.Nearest[i].Select(n => n.Code));
        }
        // And the API's are those.
        var sunderland = (await db.GetJson($"/api/areas/{Sunderland}")).GetProperty("similar_areas").EnumerateArray().Select(s => s.GetProperty("code").GetString()).ToList();
        Assert.Equal(a.SimilarAreas("lad").Nearest[a.Levels["lad"].Index[Sunderland]].Select(n => n.Code), sunderland);
        // Distances grow: most similar first.
        var distances = (await db.GetJson($"/api/areas/{Sunderland}")).GetProperty("similar_areas").EnumerateArray().Select(s => s.GetProperty("distance").GetDouble()).ToList();
        Assert.Equal(distances.Order(), distances);
    }

    [Theory]
    [InlineData("E08000024", "yes")]  // Sunderland: a Start for Life council
    [InlineData("E10000025", "no")]   // Oxfordshire: not one
    [InlineData("E07000105", "yes")]  // Ashford, a district of Kent (a Start for Life county)
    [InlineData("E07000177", "no")]   // Cherwell, a district of Oxfordshire
    public async Task Start_for_Life_status_follows_the_upper_tier_council(string code, string expected)
    {
        var c = (await db.GetJson($"/api/areas/{code}")).GetProperty("commissioning");
        Assert.Equal(expected, c.GetProperty("start_for_life").GetString());
        Assert.Contains("Start for Life", c.GetProperty("start_for_life_text").GetString());
        Assert.StartsWith("https://www.gov.uk/", c.GetProperty("start_for_life_source").GetString());
        Assert.Contains(c.GetProperty("programmes").EnumerateArray(), p => p.GetProperty("id").GetString() == "best-start-family-hubs");
    }

    [Fact]
    public async Task The_75_Start_for_Life_councils_are_upper_tier_councils_and_an_ICB_lists_its_councils_with_shares()
    {
        var utlas = (await db.GetJson("/api/areas?level=utla")).GetProperty("areas").EnumerateArray().Select(a => a.GetProperty("code").GetString()!).ToHashSet();
        Assert.Equal(75, Programmes.StartForLifeCouncils.Count);
        Assert.All(Programmes.StartForLifeCouncils, code => Assert.Contains(code, utlas));
        var icb = (await db.GetJson("/api/areas/E54000050")).GetProperty("commissioning"); // North East and North Cumbria
        var councils = icb.GetProperty("upper_tier_councils").EnumerateArray().ToList();
        Assert.True(councils.Count >= 10, $"{councils.Count} councils");
        Assert.Equal(1.0, councils.Sum(x => x.GetProperty("infants_share").GetDouble()), 2);
        Assert.Contains(councils, x => x.GetProperty("name").GetString() == "Sunderland" && x.GetProperty("start_for_life").GetBoolean());
        Assert.Equal("partly", icb.GetProperty("start_for_life").GetString());
    }

    [Fact]
    public async Task Trends_hold_both_vintages_and_Englands_births_are_ONSs()
    {
        var england = (await db.GetJson("/api/areas/E92000001")).GetProperty("trends");
        Assert.Equal(601_913, england.GetProperty("births").GetProperty("mid2020").GetDouble(), 0);
        Assert.Equal(573_812, england.GetProperty("births").GetProperty("mid2024").GetDouble(), 0);
        var sunderland = (await db.GetJson($"/api/areas/{Sunderland}")).GetProperty("trends");
        Assert.Equal([2022, 2023, 2024, 2025], sunderland.GetProperty("child_poverty_before_housing_costs").EnumerateArray().Select(x => x.GetProperty("fye").GetInt32()));
        // Each vintage's share is the one /api/areas gives under that vintage.
        var dep = sunderland.GetProperty("deprivation");
        foreach (var (vintage, field) in new[] { ("imd2019", "share_infants_deciles_1_2_imd2019"), ("iod2025", "share_infants_deciles_1_2_iod2025") })
        {
            var area = (await db.GetJson($"/api/areas/{Sunderland}?deprivation={vintage}")).GetProperty("area");
            Assert.Equal(area.GetProperty("deprivation").GetProperty("share_infants_deciles_1_2").GetDouble(), dep.GetProperty(field).GetDouble(), 4);
        }
        Assert.NotEqual(dep.GetProperty("share_infants_deciles_1_2_imd2019").GetDouble(), dep.GetProperty("share_infants_deciles_1_2_iod2025").GetDouble());
        // Newcastle: NEWPIP's start (2017) from the register.
        var newcastle = (await db.GetJson("/api/areas/E08000021")).GetProperty("trends").GetProperty("teams").EnumerateArray().ToList();
        Assert.Contains(newcastle, e => e.GetProperty("team_id").GetString() == "newpip" && e.GetProperty("event").GetString() == "started" && e.GetProperty("date").GetString() == "2017");
    }

    [Theory]
    [InlineData("icb", "E54000050")]
    [InlineData("nhser", "E40000012")]
    [InlineData("region", "E12000001")]
    [InlineData("sicbl", "E38000176")]
    public async Task Every_level_with_reports_makes_one(string level, string code)
    {
        var area = (await db.GetJson($"/api/areas/{code}")).GetProperty("area");
        var text = await PdfText($"/reports/{level}/{code}.pdf");
        Assert.Contains(area.GetProperty("name").GetString()!, text);
        Assert.Contains($"Unmet need, families a year {N0(area.GetProperty("unmet_need").GetDouble())} ", text);
        Assert.Contains("Who commissions here", text);
        Assert.DoesNotContain("most similar", text); // similar areas are for districts and upper-tier councils
    }

    [Fact]
    public async Task A_report_of_closures_only_and_with_given_benefits_says_so()
    {
        var text = await PdfText("/reports/lad/E08000021.pdf?close=newpip&benefit_per_family_central=30000");
        Assert.Contains("Closed: newpip", text);
        Assert.Contains("central £30,000 (given for this report)", text);
        var (_, scenario) = await db.Send(HttpMethod.Post, "/api/scenarios", """{"close": ["newpip"]}""");
        var newcastle = scenario.GetProperty("areas").EnumerateArray().Single(a => a.GetProperty("code").GetString() == "E08000021");
        Assert.Contains($"Unmet need, families a year {N0(newcastle.GetProperty("unmet_need_before").GetDouble())} {N0(newcastle.GetProperty("unmet_need_after").GetDouble())}", text);
    }

    [Theory]
    [InlineData("lad", "E07000138", "No specialised parent-infant relationship team is commissioned for Lincolnshire, which includes 100% of Lincoln's infants: a statement dated 2024")]
    [InlineData("utla", "E10000016", "Kent Parent Infant Mental Health Service (source dated")]
    public async Task The_key_message_on_provision_names_its_team_or_statement(string level, string code, string expected)
    {
        var text = await PdfText($"/reports/{level}/{code}.pdf");
        Assert.Contains(expected, text);
    }

    [Fact]
    public async Task A_scenario_name_is_text_in_the_HTML_report_never_markup()
    {
        var response = await db.Http.GetAsync("/reports/lad/E08000024.html?scenario=E08000024%7C150%7C157000%7C%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert(1)", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
    }

    [Theory]
    [InlineData("/reports/lad/E08000099.pdf", HttpStatusCode.NotFound, "area")]
    [InlineData("/reports/lsoa/E01000001.pdf", HttpStatusCode.BadRequest, "level")]
    [InlineData("/reports/ward/E08000024.html", HttpStatusCode.BadRequest, "level")]
    [InlineData("/reports/lad/E0800002.pdf", HttpStatusCode.BadRequest, "code")]
    [InlineData("/reports/lad/E08000024.pdf?scenario=E08000024|lots", HttpStatusCode.BadRequest, "scenario")]
    [InlineData("/reports/lad/E08000024.pdf?scenario=E07000999", HttpStatusCode.BadRequest, "scenario")]
    [InlineData("/reports/lad/E08000024.pdf?scenario=E08000024|-5", HttpStatusCode.BadRequest, "scenario")]
    [InlineData("/reports/lad/E08000024.pdf?close=no-such-team", HttpStatusCode.BadRequest, "close")]
    [InlineData("/reports/lad/E08000024.pdf?close=DROP%20TABLE", HttpStatusCode.BadRequest, "close")]
    [InlineData("/reports/lad/E08000024.pdf?benefit_per_family_low=90000", HttpStatusCode.BadRequest, "benefit_per_family_low")]
    [InlineData("/reports/lad/E08000024.pdf?benefit_per_family_low=1000&benefit_per_family_high=30000", HttpStatusCode.BadRequest, "benefit_per_family_high")]
    [InlineData("/reports/lad/E08000024.pdf?benefit_per_family_central=lots", HttpStatusCode.BadRequest, "benefit_per_family_central")]
    [InlineData("/reports/lad/E08000024.pdf?colour=red", HttpStatusCode.BadRequest, "colour")]
    [InlineData("/reports/lad/E08000024.pdf?need_model=magic", HttpStatusCode.BadRequest, "need_model")]
    public async Task Bad_report_requests_are_problems_naming_the_parameter(string url, HttpStatusCode status, string parameter)
    {
        var response = await db.Http.GetAsync(url);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (status == HttpStatusCode.BadRequest) Assert.True(body.GetProperty("errors").TryGetProperty(parameter, out _), body.ToString());
        else Assert.Contains(parameter, body.GetProperty("title").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Page 1's text: the key messages and the map, whose names are text in the PDF.</summary>
    async Task<string> Page1Text(string url)
    {
        var file = await SavedPdf(url);
        try
        {
            var (code, text) = await TestEnvironment.RunAsync("pdftotext", "-f", "1", "-l", "1", file, "-");
            Assert.True(code == 0, text);
            return Regex.Replace(text, @"\s+", " ");
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task Page_one_names_the_area_and_its_neighbours_on_the_map()
    {
        var text = await Page1Text($"/reports/lad/{Sunderland}.pdf");
        foreach (var name in new[] { "Sunderland", "South Tyneside", "Gateshead" }) Assert.Contains(name, text);
        // An ICB's map names the districts inside it (those with room for a label: the large ones at least).
        var icb = await Page1Text("/reports/icb/E54000050.pdf");
        foreach (var name in new[] { "County Durham", "Northumberland", "Cumberland" }) Assert.Contains(name, icb);
    }

    [Fact]
    public async Task The_Word_report_opens_and_holds_the_APIs_figures()
    {
        var response = await db.Http.GetAsync($"/reports/lad/{Sunderland}.docx");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", response.Content.Headers.ContentType!.MediaType);
        var file = Path.Combine(Path.GetTempPath(), $"cradle-test-{Guid.NewGuid():N}.docx");
        await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync());
        try
        {
            // Opened as Word's files are, with unzip: the document, and the map as a picture.
            var (code, listing) = await TestEnvironment.RunAsync("unzip", "-l", file);
            Assert.True(code == 0, listing);
            Assert.Contains("word/document.xml", listing);
            Assert.Contains("media/", listing);
            var (code2, xml) = await TestEnvironment.RunAsync("unzip", "-p", file, "word/document.xml");
            Assert.True(code2 == 0);
            var text = Regex.Replace(string.Concat(Regex.Matches(xml, "<w:t[^>]*>([^<]*)</w:t>").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value) + " ")), @"\s+", " ");
            var area = (await db.GetJson($"/api/areas/{Sunderland}")).GetProperty("area");
            Assert.Contains($"That leaves about {N0(area.GetProperty("unmet_need").GetDouble())} families a year", text);
            Assert.Contains($"Unmet need, families a year {N0(area.GetProperty("unmet_need").GetDouble())} ", text);
            Assert.Contains("The case for a parent-infant relationship team: Sunderland", text);
            Assert.Contains("Contains OS data © Crown copyright", text);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task Kents_Best_Start_section_exists_in_three_formats_with_priced_options()
    {
        var text = await PdfText("/reports/best-start/E10000016.pdf");
        var kent = (await db.GetJson("/api/areas/E10000016")).GetProperty("area");
        foreach (var expected in new[] { "Best Start local plan", "Need", "Provision", "The gap", "Options", "Kent Parent Infant Mental Health Service",
                     $"Families a year who may need a specialised team {N0(kent.GetProperty("need_families_per_year").GetDouble())}", "Maidstone", "Break-even" })
            Assert.Contains(expected, text);
        var html = await db.Http.GetAsync("/reports/best-start/E10000016.html");
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        var page = WebUtility.HtmlDecode(await html.Content.ReadAsStringAsync());
        Assert.Contains("a section for Kent's Best Start local plan", page);
        var docx = await db.Http.GetAsync("/reports/best-start/E10000016.docx");
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        var bytes = await docx.Content.ReadAsByteArrayAsync();
        Assert.Equal((byte)'P', bytes[0]); // a zip
        // Its one-team option agrees with POST /api/scenarios for the same team, in Kent's frame.
        var option = Regex.Match(text, @"One team (\S.*?) 100 (\d[\d,]*) £157,000 £1,570 (\d+\.\d) ([\d,]+)");
        Assert.True(option.Success, "the one-team option row");
        var kentLads = (await db.GetJson("/api/areas?level=lad&within=E10000016")).GetProperty("areas").EnumerateArray()
            .ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetProperty("code").GetString()!);
        var where = option.Groups[1].Value.Split(" and ").Select(n => kentLads[n]).ToArray();
        var (_, r) = await db.Send(HttpMethod.Post, "/api/scenarios",
            JsonSerializer.Serialize(new { teams = new[] { new { areas = where, capacity_families_per_year = 100, annual_cost = 157000 } }, within = "E10000016" }));
        Assert.Equal(N0(r.GetProperty("value_for_money").GetProperty("extra_families_reached").GetDouble()), option.Groups[2].Value);
        Assert.Equal(N0(r.GetProperty("frame").GetProperty("area").GetProperty("unmet_need_after").GetDouble()), option.Groups[4].Value);
        // The options district by district.
        Assert.Contains("Unmet need in Kent's districts, families a year, before and after each option", text);
        // A scenario is not for this section: 400 naming it.
        Assert.Equal(HttpStatusCode.BadRequest, (await db.Http.GetAsync("/reports/best-start/E10000016.pdf?scenario=E07000110")).StatusCode);
        // A district is not an upper-tier council here (Maidstone): 404.
        Assert.Equal(HttpStatusCode.NotFound, (await db.Http.GetAsync("/reports/best-start/E07000110.pdf")).StatusCode);
    }

    [Fact]
    public async Task Options_compared_in_the_report_agree_with_the_API_in_the_areas_frame()
    {
        const string nenc = "E54000050";
        var one = "E08000024|100|157000|Sunderland team";
        var three = "E08000024|100|157000|Sunderland team;E08000023|100|157000|South Tyneside team;E08000037|100|157000|Gateshead team";
        var html = await db.Http.GetStringAsync($"/reports/icb/{nenc}.html?scenario={Uri.EscapeDataString(one)}&option2={Uri.EscapeDataString(three)}&option_names={Uri.EscapeDataString("One team|Three teams")}");
        Assert.Contains("Options compared", html);
        Assert.Contains("Three teams", html);
        async Task<JsonElement> Frame(object[] teams) => (await db.Send(HttpMethod.Post, "/api/scenarios",
            JsonSerializer.Serialize(new { teams, level = "icb", within = nenc }))).Body.GetProperty("frame");
        var a = await Frame([new { areas = new[] { "E08000024" }, capacity_families_per_year = 100, annual_cost = 157000 }]);
        var b = await Frame([new { areas = new[] { "E08000024" }, capacity_families_per_year = 100, annual_cost = 157000 },
            new { areas = new[] { "E08000023" }, capacity_families_per_year = 100, annual_cost = 157000 },
            new { areas = new[] { "E08000037" }, capacity_families_per_year = 100, annual_cost = 157000 }]);
        string En(double v) => N0(v);
        // The area's row: before, then each option's after, as the API gives them.
        var row = System.Text.RegularExpressions.Regex.Match(html, @"unmet need, families a year</t[hd]>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>");
        Assert.True(row.Success, "the area's row of the options table");
        Assert.Equal(En(a.GetProperty("area").GetProperty("unmet_need_before").GetDouble()), row.Groups[1].Value);
        Assert.Equal(En(a.GetProperty("area").GetProperty("unmet_need_after").GetDouble()), row.Groups[2].Value);
        Assert.Equal(En(b.GetProperty("area").GetProperty("unmet_need_after").GetDouble()), row.Groups[3].Value);
        // An option without the scenario to compare with, or malformed, names its parameter.
        var (status, problem) = await db.Send(HttpMethod.Get, $"/reports/icb/{nenc}.html?option2={Uri.EscapeDataString(three)}", null);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("option2", out _), problem.ToString());
        (status, problem) = await db.Send(HttpMethod.Get, $"/reports/icb/{nenc}.html?scenario={Uri.EscapeDataString(one)}&option3=E99|x", null);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("option3", out _), problem.ToString());
    }

    [Fact]
    public async Task A_scenario_in_the_commissioners_frame_adds_up_to_the_area()
    {
        var (status, r) = await db.Send(HttpMethod.Post, "/api/scenarios",
            """{"teams": [{"areas": ["E08000024", "E08000023"], "capacity_families_per_year": 120, "annual_cost": 180000}], "within": "E54000050"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var frame = r.GetProperty("frame");
        var area = frame.GetProperty("area");
        Assert.Equal("E54000050", area.GetProperty("code").GetString());
        var districts = frame.GetProperty("districts").EnumerateArray().ToList();
        foreach (var field in new[] { "need_families_per_year", "unmet_need_before", "unmet_need_after", "covered_need_after" })
            Assert.InRange(Math.Abs(districts.Sum(d => d.GetProperty(field).GetDouble()) - area.GetProperty(field).GetDouble()), 0, districts.Count * 0.01 + 0.01);
        Assert.Equal(120, area.GetProperty("unmet_need_before").GetDouble() - area.GetProperty("unmet_need_after").GetDouble(), 0);
        Assert.True(districts.Single(d => d.GetProperty("code").GetString() == "E06000064").GetProperty("partial").GetBoolean());
        // The area's own before equals GET /api/areas/{code}.
        var icb = (await db.GetJson("/api/areas/E54000050")).GetProperty("area");
        Assert.Equal(icb.GetProperty("unmet_need").GetDouble(), area.GetProperty("unmet_need_before").GetDouble(), 1);
        var (bad, _) = await db.Send(HttpMethod.Post, "/api/scenarios", """{"teams": [{"areas": ["E08000024"]}], "within": "E54999999"}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
    }
}
