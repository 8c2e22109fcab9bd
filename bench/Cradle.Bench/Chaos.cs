using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

/// <summary>
/// make chaos: a full reload under 32 connections of reads, then loads killed with SIGKILL at
/// random points. Every response must be 200, 204 or 304 with no socket error, and every
/// /api/datasets answer must be wholly one data version; after each kill the old version is
/// served and the next load succeeds.
/// </summary>
static class Chaos
{
    public static async Task<int> RunAsync(string dll, string root, string dataDir, string conn)
    {
        int seconds = int.TryParse(Environment.GetEnvironmentVariable("CHAOS_SECONDS"), out var s) ? s : 30;
        int kills = int.TryParse(Environment.GetEnvironmentVariable("CHAOS_KILLS"), out var k) ? k : 5;
        var failures = new ConcurrentBag<string>();
        const int port = 18093;
        using var server = ApiProcess.Start(dll, port, new Dictionary<string, string> { ["CRADLE_DB"] = conn, ["Logging__LogLevel__Default"] = "Critical" });
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            await ApiProcess.WaitReadyAsync(http, $"http://127.0.0.1:{port}");
            long Version(JsonElement e) => e.GetProperty("data_version").GetInt64();

            // 1. Reload under load.
            var first = JsonDocument.Parse(await http.GetStringAsync("/api/datasets")).RootElement;
            var before = Version(first);
            // Each dataset's load version, as served before the reload (earlier partial loads may differ).
            static string Loaded(JsonElement list) => string.Join(",", list.GetProperty("datasets").EnumerateArray()
                .Select(d => $"{d.GetProperty("id").GetString()}@{d.GetProperty("data_version").GetInt64()}").Order());
            var old = Loaded(first);
            string[] urls = ["/api/datasets", "/api/areas?level=region", "/api/areas?level=lad", "/tiles/lad/6/31/20.mvt", "/tiles/lsoa/10/507/323.mvt", "/tiles/icb/5/15/10.mvt", "/api/gaps?limit=5"];
            var versions = new ConcurrentDictionary<long, int>();
            long requests = 0;
            // Reads run for at least `seconds`, and until 3 s after the reload has committed.
            using var stop = new CancellationTokenSource();
            var started = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
            {
                int i = w;
                while (!stop.IsCancellationRequested)
                {
                    var url = urls[i++ % urls.Length];
                    try
                    {
                        var response = await http.GetAsync(url);
                        Interlocked.Increment(ref requests);
                        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.NotModified))
                            failures.Add($"{url}: {(int)response.StatusCode}");
                        else if (url == "/api/datasets")
                        {
                            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                            var v = Version(body);
                            versions.AddOrUpdate(v, 1, (_, n) => n + 1);
                            // Wholly old (every dataset as before) or wholly new (every dataset at the
                            // reload's one version). The list's own version can be newer than its
                            // datasets': a register edit moves it without a load.
                            var loaded = body.GetProperty("datasets").EnumerateArray().Select(d => d.GetProperty("data_version").GetInt64()).Distinct().ToList();
                            bool wholeNew = loaded.Count == 1 && loaded[0] > before && loaded[0] <= v;
                            if (Loaded(body) != old && !wholeNew)
                                failures.Add($"/api/datasets mixed versions in one answer: datasets at {string.Join(", ", loaded)}, list at {v}");
                        }
                        else await response.Content.ReadAsByteArrayAsync();
                    }
                    catch (HttpRequestException e) { failures.Add($"{url}: socket error {e.Message}"); }
                    catch (TaskCanceledException) when (stop.IsCancellationRequested) { }
                }
            })).ToArray();
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, seconds / 4.0)));
            var load = await Run("dotnet", [dll, "load", "--data", dataDir], conn);
            if (load.Code != 0) failures.Add($"the reload under load failed: {load.Out}");
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(3, seconds - started.Elapsed.TotalSeconds)));
            stop.Cancel();
            await Task.WhenAll(workers);
            var after = Version(JsonDocument.Parse(await http.GetStringAsync("/api/datasets")).RootElement);
            if (versions.Count < 2) failures.Add("the readers never saw the new version: the reload did not land while they ran");
            Console.WriteLine($"chaos reload-under-load: {requests:N0} requests in {started.Elapsed.TotalSeconds:0} s over 32 connections; versions seen {string.Join(", ", versions.OrderBy(x => x.Key).Select(x => $"{x.Key} ({x.Value:N0})"))}; {before} → {after}; failures {failures.Count}");
            if (after <= before) failures.Add("the reload did not produce a new data version");

            // 2. Loads killed at random points.
            var random = new Random(Environment.TickCount);
            for (int i = 0; i < kills; i++)
            {
                var version = Version(JsonDocument.Parse(await http.GetStringAsync("/api/datasets")).RootElement);
                var delay = TimeSpan.FromSeconds(0.5 + random.NextDouble() * 14);
                using (var p = Process.Start(new ProcessStartInfo("dotnet", [dll, "load", "--data", dataDir])
                       { RedirectStandardOutput = true, RedirectStandardError = true, Environment = { ["CRADLE_DB"] = conn } })!)
                {
                    await Task.Delay(delay);
                    bool finished = p.HasExited;
                    if (!finished) p.Kill();
                    await p.WaitForExitAsync();
                    var now = Version(JsonDocument.Parse(await http.GetStringAsync("/api/datasets")).RootElement);
                    var ready = (await http.GetAsync("/health/ready")).StatusCode;
                    Console.WriteLine($"chaos kill {i + 1}: after {delay.TotalSeconds:0.0} s {(finished ? "(the load had already finished)" : "killed")}; served version {version} → {now}; ready {(int)ready}");
                    if (!finished && now != version) failures.Add($"kill {i + 1}: the served version moved from {version} to {now}");
                    if (ready != HttpStatusCode.OK) failures.Add($"kill {i + 1}: /health/ready {(int)ready}");
                }
            }
            var final = await Run("dotnet", [dll, "load", "--data", dataDir], conn);
            Console.WriteLine($"chaos final load: exit {final.Code}");
            if (final.Code != 0) failures.Add($"the load after the kills failed: {final.Out}");
        }
        finally { server.Kill(true); }

        foreach (var f in failures.Distinct().Take(20)) Console.WriteLine($"chaos failure: {f}");
        int passed = failures.IsEmpty ? 2 : 0, failed = 2 - passed;
        // 3–5. Two replicas on a streaming standby behind HAProxy (CHAOS_CLUSTER=0 leaves them out).
        if (Environment.GetEnvironmentVariable("CHAOS_CLUSTER") != "0")
        {
            var checks = await ClusterChaos.RunAsync(dll, root, seconds);
            passed += checks.Count(c => c.Passed);
            failed += checks.Count(c => !c.Passed);
        }
        Console.WriteLine($"chaos: {passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    static async Task<(int Code, string Out)> Run(string file, string[] args, string conn)
    {
        var (code, output, _) = await Processes.RunAsync(file, args, new Dictionary<string, string> { ["CRADLE_DB"] = conn });
        return (code, output);
    }
}
