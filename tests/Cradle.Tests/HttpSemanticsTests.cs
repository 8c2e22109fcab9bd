using System.Net;

namespace Cradle.Tests;

/// <summary>HTTP as clients expect it: HEAD on every GET route, and problem+json for every error, the framework's too.</summary>
[Collection("database")]
public sealed class HttpSemanticsTests(DatabaseFixture db)
{
    public static TheoryData<string> GetRoutes => new()
    {
        "/tiles/lad/6/31/20.mvt", "/tiles/lad.json", "/tiles/style.json", "/api/areas/E08000021", "/api/areas?level=utla", "/api/gaps?limit=3",
        "/api/catalog", "/api/model", "/api/teams", "/api/teams/newpip", "/api/teams/summary", "/api/datasets", "/health/ready", "/health/live",
        "/ogc", "/ogc/collections/lad/items/E08000021", "/maps/lad/E08000021.png?width=300&height=300", "/reports/lad/E08000024.html", "/",
    };

    [Theory]
    [MemberData(nameof(GetRoutes))]
    public async Task HEAD_answers_as_GET_does_without_a_body(string url)
    {
        using var get = await db.Http.GetAsync(url);
        var body = await get.Content.ReadAsByteArrayAsync();
        using var head = await db.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(get.Headers.ETag?.Tag, head.Headers.ETag?.Tag);
        Assert.Equal(get.Headers.CacheControl?.ToString(), head.Headers.CacheControl?.ToString());
        // Content-Length is the GET's (as sent: gzip-encoded bodies differ in length only if the client asked).
        Assert.Equal(get.Content.Headers.ContentLength ?? body.Length, head.Content.Headers.ContentLength);
        if (head.Headers.ETag is { } etag)
        {
            var conditional = new HttpRequestMessage(HttpMethod.Head, url);
            conditional.Headers.IfNoneMatch.Add(etag);
            using var notModified = await db.Http.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }
    }

    [Theory]
    [InlineData("HEAD", "/api/areas/E99999999", HttpStatusCode.NotFound)]
    [InlineData("GET", "/no/such/route", HttpStatusCode.NotFound)]
    [InlineData("DELETE", "/api/areas", HttpStatusCode.MethodNotAllowed)]
    [InlineData("PUT", "/tiles/lad/6/31/20.mvt", HttpStatusCode.MethodNotAllowed)]
    public async Task Errors_the_router_makes_are_problem_json(string method, string url, HttpStatusCode status)
    {
        using var response = await db.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (method == "HEAD") Assert.True(response.Content.Headers.ContentLength > 0);
    }

    [Fact]
    public async Task A_body_too_large_is_413_problem_json()
    {
        // Announced, not sent: the server refuses it from the Content-Length alone, and a client still
        // writing a megabyte would race the refusal (a broken pipe instead of the answer).
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(db.BaseAddress.Host, db.BaseAddress.Port);
        var stream = tcp.GetStream();
        var request = $"POST /api/scenarios HTTP/1.1\r\nHost: {db.BaseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        var status = await reader.ReadLineAsync();
        Assert.StartsWith("HTTP/1.1 413", status);
        var headers = new List<string>();
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync()) headers.Add(line);
        Assert.Contains(headers, h => h.StartsWith("Content-Type: application/problem+json", StringComparison.OrdinalIgnoreCase));
    }
}
