using System.Diagnostics;
using System.Text.Json;

/// <summary>A Cradle API process for a bench or a chaos run: started on a port, waited for, its tile cache waited for.</summary>
static class ApiProcess
{
    /// <summary>Starts `cradle serve` on the port with these environment settings; its output is read and dropped, so a full pipe never stalls it.</summary>
    public static Process Start(string dll, int port, IReadOnlyDictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("dotnet", [dll, "serve", "--urls", $"http://127.0.0.1:{port}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine(); p.BeginErrorReadLine();
        return p;
    }

    /// <summary>Until /health/ready answers 200 (30 s at most).</summary>
    public static async Task WaitReadyAsync(HttpClient http, string baseUrl)
    {
        for (int i = 0; ; i++)
        {
            try { if ((await http.GetAsync($"{baseUrl}/health/ready")).IsSuccessStatusCode) return; } catch (HttpRequestException) { }
            if (i > 300) throw new TimeoutException($"the API at {baseUrl} did not start");
            await Task.Delay(100);
        }
    }

    /// <summary>Until /health/ready says the tile cache is warmed (for an edition starting with prefix, if given): the edition and the seconds waited, or null.</summary>
    public static async Task<(string? Tag, double Seconds)> WaitWarmedAsync(HttpClient http, string baseUrl, string? prefix, double timeoutSeconds)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < timeoutSeconds)
        {
            using var ready = JsonDocument.Parse(await http.GetStringAsync($"{baseUrl}/health/ready"));
            if (ready.RootElement.TryGetProperty("tile_cache_warmed", out var w) && w.ValueKind == JsonValueKind.String && w.GetString() is { } tag
                && (prefix is null || tag.StartsWith(prefix, StringComparison.Ordinal))) return (tag, clock.Elapsed.TotalSeconds);
            await Task.Delay(50);
        }
        return (null, clock.Elapsed.TotalSeconds);
    }
}
