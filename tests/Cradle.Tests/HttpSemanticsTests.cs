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

    /// <summary>Raw bytes to the server and all it sends back until it closes (Kestrel closes after a refusal).</summary>
    async Task<string> Exchange(string request, bool endSending = false) => System.Text.Encoding.UTF8.GetString(await ExchangeRaw(request, endSending));

    /// <param name="endSending">Close the sending side after the request: the server sees the body end early.</param>
    async Task<byte[]> ExchangeRaw(string request, bool endSending = false)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(db.BaseAddress.Host, db.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        if (endSending) tcp.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var ms = new MemoryStream();
        await stream.CopyToAsync(ms, cts.Token);
        return ms.ToArray();
    }

    [Theory]
    [InlineData("/api/scenarios", "chunked")]
    [InlineData("/api/plan", "chunked")]
    [InlineData("/api/scenarios", "short")]
    [InlineData("/api/plan", "short")]
    public async Task A_broken_body_is_400_or_408_problem_json_never_500(string path, string broken)
    {
        var body = "{\"teams\":[{\"areas\":[\"E08000024\"]}]}";
        var head = $"POST {path} HTTP/1.1\r\nHost: {db.BaseAddress.Authority}\r\nContent-Type: application/json\r\n";
        var request = broken switch
        {
            // Announced as chunked, sent plain: the first "chunk size" is not hexadecimal.
            "chunked" => head + "Transfer-Encoding: chunked\r\n\r\n" + body,
            // Shorter than its Content-Length, the client waiting: the rest never comes (Kestrel's minimum body rate, after 5 s).
            _ => head + $"Content-Length: {body.Length + 200}\r\n\r\n" + body,
        };
        var (status, headers, text) = LastResponse(await Exchange(request));
        Assert.True(status.StartsWith(broken == "short" ? "HTTP/1.1 408" : "HTTP/1.1 400"), $"{broken}: {status} {text}");
        Assert.StartsWith("application/problem+json", headers["Content-Type"]);
        var problem = System.Text.Json.JsonDocument.Parse(text.Contains("\r\n0\r\n") ? Dechunk(text) : text).RootElement;
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.DoesNotContain("System.", problem.GetProperty("detail").GetString());
    }

    /// <summary>A chunked body's data.</summary>
    static string Dechunk(string chunked)
    {
        var sb = new System.Text.StringBuilder();
        var rest = chunked;
        while (true)
        {
            int eol = rest.IndexOf("\r\n", StringComparison.Ordinal);
            int size = Convert.ToInt32(rest[..eol].Trim(), 16);
            if (size == 0) return sb.ToString();
            sb.Append(rest.AsSpan(eol + 2, size));
            rest = rest[(eol + 2 + size + 2)..];
        }
    }

    [Fact]
    public async Task A_wrong_type_in_a_body_is_explained_without_NET_type_names()
    {
        var (status, problem) = await db.Send(HttpMethod.Post, "/api/scenarios", "{\"teams\":[{\"areas\":[\"E08000024\"],\"capacity_families_per_year\":\"lots\"}]}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var text = problem.ToString();
        Assert.DoesNotContain("System.", text);
        Assert.DoesNotContain("Cradle.", text);
        Assert.True(problem.GetProperty("errors").TryGetProperty("teams[0].capacity_families_per_year", out _), text);
    }

    [Fact]
    public async Task A_weak_or_star_If_None_Match_is_a_304_and_OGC_links_the_API_document_absolutely()
    {
        var first = await db.Http.GetAsync("/api/catalog");
        var etag = first.Headers.ETag!.Tag;
        foreach (var given in new[] { "W/" + etag, "*", $"\"nope\", W/{etag}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/catalog");
            request.Headers.TryAddWithoutValidation("If-None-Match", given);
            Assert.Equal(HttpStatusCode.NotModified, (await db.Http.SendAsync(request)).StatusCode);
        }
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = db.BaseAddress };
        var api = await noRedirect.GetAsync("/ogc/api");
        Assert.Equal(HttpStatusCode.Redirect, api.StatusCode);
        Assert.True(api.Headers.Location!.IsAbsoluteUri, api.Headers.Location.ToString());
        var landing = await db.GetJson("/ogc");
        var desc = landing.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "service-desc");
        Assert.EndsWith("/openapi/v1.json", desc.GetProperty("href").GetString());
        Assert.Contains("version=3.1", desc.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, (await db.Http.GetAsync(desc.GetProperty("href").GetString())).StatusCode);
    }

    /// <summary>The last response in a raw exchange: its status line, headers and body.</summary>
    static (string Status, Dictionary<string, string> Headers, string Body) LastResponse(string raw)
    {
        var start = raw.LastIndexOf("HTTP/1.1 ", StringComparison.Ordinal);
        var end = raw.IndexOf("\r\n\r\n", start, StringComparison.Ordinal);
        var lines = raw[start..end].Split("\r\n");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return (lines[0], headers, raw[(end + 4)..]);
    }

    [Theory]
    [InlineData("GET /api/areas/E08000021%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "400")] // a NUL byte in the path
    [InlineData("GET /api/areas HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n", "400")] // a malformed header
    [InlineData("NOT A REQUEST LINE\r\n\r\n", "400")]
    [InlineData("GET /api/catalog HTTP/7.0\r\nHost: 127.0.0.1\r\n\r\n", "505")]
    public async Task Requests_Kestrel_refuses_before_Cradle_runs_get_their_status_and_an_empty_body(string request, string status)
    {
        // Kestrel refuses these before any of Cradle's code runs, with an empty body (README: a proxy may add one).
        var (line, headers, body) = LastResponse(await Exchange(request));
        Assert.StartsWith($"HTTP/1.1 {status} ", line);
        Assert.Equal("0", headers["Content-Length"]);
        Assert.Equal("", body);
    }

    [Fact]
    public async Task A_refusal_after_a_kept_alive_answer_leaves_that_answer_intact()
    {
        // Latin-1: one character a byte, so that offsets are the byte counts the framing gives.
        var raw = System.Text.Encoding.Latin1.GetString(await ExchangeRaw("GET /api/catalog HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /a%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 200 OK", raw);
        // The first answer ends where its framing says (Content-Length or chunks), and the refusal starts right there.
        var headEnd = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var head = raw[..headEnd];
        int end;
        var length = System.Text.RegularExpressions.Regex.Match(head, @"\r\nContent-Length: (\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        if (length.Success) end = headEnd + int.Parse(length.Groups[1].Value);
        else
        {
            Assert.Contains("Transfer-Encoding: chunked", head, StringComparison.OrdinalIgnoreCase);
            end = headEnd;
            for (int size; (size = Convert.ToInt32(raw[end..raw.IndexOf("\r\n", end, StringComparison.Ordinal)], 16)) > 0; )
                end = raw.IndexOf("\r\n", end, StringComparison.Ordinal) + 2 + size + 2;
            end = raw.IndexOf("\r\n", end, StringComparison.Ordinal) + 4; // "0" CRLF CRLF
        }
        Assert.StartsWith("HTTP/1.1 400 ", raw[end..]);
        var (line, _, _) = LastResponse(raw);
        Assert.StartsWith("HTTP/1.1 400 ", line);
    }

    [Fact]
    public async Task Headers_too_large_are_431()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/catalog");
        request.Headers.Add("X-Padding", new string('a', 40_000));
        using var response = await db.Http.SendAsync(request);
        Assert.Equal((HttpStatusCode)431, response.StatusCode);
    }

    [Fact]
    public async Task A_server_as_make_run_starts_it_logs_a_few_lines_not_one_per_request()
    {
        // Started as make run does (appsettings.json, no logging override): after 100 requests its log is its start-up lines.
        var address = new Uri($"http://127.0.0.1:{DatabaseFixture.FreePort()}");
        using var server = TestEnvironment.StartCli(["serve", "--urls", address.ToString()]);
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        server.OutputDataReceived += (_, e) => { if (e.Data is { } l) lines.Enqueue(l); };
        server.ErrorDataReceived += (_, e) => { if (e.Data is { } l) lines.Enqueue(l); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            bool ready = false;
            for (int i = 0; i < 300 && !ready; i++)
            {
                try { ready = (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK; } catch (HttpRequestException) { }
                if (!ready) await Task.Delay(100);
            }
            Assert.True(ready, "the server did not become ready: " + string.Join("\n", lines));
            int before = lines.Count;
            for (int i = 0; i < 100; i++) (await http.GetAsync(i % 2 == 0 ? "/api/catalog" : "/api/areas?level=region")).EnsureSuccessStatusCode();
            await Task.Delay(500);
            Assert.True(lines.Count < 10, $"{lines.Count} lines ({lines.Count - before} after the requests):\n{string.Join("\n", lines)}");
        }
        finally { server.Kill(entireProcessTree: true); await server.WaitForExitAsync(); }
    }
}
