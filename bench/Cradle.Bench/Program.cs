// make bench: Cradle against its peers, side by side in one run, alternating A B A B and taking
// medians. Prints `bench NAME: cradle VALUE UNIT, PEER VALUE UNIT, ratio R`, writes
// bench/results.json, the latest run in docs/performance.md, and every run's table in bench/history/.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Cradle.Data.Store;
using Cradle.Data.Tiles;
using Dapper;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
// The published (ReadyToRun) app that `make run` serves, not the IL build the tests use.
var dll = Environment.GetEnvironmentVariable("CRADLE_DLL") is { Length: > 0 } d ? d : Path.Combine(root, "build/cradle/Cradle.Api.dll");
var dataDir = Environment.GetEnvironmentVariable("DATA_DIR") ?? Path.Combine(root, "../shared/data");
var conn = CradleDatabase.ConnectionStringFromEnvironment();
await using var db = CradleDatabase.Open(conn);
// The floor runs tile queries with the session settings the API uses, so only the API's own work differs.
await using var servingDb = CradleDatabase.Open(CradleDatabase.ForServing(conn));
var results = new List<Dictionary<string, object?>>();
if (args.FirstOrDefault() == "chaos") return await Chaos.RunAsync(dll, root, dataDir, conn);
// The cluster's checks alone (make chaos runs them after the others).
if (args.FirstOrDefault() == "chaos-cluster")
{
    var checks = await ClusterChaos.RunAsync(dll, root, int.TryParse(Environment.GetEnvironmentVariable("CHAOS_SECONDS"), out var cs) ? cs : 30);
    Console.WriteLine($"chaos: {checks.Count(c => c.Passed)} passed, {checks.Count(c => !c.Passed)} failed");
    return checks.All(c => c.Passed) ? 0 : 1;
}
int runs = int.TryParse(Environment.GetEnvironmentVariable("BENCH_RUNS"), out var r) ? r : 3;
// BENCH_ONLY=load,api,viewer,cluster,scale runs some sections (all by default); results.json then holds only those.
var only = Environment.GetEnvironmentVariable("BENCH_ONLY")?.Split(',', StringSplitOptions.TrimEntries);
bool Section(string name) => only is null || only.Contains(name);

var memKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
string machine = $"{Environment.ProcessorCount} cores, {double.Parse(memKb) / 1024 / 1024:0} GiB memory";
Console.WriteLine($"machine: {machine}; {runs} alternating runs per comparison; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

void Line(string name, double cradle, string unit, string peer, double? peerValue, string peerUnit, double? ratio, string target, bool? met)
{
    var peerText = peerValue is { } pv ? $"{peer} {pv:0.###} {peerUnit}" : peer;
    if (ratio is { } r0 && !double.IsFinite(r0)) ratio = null;
    var ratioText = ratio is { } rt ? $"ratio {rt:0.###}" : "ratio n/a";
    Console.WriteLine($"bench {name}: cradle {cradle:0.###} {unit}, {peerText}, {ratioText}");
    results.Add(new() { ["name"] = name, ["cradle"] = double.IsFinite(cradle) ? Math.Round(cradle, 4) : null, ["unit"] = unit, ["peer"] = peer, ["peer_value"] = peerValue, ["peer_unit"] = peerUnit, ["ratio"] = ratio, ["target"] = target, ["met"] = met });
}

// What a run found besides its figures (each pair's ratio, where a tile's time goes, a peer's
// failures): printed, and kept with the run's table in bench/history.
var notes = new List<string>();
void Note(string text) { Console.WriteLine(text); notes.Add(text); }

// Before a section is timed: no autovacuum worker at work. On a fresh machine `make bench` has
// just loaded the data, and PostgreSQL vacuums and analyses the new tables in the minutes after,
// on the same two cores as the timings (seen as a tile floor of 4.4 ms against 1.5 ms later).
async Task Quiesce(string section)
{
    var sw = Stopwatch.StartNew();
    int quiet = 0;
    while (sw.Elapsed < TimeSpan.FromSeconds(300) && quiet < 2)
    {
        await using (var x = await db.OpenConnectionAsync())
            quiet = await x.ExecuteScalarAsync<long>("select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'") == 0 ? quiet + 1 : 0;
        if (quiet < 2) await Task.Delay(1000);
    }
    if (sw.Elapsed.TotalSeconds > 2.5) Note($"{section}: waited {sw.Elapsed.TotalSeconds:0} s for PostgreSQL's autovacuum to finish{(quiet < 2 ? " (it had not after 300 s; timing anyway)" : "")}");
}

static double Median(IEnumerable<double> xs) { var a = xs.OrderBy(x => x).ToArray(); return a.Length == 0 ? double.NaN : a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2; }

static Task<(int Code, string Out, double Seconds)> Run(string file, IEnumerable<string> args, Dictionary<string, string>? env = null) => Processes.RunAsync(file, args, env);

// ---- load-vs-ogr2ogr: LSOA 2021 (E&W) and LAD 2024 into PostGIS in EPSG:27700 with a spatial index.
if (Section("load"))
{
    await Quiesce("load");
    var b = new Npgsql.NpgsqlConnectionStringBuilder(conn);
    var pg = $"PG:host={b.Host} port={b.Port} user={b.Username} dbname={b.Database}";
    var lsoa = Path.Combine(dataDir, "boundaries/lsoa21_dec2021_bsc_ew_4326.geojson.gz");
    var lad = Path.Combine(dataDir, "boundaries/lad24_may2024_buc_uk_27700.shp");
    // Before each timed run, untimed: a checkpoint, so that neither program pays for writing out the
    // other's dirty pages (one pair in three took 1.8× without it, right after ogr2ogr's 35,000 rows).
    async Task Checkpoint() { await using var x = await db.OpenConnectionAsync(); await x.ExecuteAsync(new CommandDefinition("checkpoint", commandType: System.Data.CommandType.Text)); }
    async Task<double> CradleIngest()
    {
        await Checkpoint();
        var c = await Run("dotnet", [dll, "ingest", "--only", "lsoa21", "lad24", "--schema", "bench_cradle", "--data", dataDir], new() { ["CRADLE_DB"] = conn });
        if (c.Code != 0) throw new Exception(c.Out);
        return c.Seconds;
    }
    async Task<double> Ogr2ogr()
    {
        await using (var x = await db.OpenConnectionAsync()) await x.ExecuteAsync("drop schema if exists bench_ogr cascade; create schema bench_ogr");
        await Checkpoint();
        double t = 0;
        foreach (var (src, layer) in new[] { ("/vsigzip/" + lsoa, "lsoa21"), (lad, "lad24") })
        {
            var o = await Run("ogr2ogr", ["-f", "PostgreSQL", pg, src, "-nln", $"bench_ogr.{layer}", "-t_srs", "EPSG:27700", "-nlt", "PROMOTE_TO_MULTI", "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST", "-overwrite", "--config", "PG_USE_COPY", "YES"]);
            if (o.Code != 0) throw new Exception(o.Out);
            t += o.Seconds;
        }
        return t;
    }
    // A first, untimed pair: on a fresh machine it pays for the cold page cache (the input files,
    // PostgreSQL's files), the first start of each program's libraries, and whatever ran just
    // before; whoever goes first pays most. It is printed, then each timed pair alternates who goes first.
    double coldCradle = await CradleIngest(), coldOgr = await Ogr2ogr();
    Line("load-first-pair", coldCradle, "s", "ogr2ogr", coldOgr, "s", coldCradle / coldOgr, "printed (Cradle ran first, cold)", null);
    var cradleTimes = new List<double>(); var ogrTimes = new List<double>();
    for (int i = 0; i < runs; i++)
    {
        if (i % 2 == 0) { cradleTimes.Add(await CradleIngest()); ogrTimes.Add(await Ogr2ogr()); }
        else { ogrTimes.Add(await Ogr2ogr()); cradleTimes.Add(await CradleIngest()); }
    }
    Note($"load-vs-ogr2ogr: each pair's ratio {string.Join(", ", cradleTimes.Zip(ogrTimes).Select(p => (p.First / p.Second).ToString("0.000")))}");
    double cm = Median(cradleTimes), om = Median(ogrTimes);
    Line("load-vs-ogr2ogr", cm, "s", "ogr2ogr", om, "s", cm / om, "R ≤ 1.0, aim 0.5", cm / om <= 1.0);
    await using var x2 = await db.OpenConnectionAsync();
    await x2.ExecuteAsync("drop schema if exists bench_ogr cascade; drop schema if exists bench_cradle cascade");
}

// The fixed tile list: districts at zooms 5–12 and LSOAs at 8–12 around six cities.
var places = new[] { (-0.12, 51.51), (-1.89, 52.48), (-2.24, 53.48), (-1.55, 53.8), (-1.61, 54.98), (-2.59, 51.45) };
var tiles = new List<(string Layer, int Z, int X, int Y)>();
foreach (var (lon, lat) in places)
    for (int z = 5; z <= 12; z++)
    {
        var (x, y) = TileStore.TileOf(lon, lat, z);
        tiles.Add(("lad", z, x, y));
        if (z >= 8) tiles.Add(("lsoa", z, x, y));
    }
tiles = tiles.Distinct().ToList();

// ---- Two API processes: cache off (uncached) and cache on.
if (Section("api")) await ApiBenches();
async Task ApiBenches()
{
    var ports = (Uncached: 18091, Cached: 18092);
    // A key for the register edit of tile-first-visit-after-edit (the servers read their keys at start).
    // A directory of this run's own (the keys, wrk's scripts): a fixed name in /tmp left by another user's run could not be written.
    var scratch = Directory.CreateTempSubdirectory("cradle-bench-");
    var keysFile = Path.Combine(scratch.FullName, "keys");
    var keyRun = await Run("dotnet", [dll, "keys", "add", "bench", "--file", keysFile]);
    var benchKey = System.Text.RegularExpressions.Regex.Match(keyRun.Out, @"crd_[A-Za-z0-9_-]+").Value;
    Process Serve(int port, string cacheMb) => ApiProcess.Start(dll, port,
        new Dictionary<string, string> { ["CRADLE_DB"] = conn, ["Cradle__TileCacheMB"] = cacheMb, ["CRADLE_API_KEYS_FILE"] = keysFile }); // logging as make run's appsettings.json
    var uncached = Serve(ports.Uncached, "0");
    var cached = Serve(ports.Cached, "512");
    var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
    try
    {
        foreach (var port in new[] { ports.Uncached, ports.Cached }) await ApiProcess.WaitReadyAsync(http, $"http://127.0.0.1:{port}");

        // Make the figures table for this data version exist before timing, and let the cached
        // server finish warming its tile cache, so that its work does not share the cores with the timings.
        await http.GetAsync($"http://127.0.0.1:{ports.Uncached}/tiles/lad/5/15/10.mvt");
        Task<(string? Tag, double Seconds)> WaitWarmed(string? prefix, double timeout) => ApiProcess.WaitWarmedAsync(http, $"http://127.0.0.1:{ports.Cached}", prefix, timeout);
        var startWarm = await WaitWarmed(null, 120);
        Note($"tile cache warmed at start-up: {startWarm.Tag ?? "not within 120 s"} after {startWarm.Seconds:0.0} s of waiting");
        long version;
        await using (var x = await db.OpenConnectionAsync()) version = await x.ExecuteScalarAsync<long>("select data_version from cradle_meta.state");
        await Quiesce("api");

        // ---- tile-uncached-vs-sql (after two untimed passes: JIT tiering, pools and the page cache
        // settle, as they would have on a server that has been up a while)
        // Who goes first alternates tile by tile: the second to make a tile finds its pages and rows
        // fresh in the caches the first just filled (with the API always first, the peer gained ~0.4 ms a tile).
        // Each timed tile: the API's time and the database's share of it (its Server-Timing header;
        // NaN if absent), the bare SQL's, and the HTTP round trip of a route that does nothing.
        var samples = new List<(double Api, double Db, double Sql, double Live)>();
        int turn = 0;
        for (int round = -2; round < runs; round++)
            foreach (var (layer, z, x, y) in tiles)
            {
                async Task<(double Ms, double Db)> Api()
                {
                    var sw = Stopwatch.StartNew();
                    var resp = await http.GetAsync($"http://127.0.0.1:{ports.Uncached}/tiles/{layer}/{z}/{x}/{y}.mvt");
                    await resp.Content.ReadAsByteArrayAsync();
                    var ms = sw.Elapsed.TotalMilliseconds;
                    var db = resp.Headers.TryGetValues("Server-Timing", out var timing)
                        && System.Text.RegularExpressions.Regex.Match(string.Join(",", timing), @"db;dur=([0-9.]+)") is { Success: true } m
                        ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
                    return (ms, db);
                }
                async Task<double> Live()
                {
                    var sw = Stopwatch.StartNew();
                    using var resp = await http.GetAsync($"http://127.0.0.1:{ports.Uncached}/health/live");
                    await resp.Content.ReadAsByteArrayAsync();
                    return sw.Elapsed.TotalMilliseconds;
                }
                async Task<double> Sql()
                {
                    var sw = Stopwatch.StartNew();
                    await using var c = await servingDb.OpenConnectionAsync();
                    await c.ExecuteScalarAsync<byte[]>(TileStore.AreaTileSql, new { layer, z, x, y, v = version, band = TileStore.Band(z) });
                    return sw.Elapsed.TotalMilliseconds;
                }
                (double Ms, double Db) api; double sql;
                if (turn++ % 2 == 0) { api = await Api(); sql = await Sql(); }
                else { sql = await Sql(); api = await Api(); }
                double live = await Live();
                if (round >= 0) samples.Add((api.Ms, api.Db, sql, live));
            }
        double ap = Median(samples.Select(t => t.Api)), sp = Median(samples.Select(t => t.Sql));
        // Tile by tile (the same tile through both): what the API adds, and where.
        var timed = samples.Where(t => double.IsFinite(t.Db)).ToList();
        Note($"tile-uncached-vs-sql, tile by tile: the API adds p50 {Median(samples.Select(t => t.Api - t.Sql)):0.###} ms (each tile's ratio p50 {Median(samples.Select(t => t.Api / t.Sql)):0.###}); "
            + $"its database time (Server-Timing) is the floor's {(timed.Count > 0 ? $"{Median(timed.Select(t => t.Db - t.Sql)):+0.###;-0.###}" : "n/a")} ms; the rest of the request p50 {Median(timed.Select(t => t.Api - t.Db)):0.###} ms, of which an empty route's round trip (/health/live) p50 {Median(samples.Select(t => t.Live)):0.###} ms");
        Line("tile-uncached-vs-sql", ap, "ms p50", "ST_AsMVT in PostGIS", sp, "ms p50", ap / sp, "R ≤ 1.2", ap / sp <= 1.2);

        // ---- wrk helpers
        // A wrk script that GETs these paths in turn, with these headers (a Lua table, or none).
        async Task<string> PathsScript(string name, IEnumerable<string> paths, string? headers = null)
        {
            var file = Path.Combine(scratch.FullName, name);
            await File.WriteAllTextAsync(file, "local paths = {" + string.Join(",", paths.Select(path => $"\"{path}\"")) + "}\n" +
                $"local i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i]{(headers is null ? "" : ", " + headers)})\nend\n");
            return file;
        }
        var tilePaths = tiles.Select(t => $"/tiles/{t.Layer}/{t.Z}/{t.X}/{t.Y}.mvt").ToList();
        var luaTiles = await PathsScript("tiles.lua", tilePaths, "{[\"Accept-Encoding\"] = \"gzip\"}");
        // Errors: non-2xx/3xx answers and socket errors (timeouts included), so that a server that
        // fails or hangs is reported as failing, not as slow.
        async Task<WrkRun> Wrk(string url, string? script, int connections, int seconds)
        {
            var args = new List<string> { "-t2", $"-c{connections}", $"-d{seconds}s", "--latency" };
            if (script is not null) { args.Add("-s"); args.Add(script); }
            args.Add(url);
            var w = await Run("wrk", args);
            double rps = double.Parse(System.Text.RegularExpressions.Regex.Match(w.Out, @"Requests/sec:\s+([\d.]+)").Groups[1].Value);
            var m = System.Text.RegularExpressions.Regex.Match(w.Out, @"50%\s+([\d.]+)(us|ms|s)");
            double p50 = double.Parse(m.Groups[1].Value) * (m.Groups[2].Value == "us" ? 0.001 : m.Groups[2].Value == "s" ? 1000 : 1);
            long requests = long.Parse(System.Text.RegularExpressions.Regex.Match(w.Out, @"(\d+) requests in").Groups[1].Value);
            long errors = System.Text.RegularExpressions.Regex.Matches(w.Out, @"(?:Non-2xx or 3xx responses|connect|read|write|timeout):? (\d+)")
                .Sum(x => long.Parse(x.Groups[1].Value));
            // No answers at all is a failure too: say what wrk said.
            if (requests == 0 || rps == 0) Note($"wrk {url}: no requests answered: {string.Join(" | ", w.Out.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(12))}");
            // What kind of errors (wrk's own words), for the note that reports them.
            var kinds = string.Join("; ", w.Out.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith("Socket errors") || l.StartsWith("Non-2xx")));
            return new WrkRun(rps, p50, requests == 0 ? 1 : errors, requests, kinds);
        }
        // A target counts as met only if (almost) every answer was a success.
        bool Clean(string name, WrkRun w)
        {
            if (w.Errors > 0) Note($"{name}: {w.Errors} errors in {w.Requests} requests ({w.Kinds})");
            return w.Errors <= w.Requests / 100;
        }
        int wrkSeconds = int.TryParse(Environment.GetEnvironmentVariable("BENCH_WRK_SECONDS"), out var ws) ? ws : 10;

        // ---- tile-uncached-vs-mapserver: MapServer 8 (FastCGI behind lighttpd) on the same tables and figures.
        var msDir = Directory.CreateTempSubdirectory("cradle-mapserver-").FullName;
        var cb = new Npgsql.NpgsqlConnectionStringBuilder(conn);
        string Fill(string file) => File.ReadAllText(Path.Combine(root, "bench/mapserver", file))
            .Replace("@DIR@", msDir).Replace("@PORT@", "18095").Replace("@PROCS@", Environment.ProcessorCount.ToString())
            .Replace("@PGPASSFILE@", Environment.GetEnvironmentVariable("PGPASSFILE") ?? "")
            .Replace("@COLUMNS@", string.Join(", ", Cradle.Data.Tiles.TileFigures.Columns.Select(c => "f." + c.Id)))
            // The session settings Cradle's API uses (CradleDatabase.ServingOptions), so both read the database alike.
            .Replace("@CONNECTION@", $"host={cb.Host} port={cb.Port} user={cb.Username} dbname={cb.Database} options='{CradleDatabase.ServingOptions}'");
        File.WriteAllText(Path.Combine(msDir, "cradle.map"), Fill("cradle.map.in"));
        File.WriteAllText(Path.Combine(msDir, "mapserver.conf"), Fill("mapserver.conf.in"));
        File.WriteAllText(Path.Combine(msDir, "lighttpd.conf"), Fill("lighttpd.conf.in"));
        // Against MapServer, Cradle is asked as MapServer is, without Accept-Encoding: lighttpd here
        // does not compress, and gzip would be work only one side does (about 5% of Cradle's rate).
        var luaTilesPlain = await PathsScript("tiles-plain.lua", tilePaths);
        var luaMapserver = await PathsScript("mapserver.lua", tiles.Select(t =>
            $"/mapserv?map={msDir}/cradle.map&mode=tile&tilemode=gmap&tile={t.X}+{t.Y}+{t.Z}&layers={t.Layer}&map.imagetype=mvt&band={TileStore.Band(t.Z)}&v={version}"));
        Process? lighttpd = null;
        // A peer that fails says why in one line, and the run goes on: only Cradle failing fails make bench.
        try
        {
            lighttpd = Process.Start(new ProcessStartInfo("lighttpd", ["-D", "-f", Path.Combine(msDir, "lighttpd.conf")]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var probe = $"http://127.0.0.1:18095/mapserv?map={msDir}/cradle.map&mode=tile&tilemode=gmap&tile=126+80+8&layers=lad&map.imagetype=mvt&band=1&v={version}";
            HttpResponseMessage? ms = null;
            for (int i = 0; i < 100 && ms?.IsSuccessStatusCode != true; i++)
            {
                try { ms = await http.GetAsync(probe); } catch (HttpRequestException) { }
                if (ms?.IsSuccessStatusCode != true) await Task.Delay(100);
            }
            if (ms?.Content.Headers.ContentType?.MediaType != "application/vnd.mapbox-vector-tile")
                throw new Exception($"MapServer did not answer with a tile: {(ms is null ? "no answer" : await ms.Content.ReadAsStringAsync())}");
            // One untimed run each first: MapServer's FastCGI processes open their connections and
            // plan their first queries, as Cradle's server did in the passes before.
            foreach (var (url, script) in new[] { ($"http://127.0.0.1:{ports.Uncached}", luaTilesPlain), ("http://127.0.0.1:18095", luaMapserver) })
                await Wrk(url, script, 32, Math.Min(wrkSeconds, 3));
            var cradleRps = new List<double>(); var msRps = new List<double>();
            var failed = new List<string>();
            for (int i = 0; i < runs; i++)
                foreach (var (name, url, script, list) in new[] { ("Cradle", $"http://127.0.0.1:{ports.Uncached}", luaTilesPlain, cradleRps), ("MapServer", "http://127.0.0.1:18095", luaMapserver, msRps) })
                {
                    var w = await Wrk(url, script, 32, wrkSeconds);
                    // A run with errors measures a failure, not a speed: left out, and said.
                    if (w.Requests == 0 || w.Rps == 0 || w.Errors > w.Requests / 100) { failed.Add($"{name} run {i + 1}: {w.Errors} errors in {w.Requests} requests ({w.Kinds})"); continue; }
                    list.Add(w.Rps);
                }
            foreach (var f in failed) Note($"tile-uncached-vs-mapserver: {f}");
            if (cradleRps.Count > 0 && msRps.Count > 0)
            {
                double c = Median(cradleRps), m = Median(msRps);
                Line("tile-uncached-vs-mapserver", c, "req/s", "MapServer 8", m, "req/s", c / m, "R ≥ 3", c / m >= 3);
            }
            else Line("tile-uncached-vs-mapserver", cradleRps.Count > 0 ? Median(cradleRps) : double.NaN, "req/s",
                $"MapServer 8 failed ({string.Join("; ", failed)})", null, "req/s", null, "R ≥ 3", null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var why = string.Join(' ', e.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            Line("tile-uncached-vs-mapserver", double.NaN, "req/s", $"MapServer 8 failed ({(why.Length > 300 ? why[..300] + "…" : why)})", null, "req/s", null, "R ≥ 3", null);
        }
        finally
        {
            if (lighttpd is { HasExited: false }) { lighttpd.Kill(true); lighttpd.WaitForExit(); }
            lighttpd?.Dispose();
            Directory.Delete(msDir, true);
        }

        // ---- tile-cached-throughput
        foreach (var t in tiles) await http.GetAsync($"http://127.0.0.1:{ports.Cached}/tiles/{t.Layer}/{t.Z}/{t.X}/{t.Y}.mvt");
        var cachedWrk = await Wrk($"http://127.0.0.1:{ports.Cached}", luaTiles, 32, wrkSeconds);
        Line("tile-cached-throughput", cachedWrk.Rps, "req/s", "target", 10000, "req/s", cachedWrk.Rps / 10000, "≥ 10,000 req/s", cachedWrk.Rps >= 10000 && Clean("tile-cached-throughput", cachedWrk));

        // ---- areas-lad-p50, and areas-utla-p50 for the upper-tier councils the catalog added
        double areasLad = double.NaN;
        foreach (var level in new[] { "lad", "utla" })
        {
            var url = $"http://127.0.0.1:{ports.Cached}/api/areas?level={level}";
            await http.GetAsync(url);
            var areas = await Wrk(url, null, 8, wrkSeconds);
            if (level == "lad") areasLad = areas.P50Ms;
            Line($"areas-{level}-p50", areas.P50Ms, "ms", "target", 10, "ms", areas.P50Ms / 10, "≤ 10 ms", areas.P50Ms <= 10 && Clean($"areas-{level}-p50", areas));
        }
        // ---- areas-lsoa-compressed: what Brotli saves on the largest list, and what it costs in time (alternating)
        {
            using var raw = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None }) { Timeout = TimeSpan.FromMinutes(2) };
            var url = $"http://127.0.0.1:{ports.Cached}/api/areas?level=lsoa";
            async Task<(double Ms, long Bytes)> Fetch(string? coding)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (coding is not null) request.Headers.AcceptEncoding.ParseAdd(coding);
                var sw = Stopwatch.StartNew();
                using var response = await raw.SendAsync(request);
                var bytes = await response.Content.ReadAsByteArrayAsync();
                return (sw.Elapsed.TotalMilliseconds, bytes.LongLength);
            }
            await Fetch(null); await Fetch("br");
            var (plain, br) = (new List<(double Ms, long Bytes)>(), new List<(double Ms, long Bytes)>());
            for (int k = 0; k < Math.Max(5, runs); k++)
                foreach (var (coding, into) in k % 2 == 0 ? new[] { ((string?)null, plain), ("br", br) } : new[] { ("br", br), ((string?)null, plain) })
                    into.Add(await Fetch(coding));
            double brBytes = br.Select(x => (double)x.Bytes).Max(), plainBytes = plain.Select(x => (double)x.Bytes).Max();
            Line("areas-lsoa-bytes-br", brBytes / 1e6, "MB on the wire", "uncompressed", plainBytes / 1e6, "MB", brBytes / plainBytes, "R ≤ 0.1", brBytes / plainBytes <= 0.1);
            double brMs = Median(br.Select(x => x.Ms).ToList()), plainMs = Median(plain.Select(x => x.Ms).ToList());
            Line("areas-lsoa-p50-br", brMs, "ms", "uncompressed, on loopback", plainMs, "ms", brMs / plainMs, "printed (the cost of compressing; a real network repays it)", null);
        }

        // ---- ogc-page-deep-vs-first: a page at offset 33,000 of the LSOA collection against the first (alternating)
        {
            string Page(int offset) => $"http://127.0.0.1:{ports.Cached}/ogc/collections/lsoa/items?limit=10&offset={offset}";
            await http.GetAsync(Page(0)); await http.GetAsync(Page(33_000));
            var (first, deep) = (new List<double>(), new List<double>());
            for (int k = 0; k < 60; k++)
                foreach (var (offset, into) in k % 2 == 0 ? new[] { (0, first), (33_000, deep) } : new[] { (33_000, deep), (0, first) })
                {
                    var sw = Stopwatch.StartNew();
                    (await http.GetAsync(Page(offset))).EnsureSuccessStatusCode();
                    into.Add(sw.Elapsed.TotalMilliseconds);
                }
            Line("ogc-page-deep-vs-first", Median(deep), "ms p50 (offset 33,000)", "offset 0", Median(first), "ms p50", Median(deep) / Median(first), "R ≤ 1.5", Median(deep) / Median(first) <= 1.5);
        }

        // ---- ogc-lsoa-export: GDAL's default export of the LSOA collection (pages of 10, 3,376 requests)
        {
            var gpkg = Path.Combine(scratch.FullName, "lsoa.gpkg");
            var sw = Stopwatch.StartNew();
            var export = await Processes.RunAsync("ogr2ogr", ["-f", "GPKG", gpkg, $"OAPIF:http://127.0.0.1:{ports.Cached}/ogc", "lsoa"]);
            var seconds = sw.Elapsed.TotalSeconds;
            if (export.Code != 0) Note($"ogc-lsoa-export: ogr2ogr failed: {export.Out}");
            Line("ogc-lsoa-export", export.Code == 0 ? seconds : double.NaN, "s", "target", 60, "s", seconds / 60, "≤ 60 s", export.Code == 0 && seconds <= 60);
        }

        // ---- areas-lad-default-vs-flat: the risk-stratified need model (the default) against the flat one it replaced,
        // alternating (the first of a pair ran warmer caches and JIT into the second: 7.3 against 5.7 ms before they alternated)
        {
            string Url(string q) => $"http://127.0.0.1:{ports.Cached}/api/areas?level=lad{q}";
            var (risk, flat) = (new List<double>(), new List<double>());
            foreach (var q in new[] { "", "&need_model=flat" }) await Wrk(Url(q), null, 8, 2);
            bool clean = true;
            for (int k = 0; k < runs; k++)
                foreach (var (q, into) in k % 2 == 0 ? new[] { ("&need_model=flat", flat), ("", risk) } : new[] { ("", risk), ("&need_model=flat", flat) })
                {
                    var w = await Wrk(Url(q), null, 8, wrkSeconds);
                    into.Add(w.P50Ms);
                    clean &= Clean("areas-lad-default-vs-flat", w);
                }
            Line("areas-lad-default-vs-flat", Median(risk), "ms p50", "need_model=flat", Median(flat), "ms p50", Median(risk) / Median(flat), "R ≤ 1.1", Median(risk) / Median(flat) <= 1.1 && clean);
        }

        // ---- scenario-one-team-p50
        var luaScenario = Path.Combine(scratch.FullName, "scenario.lua");
        await File.WriteAllTextAsync(luaScenario, "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n" +
            "wrk.body = '{\"teams\":[{\"name\":\"Sunderland\",\"areas\":[\"E08000024\"],\"capacity_families_per_year\":150,\"annual_cost\":160000}],\"level\":\"lad\"}'\n");
        var scenario = await Wrk($"http://127.0.0.1:{ports.Cached}/api/scenarios", luaScenario, 8, wrkSeconds);
        Line("scenario-one-team-p50", scenario.P50Ms, "ms", "target", 100, "ms", scenario.P50Ms / 100, "≤ 100 ms", scenario.P50Ms <= 100 && Clean("scenario-one-team-p50", scenario));
        // ---- scenario-default-vs-flat: the same scenario under the flat need model, alternating as above
        var luaFlat = Path.Combine(scratch.FullName, "scenario-flat.lua");
        await File.WriteAllTextAsync(luaFlat, "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n" +
            "wrk.body = '{\"teams\":[{\"name\":\"Sunderland\",\"areas\":[\"E08000024\"],\"capacity_families_per_year\":150,\"annual_cost\":160000}],\"level\":\"lad\",\"need_model\":\"flat\"}'\n");
        {
            var scenarioUrl = $"http://127.0.0.1:{ports.Cached}/api/scenarios";
            var (risk, flat) = (new List<double>(), new List<double>());
            await Wrk(scenarioUrl, luaFlat, 8, 2);
            bool clean = true;
            for (int k = 0; k < runs; k++)
                foreach (var (lua, into) in k % 2 == 0 ? new[] { (luaFlat, flat), (luaScenario, risk) } : new[] { (luaScenario, risk), (luaFlat, flat) })
                {
                    var w = await Wrk(scenarioUrl, lua, 8, wrkSeconds);
                    into.Add(w.P50Ms);
                    clean &= Clean("scenario-default-vs-flat", w);
                }
            Line("scenario-default-vs-flat", Median(risk), "ms p50", "need_model=flat", Median(flat), "ms p50", Median(risk) / Median(flat), "R ≤ 1.1", Median(risk) / Median(flat) <= 1.1 && clean);
        }

        // ---- plan-five-teams
        var planTimes = new List<double>();
        for (int i = 0; i < Math.Max(3, runs); i++)
        {
            var sw = Stopwatch.StartNew();
            var resp = await http.PostAsync($"http://127.0.0.1:{ports.Cached}/api/plan", new StringContent("{\"teams\":5}", Encoding.UTF8, "application/json"));
            resp.EnsureSuccessStatusCode();
            planTimes.Add(sw.Elapsed.TotalSeconds);
        }
        var plan = Median(planTimes);
        Line("plan-five-teams", plan, "s", "target", 1, "s", plan, "≤ 1 s", plan <= 1);

        // ---- report-pdf-p50: Sunderland's case for change with a one-team scenario, against the PNG map of the same area
        var reportUrl = $"http://127.0.0.1:{ports.Cached}/reports/lad/E08000024.pdf?scenario=E08000024%7C150%7C157000";
        var pngUrl = $"http://127.0.0.1:{ports.Cached}/maps/lad/E08000024.png";
        var docxUrl = reportUrl.Replace(".pdf?", ".docx?");
        (await http.GetAsync(reportUrl)).EnsureSuccessStatusCode();
        (await http.GetAsync(pngUrl)).EnsureSuccessStatusCode();
        (await http.GetAsync(docxUrl)).EnsureSuccessStatusCode();
        var pdfTimes = new List<double>();
        var pngTimes = new List<double>();
        var docxTimes = new List<double>();
        for (int i = 0; i < 15; i++)
            foreach (var (url, times) in new[] { (reportUrl, pdfTimes), (pngUrl, pngTimes), (docxUrl, docxTimes) })
            {
                var sw = Stopwatch.StartNew();
                var bytes = await http.GetByteArrayAsync(url);
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
        double pdfP50 = Median(pdfTimes), pngP50 = Median(pngTimes), docxP50 = Median(docxTimes);
        Line("report-pdf-p50", pdfP50, "ms", "PNG map of the area", pngP50, "ms", pdfP50 / pngP50, "≤ 500 ms", pdfP50 <= 500);
        // ---- report-docx-p50: the same report as a Word document, beside the PDF
        Line("report-docx-p50", docxP50, "ms", "the same report as PDF", pdfP50, "ms", docxP50 / pdfP50, "≤ 500 ms", docxP50 <= 500);

        // ---- tile-first-visit-after-edit: a register edit makes a new data version; the first request of each
        // low-zoom tile after it, against the same tiles once cached
        if (benchKey.Length == 0) Note($"tile-first-visit-after-edit: no API key could be made ({keyRun.Out.Trim()})");
        else
        {
            var teamId = $"bench-{Environment.ProcessId}";
            var team = $$"""{"id":"{{teamId}}","name":"Bench team","status":"in_development","service_areas":["E08000024"],"source_url":"https://example.org/{{teamId}}/page","source_date":"2026-11","last_checked":"2026-11-01","definition_fit":"meets"}""";
            var post = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{ports.Cached}/api/teams") { Content = new StringContent(team, Encoding.UTF8, "application/json") };
            post.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", benchKey);
            var edit = await http.SendAsync(post);
            long newVersion;
            await using (var x = await db.OpenConnectionAsync()) newVersion = await x.ExecuteScalarAsync<long>("select data_version from cradle_meta.state");
            var warm = await WaitWarmed($"{newVersion}.", 120);
            var low = tiles.Where(t => t.Z <= 8).ToList();
            var first = new List<double>();
            var again = new List<double>();
            int hits = 0;
            foreach (var list in new[] { first, again })
                foreach (var (layer, z, x, y) in low)
                {
                    var sw = Stopwatch.StartNew();
                    using var r = await http.GetAsync($"http://127.0.0.1:{ports.Cached}/tiles/{layer}/{z}/{x}/{y}.mvt");
                    await r.Content.ReadAsByteArrayAsync();
                    list.Add(sw.Elapsed.TotalMilliseconds);
                    if (list == first && r.Headers.TryGetValues("X-Tile-Cache", out var v) && v.First() == "hit") hits++;
                }
            Note($"tile-first-visit-after-edit: edit {(int)edit.StatusCode}, version {newVersion}; warmed {warm.Tag ?? "not within 120 s"} {warm.Seconds:0.0} s after the edit; {hits} of {low.Count} first visits from the cache");
            Line("tile-first-visit-after-edit", Median(first), "ms p50", "the same tiles cached", Median(again), "ms p50", Median(first) / Median(again), "≈ 1 (from the warmed cache)", Median(first) / Median(again) <= 1.5);
            var delete = new HttpRequestMessage(HttpMethod.Delete, $"http://127.0.0.1:{ports.Cached}/api/teams/{teamId}");
            delete.Headers.Authorization = post.Headers.Authorization;
            await http.SendAsync(delete);
        }

        // ---- similar-areas: each district's and upper-tier council's 10 nearest, computed once per data version
        var snapshot = await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(servingDb);
        var similarTimes = new List<double>();
        for (int i = 0; i < Math.Max(3, runs); i++)
        {
            var sw = Stopwatch.StartNew();
            foreach (var level in Cradle.Core.Case.SimilarAreas.Levels) Cradle.Core.Case.SimilarAreas.Compute(snapshot, level);
            similarTimes.Add(sw.Elapsed.TotalSeconds);
        }
        Line("similar-areas", Median(similarTimes), "s", "once per data version (296 districts and 153 upper-tier councils)", null, "s", null, "printed", null);

    }
    finally
    {
        uncached.Kill(true); cached.Kill(true);
        scratch.Delete(true);
    }
}

// ---- viewer-first-render and viewer-first-view-js: the viewer in headless Chromium against a bare
// MapLibre page on the same style and tiles (bench/viewer/first-render.mjs), served by one API process
// as `make run` serves it (tile cache on).
if (Section("viewer")) await ViewerBench();
async Task ViewerBench()
{
    await Quiesce("viewer");
    const int port = 18093;
    using var server = ApiProcess.Start(dll, port, new Dictionary<string, string> { ["CRADLE_DB"] = conn }); // logging as make run's appsettings.json
    try
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await ApiProcess.WaitReadyAsync(http, $"http://127.0.0.1:{port}");
        // The tile cache warmed after start, so that its work does not share the cores with the timings.
        await ApiProcess.WaitWarmedAsync(http, $"http://127.0.0.1:{port}", null, 30);
        var run = await Run("node", [Path.Combine(root, "bench/viewer/first-render.mjs"), $"http://127.0.0.1:{port}", Math.Max(5, runs).ToString(CultureInfo.InvariantCulture)]);
        var json = run.Out.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        if (run.Code != 0 || json is null) throw new Exception(run.Out.Length > 400 ? run.Out[^400..] : run.Out);
        using var doc = JsonDocument.Parse(json);
        var d = doc.RootElement;
        double v = d.GetProperty("viewer_median_s").GetDouble(), f = d.GetProperty("floor_median_s").GetDouble();
        string list(string name) => string.Join(", ", d.GetProperty(name).EnumerateArray().Select(x => x.GetDouble().ToString("0.000")));
        Note($"viewer-first-render: each run's seconds: viewer {list("viewer_s")}; bare MapLibre {list("floor_s")}");
        Line("viewer-first-render", v, "s", "bare MapLibre page, same style and tiles", f, "s", v / f, "≤ 2.5 s and R ≤ 1.3", v <= 2.5 && v / f <= 1.3);
        double kb = d.GetProperty("own_js_gzip_bytes").GetDouble() / 1024, maplibre = d.GetProperty("maplibre_js_gzip_bytes").GetDouble() / 1024;
        Line("viewer-first-view-js", kb, "KB gzip", $"target (MapLibre's own {maplibre:0} KB gzip not counted)", 300, "KB gzip", kb / 300, "≤ 300 KB gzip", kb <= 300);
        double wire = d.GetProperty("first_view_wire_median_bytes").GetDouble() / 1024;
        Note($"viewer-first-view-bytes: each run's KB on the wire: {string.Join(", ", d.GetProperty("first_view_wire_bytes").EnumerateArray().Select(x => (x.GetDouble() / 1024).ToString("0")))}");
        Line("viewer-first-view-bytes", wire, "KB", "target", 600, "KB", wire / 600, "≤ 600 KB on the wire before the first map idle", wire <= 600);

        // Lighthouse 12.2.3 (bench/viewer/package.json), simulated throttling, median of three runs per form factor.
        var lh = await Run("node", [Path.Combine(root, "bench/viewer/lighthouse.mjs"), $"http://127.0.0.1:{port}", "3"]);
        var lhJson = lh.Out.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        if (lh.Code != 0 || lhJson is null) throw new Exception("lighthouse: " + (lh.Out.Length > 400 ? lh.Out[^400..] : lh.Out));
        using var lhDoc = JsonDocument.Parse(lhJson);
        foreach (var (form, target) in new[] { ("desktop", 80), ("mobile", 50) })
        {
            var r = lhDoc.RootElement.GetProperty(form);
            double score = r.GetProperty("score").GetDouble(), tbt = r.GetProperty("tbt_ms").GetDouble();
            Note($"viewer-lighthouse-{form}: scores {string.Join(", ", r.GetProperty("runs").EnumerateArray().Select(x => x.GetProperty("score").GetDouble().ToString("0")))}; " +
                $"total blocking time {string.Join(", ", r.GetProperty("runs").EnumerateArray().Select(x => x.GetProperty("tbt_ms").GetDouble().ToString("0")))} ms; " +
                $"largest contentful paint {r.GetProperty("lcp_ms").GetDouble():0} ms; {r.GetProperty("bytes").GetDouble() / 1024:0} KB in all");
            Line($"viewer-lighthouse-{form}", score, "score", $"target (total blocking time {tbt:0} ms)", target, "score", score / target, $"≥ {target}", score >= target);
        }
    }
    catch (Exception e)
    {
        var why = e.Message.ReplaceLineEndings(" ");
        Line("viewer-first-render", double.NaN, "s", $"failed ({(why.Length > 300 ? why[..300] + "…" : why)})", null, "s", null, "≤ 2.5 s and R ≤ 1.3", false);
    }
    finally
    {
        if (!server.HasExited) { server.Kill(true); server.WaitForExit(); }
    }
}

// ---- replica-propagation: how long a register edit takes to show on both API replicas of make cluster (the chaos
// check only bounds it, generously; this says how fast it is)
if (Section("cluster"))
{
    const int edits = 7;
    var (seconds, why) = await ClusterChaos.PropagationAsync(dll, root, edits);
    if (seconds is null) Note($"replica-propagation: {why}");
    else
    {
        var p50 = Median(seconds);
        Line("replica-propagation", p50, $"s p50 (of {edits} edits)", "target", 1, "s", p50, "≤ 1 s", p50 <= 1);
    }
}

// ---- scale-10x-load and scale-10x-tile: the LSOAs cut into about 10 parts each, against the real set.
if (Section("scale"))
{
    var dir = Directory.CreateTempSubdirectory("cradle-x10-").FullName;
    try
    {
        var (file, parts, genSeconds) = await Scale.WriteSyntheticSet(db, dir);
        var manifest = Scale.WriteManifest(root, dir, file, parts);
        Note($"scale: {parts:N0} parts from 35,672 LSOAs ({parts / 35672.0:0.0} each), written in {genSeconds:0} s ({new FileInfo(file).Length / 1e6:0} MB gzipped)");
        var x1 = new List<double>(); var x10 = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            foreach (var (id, schema, list) in new[] { ("lsoa21", "bench_x1", x1), ("lsoa21x10", "bench_x10", x10) })
            {
                var c = await Run("dotnet", [dll, "ingest", "--only", id, "--schema", schema, "--data", dataDir, "--manifest", manifest], new() { ["CRADLE_DB"] = conn });
                if (c.Code != 0) throw new Exception(c.Out);
                list.Add(c.Seconds);
            }
        }
        double l1 = Median(x1), l10 = Median(x10);
        await Scale.BuildTileTable(db, "bench_x1", "src_lsoa21");
        await Scale.BuildTileTable(db, "bench_x10", "src_lsoa21x10");
        long p1 = await Scale.Points(db, "bench_x1", "src_lsoa21"), p10 = await Scale.Points(db, "bench_x10", "src_lsoa21x10");
        Note($"scale: {p1:N0} vertices at 1x, {p10:N0} at 10x ({(double)p10 / p1:0.0}x)");
        Line("scale-10x-load", l10, "s", "1x", l1, "s", l10 / l1, "R ≤ 10", l10 / l1 <= 10);

        // The LSOA tiles of the list, by the tile query Cradle serves, on each set in turn.
        await Quiesce("scale");
        var t1 = new List<double>(); var t10 = new List<double>();
        long v;
        await using (var c = await db.OpenConnectionAsync()) v = await c.ExecuteScalarAsync<long>("select data_version from cradle_meta.state");
        for (int round = 0; round < runs; round++)
            foreach (var (layer, z, x, y) in tiles.Where(t => t.Layer == "lsoa"))
                foreach (var (schema, list) in new[] { ("bench_x1", t1), ("bench_x10", t10) })
                {
                    var sw = Stopwatch.StartNew();
                    await using var c = await servingDb.OpenConnectionAsync();
                    await c.ExecuteScalarAsync<byte[]>(TileStore.AreaTileSql.Replace("cradle.area_tile", $"{schema}.area_tile"), new { layer, z, x, y, v, band = TileStore.Band(z) });
                    list.Add(sw.Elapsed.TotalMilliseconds);
                }
        double tp1 = Median(t1), tp10 = Median(t10);
        Line("scale-10x-tile", tp10, "ms p50", "1x", tp1, "ms p50", tp10 / tp1, "R ≤ 2", tp10 / tp1 <= 2);
    }
    finally
    {
        Directory.Delete(dir, true);
        await using var x = await db.OpenConnectionAsync();
        await x.ExecuteAsync("drop schema if exists bench_x1 cascade; drop schema if exists bench_x10 cascade");
    }
}

// Every run's table goes to bench/history (partial runs too, marked so); a full run also replaces
// bench/results.json and the "latest run" table at the top of docs/performance.md.
var now = DateTime.UtcNow;
var md = new StringBuilder();
md.AppendLine($"## {now:yyyy-MM-dd HH:mm} UTC, {machine}{(only is null ? "" : $" (partial: BENCH_ONLY={string.Join(",", only)})")}\n");
md.AppendLine("| bench | cradle | peer | ratio | target | met |");
md.AppendLine("|---|---|---|---|---|---|");
foreach (var x in results)
    md.AppendLine($"| {x["name"]} | {Fmt(x["cradle"])} {x["unit"]} | {x["peer"]}{(x["peer_value"] is double pv ? $" ({pv:0.###} {x["peer_unit"]})" : "")} | {Fmt(x["ratio"])} | {x["target"]} | {(x["met"] is bool b ? (b ? "yes" : "**no**") : "not measured")} |");
if (notes.Count > 0)
{
    md.AppendLine("\nWhat the run printed besides its figures:\n");
    foreach (var n in notes) md.AppendLine($"- {n}");
}
var history = Path.Combine(root, "bench", "history", $"{now:yyyy-MM-dd-HHmmss}.md");
Directory.CreateDirectory(Path.GetDirectoryName(history)!);
await File.WriteAllTextAsync(history, md.ToString());
if (only is not null)
{
    Console.WriteLine($"a partial run (BENCH_ONLY): wrote {Path.GetRelativePath(root, history)}; bench/results.json and docs/performance.md left as they were");
    return 0;
}
var json = JsonSerializer.Serialize(new { machine, date = now.ToString("O"), runs, results }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
await File.WriteAllTextAsync(Path.Combine(root, "bench/results.json"), json);
var perf = Path.Combine(root, "docs/performance.md");
const string Start = "<!-- latest run: written by make bench -->", End = "<!-- end of latest run -->";
var page = File.Exists(perf) ? await File.ReadAllTextAsync(perf) : $"# Performance\n\n{Start}\n{End}\n";
int a = page.IndexOf(Start, StringComparison.Ordinal), e = page.IndexOf(End, StringComparison.Ordinal);
page = a >= 0 && e > a ? page[..(a + Start.Length)] + "\n" + md + page[e..] : page + $"\n{Start}\n{md}{End}\n";
await File.WriteAllTextAsync(perf, page);
Console.WriteLine($"wrote bench/results.json, {Path.GetRelativePath(root, history)} and the latest run in docs/performance.md");
return 0;

static string Fmt(object? v) => v is double d && double.IsFinite(d) ? d.ToString("0.###") : "–";

/// <summary>One wrk run: throughput, median latency, and the answers that were not successes
/// (non-2xx/3xx, socket errors, timeouts) out of all requests.</summary>
sealed record WrkRun(double Rps, double P50Ms, long Errors, long Requests, string Kinds);
