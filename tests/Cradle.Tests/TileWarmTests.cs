using System.Net;
using System.Text.Json;

namespace Cradle.Tests;

/// <summary>After a new data version the low zooms are made in the background, so a first visitor is served from the cache.</summary>
[Collection("database")]
public sealed class TileWarmTests(DatabaseFixture db)
{
    async Task<string?> Warmed() =>
        (await db.GetJson("/health/ready")).TryGetProperty("tile_cache_warmed", out var w) && w.ValueKind == JsonValueKind.String ? w.GetString() : null;

    [Fact]
    public async Task After_a_register_edit_the_low_zoom_tiles_are_in_the_cache_before_anyone_asks()
    {
        var (created, _) = await db.Send(HttpMethod.Post, "/api/teams", TestTeams.Json("test-warm", area: "E06000047", status: "in_development"), db.ApiKey);
        Assert.Equal(HttpStatusCode.Created, created);
        try
        {
            long version = await db.DataVersion();
            string? warmed = null;
            for (int i = 0; i < 600 && warmed?.StartsWith($"{version}.") != true; i++) { await Task.Delay(100); warmed = await Warmed(); }
            Assert.True(warmed?.StartsWith($"{version}.") == true, $"warmed {warmed ?? "nothing"}, data version {version}");
            // Tiles nobody has asked for since the edit: zooms 0–8 of several layers, and one deeper.
            foreach (var (url, expected) in new[] { ("/tiles/lad/6/31/20.mvt", "hit"), ("/tiles/utla/8/126/81.mvt", "hit"), ("/tiles/icb/0/0/0.mvt", "hit"), ("/tiles/lad/10/507/323.mvt", "miss") })
            {
                using var response = await db.Http.GetAsync(url);
                Assert.True(response.Headers.TryGetValues("X-Tile-Cache", out var v), url);
                Assert.Equal(expected, v!.Single());
            }
        }
        finally { await db.Send(HttpMethod.Delete, "/api/teams/test-warm", null, db.ApiKey); }
    }
}
