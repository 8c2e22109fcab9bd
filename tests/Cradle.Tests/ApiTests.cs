using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cradle.Tests;

[Collection("database")]
public sealed class ApiTests(DatabaseFixture db)
{
    [Fact]
    public async Task Health_live_and_ready_answer_200_with_the_data_version()
    {
        Assert.Equal(HttpStatusCode.OK, (await db.Http.GetAsync("/health/live")).StatusCode);
        var ready = await db.Http.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal(await db.DataVersion(), ready.GetProperty("data_version").GetInt64());
    }

    [Theory]
    [InlineData("lsoa21", 35_672, 33_755)]
    [InlineData("lsoa11", 34_753, 32_844)]
    [InlineData("lad24", 361, 296)]
    [InlineData("iod2025_imd", 33_755, 33_755)]
    [InlineData("iod2025_scores", 33_755, 33_755)]
    [InlineData("imd2019_imd", 32_844, 32_844)]
    [InlineData("imd2019_population", 32_844, 32_844)]
    [InlineData("population_lsoa11_mid2020", 34_753, 32_844)]
    [InlineData("lookup_lsoa21_icb24", 33_755, 33_755)]
    [InlineData("lookup_lsoa21_icb26", 33_755, 33_755)]
    [InlineData("population_lad_mid2024", 357, 333)]
    [InlineData("population_lsoa21_mid2024", 33_755, 33_755)]
    [InlineData("child_poverty_dwp_ahc", 362, 296)]
    public async Task Datasets_lists_each_dataset_with_counts_source_and_licence(string id, int rows, int england)
    {
        var body = await db.Http.GetFromJsonAsync<JsonElement>("/api/datasets");
        Assert.Equal(await db.DataVersion(), body.GetProperty("data_version").GetInt64());
        var datasets = body.GetProperty("datasets").EnumerateArray().ToList();
        Assert.Equal(28, datasets.Count);
        var d = datasets.Single(x => x.GetProperty("id").GetString() == id);
        Assert.Equal(rows, d.GetProperty("rows").GetInt32());
        Assert.Equal(england, d.GetProperty("england_rows").GetInt32());
        Assert.Equal("OGL-UK-3.0", d.GetProperty("licence").GetString());
        Assert.StartsWith("https://", d.GetProperty("source_url").GetString());
        Assert.Contains("Open Government Licence", d.GetProperty("attribution").GetString());
        Assert.False(string.IsNullOrEmpty(d.GetProperty("vintage").GetString()));
        Assert.True(d.GetProperty("loaded_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(-30));
    }

    [Fact]
    public async Task Unknown_paths_are_404_problems()
    {
        var r = await db.Http.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }
}
