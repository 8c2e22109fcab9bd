using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

/// <summary>
/// make chaos, on real engines (scripts/cluster.sh): a PostGIS primary, a streaming standby, two
/// API replicas reading from the standby and writing to the primary, HAProxy in front. Under 32
/// connections of reads through the balancer: a register edit shows on both replicas within 10 s (a correctness bound:
/// how fast is the bench's business, and took 0.25–1.3 s on machines of different load);
/// kill -9 of one replica fails at most 0.1% of requests and none with a 500; the standby stopped
/// and started answers reads from the primary or with 503 problem+json, never 500, and recovers
/// without a restart.
/// </summary>
static class ClusterChaos
{
    const int Lb = 8088, Api1 = 8081, Api2 = 8082;

    sealed class Reads(HttpClient http)
    {
        public long Requests, Failed, ServerErrors, Unavailable;
        public readonly ConcurrentBag<string> Samples = [];
        CancellationTokenSource? _stop;
        Task[] _workers = [];
        static readonly string[] Urls = ["/api/areas?level=region", "/api/areas/E08000021", "/tiles/lad/6/31/20.mvt", "/api/gaps?limit=5", "/api/teams/summary", "/health/ready"];

        public void Start()
        {
            _stop = new CancellationTokenSource();
            _workers = Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
            {
                int i = w;
                while (!_stop.IsCancellationRequested)
                {
                    var url = Urls[i++ % Urls.Length];
                    try
                    {
                        using var r = await http.GetAsync(url, _stop.Token);
                        var body = await r.Content.ReadAsStringAsync();
                        Interlocked.Increment(ref Requests);
                        int code = (int)r.StatusCode;
                        if (code is 200 or 204 or 304) continue;
                        Interlocked.Increment(ref Failed);
                        if (code >= 500 && code != 503) Interlocked.Increment(ref ServerErrors);
                        if (code == 503)
                        {
                            Interlocked.Increment(ref Unavailable);
                            if (r.Content.Headers.ContentType?.MediaType != "application/problem+json") { Interlocked.Increment(ref ServerErrors); Samples.Add($"{url}: 503 not problem+json"); }
                        }
                        if (Samples.Count < 20) Samples.Add($"{url}: {code} {body[..Math.Min(120, body.Length)]}");
                    }
                    catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref Requests); Interlocked.Increment(ref Failed);
                        if (Samples.Count < 20) Samples.Add($"{url}: {e.GetType().Name} {e.Message}");
                    }
                }
            })).ToArray();
        }

        public async Task StopAsync() { _stop!.Cancel(); await Task.WhenAll(_workers); }
        public string Text => $"{Requests:N0} requests, {Failed:N0} failed ({(Requests > 0 ? 100.0 * Failed / Requests : 0):0.000}%), {ServerErrors} 5xx other than 503 problem+json, {Unavailable} 503";
    }

    /// <summary>The checks, each printed with its outcome as it ends the run.</summary>
    public static async Task<List<(string Check, bool Passed)>> RunAsync(string dll, string root, int seconds)
    {
        var results = await RunChecksAsync(dll, root, seconds);
        foreach (var (check, ok) in results) Console.WriteLine($"chaos cluster: {(ok ? "passed" : "FAILED")}: {check}");
        return results;
    }

    static async Task<List<(string Check, bool Passed)>> RunChecksAsync(string dll, string root, int seconds)
    {
        var results = new List<(string, bool)>();
        var script = Path.Combine(root, "scripts", "cluster.sh");
        var up = await Sh(script, "up");
        if (up.Code != 0)
        {
            Console.WriteLine($"chaos cluster: could not start: {up.Out}");
            return [("cluster starts", false)];
        }
        Console.WriteLine(up.Out.Trim().Split('\n').Last());
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
            { BaseAddress = new Uri($"http://127.0.0.1:{Lb}"), Timeout = TimeSpan.FromSeconds(20) };
        using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            // 1. A register edit through the balancer shows on both replicas (a generous bound: this judges that it arrives).
            var (runDir, auth, restarted) = await KeyedAsync(dll, root, script, $"chaos-{Environment.ProcessId}");
            if (auth is null) { Console.WriteLine($"chaos cluster: restarting the replicas failed: {restarted}"); return [("cluster starts", false)]; }
            var reads = new Reads(http);
            reads.Start();
            await Task.Delay(TimeSpan.FromSeconds(seconds / 3.0));
            var id = $"chaos-{Environment.ProcessId}";
            var (status, shown) = await TimeEditAsync(http, direct, auth, id, "Chaos", TimeSpan.FromSeconds(10));
            await Task.Delay(TimeSpan.FromSeconds(seconds / 3.0));
            await reads.StopAsync();
            bool editOk = status == HttpStatusCode.Created && shown.Count == 2 && shown.Values.All(t => t <= 10.0) && reads.ServerErrors == 0 && reads.Failed == 0;
            Console.WriteLine($"chaos cluster edit: POST {(int)status}; shown on :{Api1} after {Shown(shown, Api1)}, on :{Api2} after {Shown(shown, Api2)}; reads: {reads.Text}");
            results.Add(("a register edit shows on both replicas within 10 s", editOk));
            await DeleteTeamAsync(http, auth, id);

            // 2. kill -9 of one replica: the balancer sends everything to the other.
            reads = new Reads(http);
            reads.Start();
            await Task.Delay(TimeSpan.FromSeconds(seconds / 3.0));
            var pid = int.Parse(File.ReadAllText(Path.Combine(runDir, "api1.pid")).Trim());
            Process.GetProcessById(pid).Kill(entireProcessTree: false); // SIGKILL
            await Task.Delay(TimeSpan.FromSeconds(seconds * 2 / 3.0));
            await reads.StopAsync();
            double share = reads.Requests > 0 ? (double)reads.Failed / reads.Requests : 1;
            Console.WriteLine($"chaos cluster kill -9: replica :{Api1} (pid {pid}) killed; reads: {reads.Text}");
            results.Add(("kill -9 of one replica: ≤ 0.1% of requests fail, none with a 500", share <= 0.001 && reads.ServerErrors == 0 && reads.Requests > 1000));
            foreach (var s in reads.Samples.Take(5)) Console.WriteLine($"  {s}");
            var again = await Sh(script, "up"); // starts the killed replica again
            if (again.Code != 0) Console.WriteLine($"chaos cluster: restarting the replica failed: {again.Out}");

            // 3. The standby stopped, then started: reads from the primary or 503 problem+json, never a 500; recovery without restarts.
            reads = new Reads(http);
            reads.Start();
            await Task.Delay(TimeSpan.FromSeconds(seconds / 4.0));
            await Sh(script, "standby-stop");
            await Task.Delay(TimeSpan.FromSeconds(seconds / 3.0));
            await Sh(script, "standby-start");
            await Task.Delay(TimeSpan.FromSeconds(seconds / 3.0));
            await reads.StopAsync();
            // Recovered: both replicas ready and reading, the standby streaming again.
            bool recovered = true;
            foreach (var port in new[] { Api1, Api2 })
            {
                using var r = await direct.GetAsync($"http://127.0.0.1:{port}/api/areas?level=region");
                recovered &= r.IsSuccessStatusCode;
            }
            var streaming = (await Sh("bash", "-c", $". {root}/scripts/env.sh && PGPASSFILE={runDir}/pgpass psql -qtA -h 127.0.0.1 -p 55442 -U cradle -d cradle -c \"select count(*) from pg_stat_replication where state = 'streaming'\"")).Out.Trim();
            Console.WriteLine($"chaos cluster standby stop/start: reads: {reads.Text}; both replicas answer after: {recovered}; standbys streaming: {streaming}");
            foreach (var s in reads.Samples.Take(5)) Console.WriteLine($"  {s}");
            results.Add(("the standby stopped and started: never a 500, recovery without restarts", reads.ServerErrors == 0 && recovered && streaming == "1"));
        }
        finally
        {
            var down = await Sh(script, "down");
            if (down.Code != 0) Console.WriteLine($"chaos cluster: stopping failed: {down.Out}");
        }
        return results;
    }

    /// <summary>
    /// How long register edits take to show on both replicas (make bench's replica-propagation): the cluster is started,
    /// <paramref name="edits"/> teams are created through the balancer one by one, and each is timed until both replicas
    /// answer it. Null, with why, when the cluster cannot start.
    /// </summary>
    public static async Task<(List<double>? Seconds, string Note)> PropagationAsync(string dll, string root, int edits)
    {
        var script = Path.Combine(root, "scripts", "cluster.sh");
        var up = await Sh(script, "up");
        if (up.Code != 0) return (null, $"the cluster did not start: {up.Out.Trim().Split('\n').LastOrDefault()}");
        try
        {
            var (_, auth, _) = await KeyedAsync(dll, root, script, $"bench-{Environment.ProcessId}");
            if (auth is null) return (null, "the replicas did not restart");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Lb}"), Timeout = TimeSpan.FromSeconds(20) };
            using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var seconds = new List<double>();
            for (int k = 0; k < edits; k++)
            {
                var id = $"bench-{Environment.ProcessId}-{k}";
                var (status, shown) = await TimeEditAsync(http, direct, auth, id, "Bench", TimeSpan.FromSeconds(30));
                if (status != HttpStatusCode.Created) return (null, $"an edit was refused: {(int)status}");
                seconds.Add(shown.Count == 2 ? shown.Values.Max() : double.PositiveInfinity);
                await DeleteTeamAsync(http, auth, id);
                await Task.Delay(500);
            }
            return (seconds, "");
        }
        finally { await Sh(script, "down"); }
    }

    /// <summary>The cluster's run directory, and a new API key for register edits once the replicas have restarted to read it (null, with the script's output, when they did not).</summary>
    static async Task<(string RunDir, System.Net.Http.Headers.AuthenticationHeaderValue? Auth, string Restart)> KeyedAsync(string dll, string root, string script, string name)
    {
        var runDir = (await Sh("bash", "-c", $". {root}/scripts/env.sh && echo $CRADLE_CLUSTER_DIR")).Out.Trim();
        var key = (await Sh("bash", "-c", $"dotnet {dll} keys add {name} --file {runDir}/api-keys | grep -o 'crd_[A-Za-z0-9_-]*' | head -1")).Out.Trim();
        var restart = await Sh(script, "restart-apis"); // they read their keys at start
        return (runDir, restart.Code == 0 ? new("Bearer", key) : null, restart.Out);
    }

    /// <summary>
    /// Creates team <paramref name="id"/> through the balancer and times it until each replica answers it, or
    /// <paramref name="bound"/> passes: the POST's status, and the seconds each replica took.
    /// </summary>
    static async Task<(HttpStatusCode Status, Dictionary<int, double> Shown)> TimeEditAsync(HttpClient http, HttpClient direct,
        System.Net.Http.Headers.AuthenticationHeaderValue auth, string id, string label, TimeSpan bound)
    {
        var body = $$"""{"id":"{{id}}","name":"{{label}} team {{id}}","status":"in_development","service_areas":["E08000024"],"source_url":"https://example.org/{{id}}/page","source_date":"2026-11","last_checked":"2026-11-01","definition_fit":"meets"}""";
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/teams") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        post.Headers.Authorization = auth;
        var clock = Stopwatch.StartNew();
        using var created = await http.SendAsync(post);
        var shown = new Dictionary<int, double>();
        if (created.StatusCode != HttpStatusCode.Created) return (created.StatusCode, shown);
        while (shown.Count < 2 && clock.Elapsed < bound)
        {
            foreach (var port in new[] { Api1, Api2 }.Where(p => !shown.ContainsKey(p)))
            {
                using var r = await direct.GetAsync($"http://127.0.0.1:{port}/api/teams/{id}");
                if (r.IsSuccessStatusCode) shown[port] = clock.Elapsed.TotalSeconds;
            }
            if (shown.Count < 2) await Task.Delay(10);
        }
        return (created.StatusCode, shown);
    }

    static async Task DeleteTeamAsync(HttpClient http, System.Net.Http.Headers.AuthenticationHeaderValue auth, string id)
    {
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/teams/{id}");
        delete.Headers.Authorization = auth;
        using var _ = await http.SendAsync(delete);
    }

    static string Shown(Dictionary<int, double> shown, int port) => shown.TryGetValue(port, out var t) ? $"{t:0.000} s" : "never (5 s)";

    static async Task<(int Code, string Out)> Sh(string file, params string[] args)
    {
        var (code, output, _) = await Processes.RunAsync(file, args);
        return (code, output);
    }
}
