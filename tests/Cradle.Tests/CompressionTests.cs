using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace Cradle.Tests;

/// <summary>What travels compressed: the viewer's assets as built (Brotli or gzip copies), and the API's
/// JSON, GeoJSON and CSV compressed per answer; each decompresses to the very bytes sent uncompressed.</summary>
[Collection("database")]
public sealed class CompressionTests(DatabaseFixture db)
{
    static async Task<(HttpResponseMessage Response, byte[] Body)> Get(HttpClient http, string url, string? encoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (encoding is not null) request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        var response = await http.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    static byte[] Decode(string coding, byte[] body)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = coding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task The_map_library_is_sent_precompressed_and_decodes_to_the_file(string coding)
    {
        var assets = Path.Combine(TestEnvironment.Root, "src", "Web", "dist", "assets");
        var file = Directory.GetFiles(assets, "maplibre-gl-*.js").Single();
        var url = "/assets/" + Path.GetFileName(file);
        var (plain, plainBody) = await Get(db.Http, url, null);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        var (packed, packedBody) = await Get(db.Http, url, coding);
        Assert.Equal(coding, Assert.Single(packed.Content.Headers.ContentEncoding));
        Assert.Equal("text/javascript", packed.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept-Encoding", packed.Headers.Vary);
        Assert.True(packedBody.Length < plainBody.Length / 3, $"{packedBody.Length} bytes of {plainBody.Length}");
        Assert.Equal(plainBody, Decode(coding, packedBody));
    }

    [Theory]
    [InlineData("/api/areas?level=lad", "br")]
    [InlineData("/api/areas?level=lad&format=csv", "gzip")]
    [InlineData("/ogc/collections/lad/items?limit=20", "br")]
    public async Task API_answers_are_compressed_when_asked_and_decode_to_the_same_bytes(string url, string coding)
    {
        var (plain, plainBody) = await Get(db.Http, url, null);
        var (packed, packedBody) = await Get(db.Http, url, coding);
        Assert.Equal(HttpStatusCode.OK, packed.StatusCode);
        Assert.Equal(coding, Assert.Single(packed.Content.Headers.ContentEncoding));
        Assert.Equal(plainBody, Decode(coding, packedBody));
        // Another representation, another ETag (where the answer has one: the /api routes).
        if (url.StartsWith("/api/")) Assert.NotEqual(plain.Headers.ETag!.Tag, packed.Headers.ETag!.Tag);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("br")]
    public async Task The_viewer_page_always_revalidates_and_carries_its_security_policy_however_it_is_sent(string? coding)
    {
        var (page, _) = await Get(db.Http, "/", coding);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("no-cache", page.Headers.CacheControl?.ToString());
        var policy = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("/tiles/lad.json")]
    [InlineData("/tiles/style.json")]
    [InlineData("/ogc/collections")]
    [InlineData("/maps/lad/E08000021.png")]
    [InlineData("/reports/lad/E08000021.html")]
    public async Task Every_answer_made_from_the_data_has_a_validator_and_revalidates(string url)
    {
        var (first, _) = await Get(db.Http, url, null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(first.Headers.ETag);
        Assert.NotNull(first.Headers.CacheControl);
        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.TryAddWithoutValidation("If-None-Match", "W/" + first.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await db.Http.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task A_gzip_tile_and_a_plain_one_have_different_ETags()
    {
        var (plain, _) = await Get(db.Http, "/tiles/lad/5/15/10.mvt", null);
        var (packed, _) = await Get(db.Http, "/tiles/lad/5/15/10.mvt", "gzip");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.NotEqual(plain.Headers.ETag!.Tag, packed.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task The_viewer_has_a_favicon()
    {
        var (svg, _) = await Get(db.Http, "/favicon.svg", null);
        Assert.Equal(HttpStatusCode.OK, svg.StatusCode);
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = db.BaseAddress };
        var ico = await noRedirect.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.MovedPermanently, ico.StatusCode);
        Assert.Equal("/favicon.svg", ico.Headers.Location?.OriginalString);
    }
}
