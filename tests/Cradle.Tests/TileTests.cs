using System.IO.Compression;
using System.Net;
using System.Text.Json;
using NetTopologySuite.IO.VectorTiles;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using SkiaSharp;
using Cradle.Data.Tiles;

namespace Cradle.Tests;

/// <summary>Vector tiles, TileJSON, OGC API Features and map images, read by real clients.</summary>
[Collection("database")]
public sealed class TileTests(DatabaseFixture db)
{
    async Task<(HttpStatusCode Status, byte[] Raw, HttpResponseMessage Response)> Get(string url, bool gzip = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (gzip) request.Headers.AcceptEncoding.ParseAdd("gzip");
        var response = await db.Http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (response.Content.Headers.ContentEncoding.Contains("gzip"))
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            bytes = ms.ToArray();
        }
        return (response.StatusCode, bytes, response);
    }

    static VectorTile Decode(byte[] raw, int x, int y, int z)
    {
        using var ms = new MemoryStream(raw);
        return new MapboxTileReader().Read(ms, new NetTopologySuite.IO.VectorTiles.Tiles.Tile(x, y, z));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(10)]
    [InlineData(13)]
    public async Task District_tiles_hold_Newcastle_with_its_figures(int z)
    {
        var (x, y) = TileStore.TileOf(-1.61, 54.98, z);
        var (status, raw, response) = await Get($"/tiles/lad/{z}/{x}/{y}.mvt");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType!.MediaType);
        var layer = Assert.Single(Decode(raw, x, y, z).Layers);
        Assert.Equal("lad", layer.Name);
        var newcastle = layer.Features.Single(f => (string)f.Attributes["code"] == "E08000021");
        Assert.Equal("Newcastle upon Tyne", newcastle.Attributes["name"]);
        var api = (await db.GetJson("/api/areas/E08000021")).GetProperty("area").GetProperty("unmet_need_per_1000_births").GetDouble();
        Assert.Equal(api, Convert.ToDouble(newcastle.Attributes["unmet_need_per_1000_births"]), 1);
        Assert.True(api > 0);
        Assert.Equal(1.0, Convert.ToDouble(newcastle.Attributes["geographic_coverage"]), 3);
        Assert.False((bool)newcastle.Attributes["no_team"]);
        Assert.Equal(3050 + 3180, Convert.ToDouble(newcastle.Attributes["infants_under_2"]), 0); // ONS mid-2024, ages 0 and 1
        Assert.Equal("served", newcastle.Attributes["team_state"]);
        // The decoded polygon sits where Newcastle is.
        var c = newcastle.Geometry.EnvelopeInternal.Centre;
        Assert.InRange(c.X, -2.2, -1.0);
        Assert.InRange(c.Y, 54.7, 55.3);
    }

    [Fact]
    public async Task An_LSOA_tile_inside_Newcastle_holds_Newcastles_LSOAs()
    {
        var (x, y) = TileStore.TileOf(-1.61, 54.975, 13);
        var (status, raw, _) = await Get($"/tiles/lsoa/13/{x}/{y}.mvt");
        Assert.Equal(HttpStatusCode.OK, status);
        var codes = Decode(raw, x, y, 13).Layers.Single().Features.Select(f => (string)f.Attributes["code"]).ToList();
        Assert.NotEmpty(codes);
        var newcastle = (await db.Query<string>("select code from cradle.lsoa where lad_code = 'E08000021'")).ToHashSet();
        Assert.True(codes.Count(newcastle.Contains) >= codes.Count / 2, $"{codes.Count(newcastle.Contains)} of {codes.Count} in Newcastle");
        var lsoa = Decode(raw, x, y, 13).Layers.Single().Features.First(f => newcastle.Contains((string)f.Attributes["code"]));
        Assert.InRange(Convert.ToInt32(lsoa.Attributes["imd_decile"]), 1, 10);
    }

    [Fact]
    public async Task Zoom_5_district_tiles_over_England_stay_under_500_KB()
    {
        int checkedTiles = 0;
        for (int x = 15; x <= 16; x++)
            for (int y = 9; y <= 11; y++)
            {
                var (status, raw, _) = await Get($"/tiles/lad/5/{x}/{y}.mvt");
                if (status == HttpStatusCode.NoContent) continue;
                Assert.True(raw.Length < 500_000, $"5/{x}/{y}: {raw.Length} bytes");
                checkedTiles++;
            }
        Assert.True(checkedTiles >= 2);
    }

    [Fact]
    public async Task No_LSOA_tile_in_the_densest_places_exceeds_1_MB_at_any_zoom()
    {
        // Central London, Birmingham and Manchester: the most LSOAs per tile at every zoom served.
        foreach (var (lon, lat) in new[] { (-0.1, 51.51), (-1.89, 52.48), (-2.24, 53.48) })
            for (int z = 8; z <= 14; z++)
            {
                var (x, y) = TileStore.TileOf(lon, lat, z);
                var (status, raw, _) = await Get($"/tiles/lsoa/{z}/{x}/{y}.mvt");
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.True(raw.Length < 1_000_000, $"lsoa {z}/{x}/{y}: {raw.Length} bytes");
            }
    }

    [Theory]
    [InlineData("/tiles/lad/23/0/0.mvt", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/lad/5/32/0.mvt", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/lad/5/0/-1.mvt", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/lad/x/0/0.mvt", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/lsoa/5/15/10.mvt", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/nothing/5/15/10.mvt", HttpStatusCode.NotFound)]
    [InlineData("/tiles/lad/5/15/10.mvt?debug=1", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/lad/5/0/0.mvt", HttpStatusCode.NoContent)]
    public async Task Tile_requests_out_of_range_are_problems_and_empty_tiles_are_204(string url, HttpStatusCode expected)
    {
        var response = await db.Http.GetAsync(url);
        Assert.Equal(expected, response.StatusCode);
        if ((int)expected >= 400) Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Tiles_are_gzipped_when_asked_and_revalidate_with_ETags()
    {
        var (x, y) = TileStore.TileOf(-1.61, 54.98, 8);
        var url = $"/tiles/lad/8/{x}/{y}.mvt";
        var (_, raw, plain) = await Get(url);
        var (_, unzipped, zipped) = await Get(url, gzip: true);
        Assert.Contains("gzip", zipped.Content.Headers.ContentEncoding);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(raw, unzipped);
        var etag = plain.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await db.Http.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task A_register_edit_changes_the_affected_tiles_ETag_and_content()
    {
        var (x, y) = TileStore.TileOf(-1.38, 54.9, 10); // Sunderland
        var url = $"/tiles/lad/10/{x}/{y}.mvt";
        await db.Send(HttpMethod.Delete, "/api/teams/test-tiles", null, db.ApiKey);
        var (_, before, beforeResponse) = await Get(url);
        bool NoTeam(byte[] raw) => (bool)Decode(raw, x, y, 10).Layers.Single().Features.Single(f => (string)f.Attributes["code"] == "E08000024").Attributes["no_team"];
        Assert.True(NoTeam(before));
        var (created, _) = await db.Send(HttpMethod.Post, "/api/teams", TestTeams.Json("test-tiles"), db.ApiKey);
        Assert.Equal(HttpStatusCode.Created, created);
        try
        {
            // The server waits up to 5 s for the edit's tile figures and serves the edition before meanwhile (a moment
            // behind, by design); on a loaded machine publishing can take longer, so this asks again, within a generous bound:
            // it judges that the tile changes, not how fast (make bench does).
            HttpResponseMessage response;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            do
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.IfNoneMatch.Add(beforeResponse.Headers.ETag!);
                response = await db.Http.SendAsync(request);
            } while (response.StatusCode == HttpStatusCode.NotModified && DateTime.UtcNow < deadline);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual(beforeResponse.Headers.ETag, response.Headers.ETag);
            Assert.False(NoTeam(await response.Content.ReadAsByteArrayAsync()));
        }
        finally { await db.Send(HttpMethod.Delete, "/api/teams/test-tiles", null, db.ApiKey); }
    }

    [Fact]
    public async Task An_earlier_days_tile_figures_are_published_again_whole_with_nothing_doubled()
    {
        var version = await db.DataVersion();
        Task<int> Teams(long v) => db.Scalar<int>("select count(*)::int from cradle_meta.tile_teams where data_version = @v", new { v });
        int figures = await db.Scalar<int>("select count(*)::int from cradle_meta.tile_figures where data_version = @v", new { v = version });
        int teams = await Teams(version);
        Assert.True(figures > 30_000 && teams > 0, $"{figures} figure rows, {teams} team rows published for v{version}");
        // As if published yesterday: team states may have aged since (a statement of "no team" gone stale).
        await db.Scalar<int>("update cradle_meta.tile_published set as_of = as_of - 1 where data_version = @v returning 1", new { v = version });
        var edition = await Cradle.Data.Tiles.TileFigures.PublishCurrentAsync(db.Db);
        Assert.Equal(Cradle.Data.Tiles.TileEdition.Today(version), edition);
        Assert.Equal(figures, await db.Scalar<int>("select count(*)::int from cradle_meta.tile_figures where data_version = @v", new { v = version }));
        Assert.Equal(teams, await Teams(version));
        // Published again for today, a second call writes nothing.
        var publishedAt = await db.Scalar<DateTime>("select published_at from cradle_meta.tile_published where data_version = @v", new { v = version });
        Assert.Equal(edition, await Cradle.Data.Tiles.TileFigures.PublishCurrentAsync(db.Db));
        Assert.Equal(publishedAt, await db.Scalar<DateTime>("select published_at from cradle_meta.tile_published where data_version = @v", new { v = version }));
    }

    [Fact]
    public async Task TileJSON_and_the_style_describe_the_layers()
    {
        var tj = await db.GetJson("/tiles/lsoa.json");
        Assert.Equal("3.0.0", tj.GetProperty("tilejson").GetString());
        Assert.Equal(8, tj.GetProperty("minzoom").GetInt32());
        // The URL names the edition: the data version and the day its team states hold for.
        var asOf = DateOnly.Parse(tj.GetProperty("as_of").GetString()!);
        Assert.Equal(TestEnvironment.Today, asOf);
        Assert.EndsWith($"/tiles/lsoa/{{z}}/{{x}}/{{y}}.mvt?v={await db.DataVersion()}.{asOf:yyyyMMdd}", tj.GetProperty("tiles")[0].GetString());
        var layer = tj.GetProperty("vector_layers")[0];
        Assert.Equal("lsoa", layer.GetProperty("id").GetString());
        Assert.Equal("Number", layer.GetProperty("fields").GetProperty("imd_decile").GetString());
        Assert.Contains("Open Government Licence", tj.GetProperty("attribution").GetString());
        Assert.Equal(4, tj.GetProperty("bounds").GetArrayLength());
        // Behind a TLS-ending proxy on this machine, links carry the public scheme and host.
        using var proxied = new HttpRequestMessage(HttpMethod.Get, "/tiles/lsoa.json");
        proxied.Headers.Add("X-Forwarded-Proto", "https");
        proxied.Headers.Add("X-Forwarded-Host", "cradle.example.org");
        var viaProxy = System.Text.Json.JsonDocument.Parse(await (await db.Http.SendAsync(proxied)).Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("https://cradle.example.org/tiles/lsoa/", viaProxy.GetProperty("tiles")[0].GetString());
        var style = await db.GetJson("/tiles/style.json");
        Assert.Equal(8, style.GetProperty("version").GetInt32());
        Assert.True(style.GetProperty("sources").TryGetProperty("lad", out _));
        // One fill layer a class, each a filter and a plain colour (what QGIS 3.22 can convert), and grey for no figure.
        var fills = style.GetProperty("layers").EnumerateArray().Where(l => l.GetProperty("type").GetString() == "fill").ToList();
        var figure = Cradle.Core.Catalog.Figures.Get("unmet_need_per_1000_births");
        Assert.Equal(figure.Breaks!.Length + 1, fills.Count);
        Assert.Equal(Cradle.Core.Catalog.Figures.PaletteOf(figure).Colours.Take(figure.Breaks.Length).Prepend(Cradle.Core.Catalog.Figures.NoValueColour),
            fills.Select(f => f.GetProperty("paint").GetProperty("fill-color").GetString()));
        Assert.All(fills, f => Assert.Equal(JsonValueKind.Array, f.GetProperty("filter").ValueKind));
    }

    static Task<(int ExitCode, string Output)> Ogrinfo(params string[] args) => TestEnvironment.RunAsync("ogrinfo", args);

    [Fact]
    public async Task GDAL_reads_a_tile_through_its_MVT_driver()
    {
        var (x, y) = TileStore.TileOf(-1.61, 54.98, 10);
        var (code, output) = await Ogrinfo("-ro", "-al", $"MVT:{db.BaseAddress}tiles/lad/10/{x}/{y}.mvt");
        Assert.True(code == 0, output);
        Assert.Contains("Layer name: lad", output);
        Assert.Contains("code (String) = E08000021", output);
        Assert.Contains("name (String) = Newcastle upon Tyne", output);
    }

    [Fact]
    public async Task GDAL_reads_the_OGC_API_lists_the_collections_and_gets_Newcastle_by_bbox()
    {
        var (code, output) = await Ogrinfo("-ro", "-so", $"OAPIF:{db.BaseAddress}ogc");
        Assert.True(code == 0, output);
        foreach (var c in new[] { "lad", "lsoa", "sicbl", "icb", "region", "teams" }) Assert.Contains($": {c} (", output);
        (code, output) = await Ogrinfo("-ro", $"OAPIF:{db.BaseAddress}ogc", "lad", "-spat", "-1.66", "54.97", "-1.60", "54.99");
        Assert.True(code == 0, output);
        Assert.Contains("code (String) = E08000021", output);
        Assert.Contains("OGRFeature(lad)", output);
    }

    [Fact]
    public async Task The_OGC_API_pages_with_typed_links_and_refuses_unknown_parameters()
    {
        var landing = await db.GetJson("/ogc");
        Assert.All(landing.GetProperty("links").EnumerateArray(), l => Assert.False(string.IsNullOrEmpty(l.GetProperty("type").GetString())));
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            (await db.GetJson("/ogc/conformance")).GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()));
        var page = await db.GetJson("/ogc/collections/lad/items?limit=100");
        Assert.Equal(100, page.GetProperty("numberReturned").GetInt32());
        Assert.Equal(296, page.GetProperty("numberMatched").GetInt32());
        var next = page.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "next");
        Assert.Equal("application/geo+json", next.GetProperty("type").GetString());
        var second = await db.GetJson(new Uri(next.GetProperty("href").GetString()!).PathAndQuery);
        Assert.NotEqual(page.GetProperty("features")[0].GetProperty("id").GetString(), second.GetProperty("features")[0].GetProperty("id").GetString());
        var one = await db.GetJson("/ogc/collections/lad/items/E08000021");
        Assert.Equal("Newcastle upon Tyne", one.GetProperty("properties").GetProperty("name").GetString());
        var teams = await db.GetJson("/ogc/collections/teams/items?limit=50");
        Assert.Equal(TestEnvironment.CommittedTeams.Count, teams.GetProperty("numberMatched").GetInt32());
        // A box around Newcastle holds NEWPIP's service area and none of the southern teams'.
        var north = await db.GetJson("/ogc/collections/teams/items?bbox=-1.8,54.9,-1.5,55.1");
        var northIds = north.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
        Assert.Contains("newpip", northIds);
        Assert.DoesNotContain("brightpip", northIds);
        Assert.DoesNotContain("lambeth-pairs", northIds);
        var newpip = await db.GetJson("/ogc/collections/teams/items/newpip");
        Assert.Equal("MultiPolygon", newpip.GetProperty("geometry").GetProperty("type").GetString());

        foreach (var (url, status) in new[] {
            ("/ogc/collections/lad/items?foo=1", HttpStatusCode.BadRequest), ("/ogc/collections/lad/items?limit=0", HttpStatusCode.BadRequest),
            ("/ogc/collections/lad/items?limit=10001", HttpStatusCode.BadRequest), ("/ogc/collections/lad/items?bbox=1,2,3", HttpStatusCode.BadRequest),
            ("/ogc/collections/lad/items?bbox=2,2,1,1", HttpStatusCode.BadRequest), ("/ogc/collections/nothing/items", HttpStatusCode.NotFound),
            ("/ogc/collections/lad/items/E99999999", HttpStatusCode.NotFound) })
            Assert.Equal(status, (await db.Http.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task A_PNG_map_decodes_at_the_requested_size_and_is_not_blank()
    {
        var response = await db.Http.GetAsync("/maps/lad/E08000021.png?metric=unmet_need_per_1000_births&width=800&height=600");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(800, bitmap.Width);
        Assert.Equal(600, bitmap.Height);
        var colours = new HashSet<SKColor>();
        for (int x = 0; x < bitmap.Width; x += 7)
            for (int y = 0; y < bitmap.Height; y += 7)
                colours.Add(bitmap.GetPixel(x, y));
        Assert.True(colours.Count > 20, $"{colours.Count} colours");
        // Newcastle (served, unmet 9 per 1,000) is drawn in the palette's lightest class, its neighbours in the darkest.
        Assert.Contains(SKColor.Parse("#fde725"), colours);
        Assert.Contains(SKColor.Parse("#440154"), colours);
    }

    [Theory]
    [InlineData("/maps/lad/E08000021.png?metric=happiness", HttpStatusCode.BadRequest)]
    [InlineData("/maps/lad/E08000021.png?width=50", HttpStatusCode.BadRequest)]
    [InlineData("/maps/lad/E08000021.png?height=99999", HttpStatusCode.BadRequest)]
    [InlineData("/maps/ward/E08000021.png", HttpStatusCode.BadRequest)]
    [InlineData("/maps/lad/E54000050.png", HttpStatusCode.NotFound)]
    public async Task Bad_map_requests_are_problems(string url, HttpStatusCode expected)
    {
        var response = await db.Http.GetAsync(url);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}
