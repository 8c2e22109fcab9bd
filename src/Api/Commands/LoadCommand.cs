using Cradle.Core;
using Cradle.Data.Store;
using Spectre.Console;

namespace Cradle.Api.Commands;

/// <summary>
/// `cradle load`: runs the loader with progress bars on a terminal and plain lines otherwise,
/// then a summary table. Exit 0 on success, 1 on bad data (the message names file and row)
/// or a database error, 2 on bad usage, 3 when the database cannot be reached, 5 when the register file conflicts with edits made in the register (the data are loaded, the register unchanged), 4 when another
/// load holds the database for over two minutes.
/// </summary>
public static class LoadCommand
{
    public static async Task<int> RunAsync(string dataDir, string manifest, IReadOnlyList<string> only, bool ifChanged, string teams)
    {
        if (!Directory.Exists(dataDir)) return Fail(2, $"data directory {dataDir} does not exist; set DATA_DIR or --data");

        await using var db = CradleDatabase.Open(CradleDatabase.ConnectionStringFromEnvironment());
        bool interactive = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
        var options = new LoadOptions(dataDir, manifest, only.ToList(), ifChanged);
        try
        {
            LoadResult result;
            if (interactive)
            {
                result = await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                    .StartAsync(async ctx =>
                    {
                        var tasks = new Dictionary<string, ProgressTask>();
                        // Reported on the loader's thread: Progress<T> would run these on the pool, concurrently.
                        var progress = new SynchronousProgress(p =>
                        {
                            if (!tasks.TryGetValue(p.Dataset, out var t))
                                tasks[p.Dataset] = t = ctx.AddTask(p.Dataset, maxValue: p.Total ?? 1);
                            var seconds = t.ElapsedTime?.TotalSeconds ?? 0;
                            var rate = p.Done > 0 && seconds > 0.05 ? $" [grey]({p.Done / seconds:N0}/s)[/]" : "";
                            t.Description = $"{p.Dataset} [grey]{p.Stage}[/] {(p.Done > 0 ? p.Done.ToString("N0") : "")}{rate}";
                            if (p.Total is { } total) { t.MaxValue = Math.Max(1, total); t.Value = p.Done; }
                            if (p.Stage == "done") t.StopTask();
                        });
                        var r = await new Loader(db, progress).RunAsync(options);
                        foreach (var t in tasks.Values) { t.Value = t.MaxValue; t.StopTask(); }
                        return r;
                    });
            }
            else
            {
                var started = DateTime.UtcNow;
                var datasetStarted = started;
                var progress = new SynchronousProgress(p =>
                {
                    var now = DateTime.UtcNow;
                    if (p.Stage == "read") datasetStarted = now;
                    var rate = p.Stage == "done" ? $" {p.Done:N0} rows, {p.Done / Math.Max(0.001, (now - datasetStarted).TotalSeconds):N0} rows/s" : "";
                    if (p.Stage is "read" or "done" or "derive" or "checks" or "swap" or "references" or "tiles" || p.Stage.StartsWith("level ") || (p.Stage.StartsWith("waiting") && p.Done % 10 == 0))
                        Console.WriteLine($"[{(now - started).TotalSeconds,6:0.0}s] {p.Dataset}: {p.Stage}{rate}");
                });
                result = await new Loader(db, progress).RunAsync(options);
            }
            PrintSummary(result);
            // The register lives beside the data and survives reloads; the CSV is imported when it changed.
            // The database is the register of record: the file is merged in, and an edit made since the last import is kept.
            int exit = 0;
            try
            {
                var import = await new Cradle.Data.Register.TeamRegister(db).ImportAsync(teams, "import:" + Path.GetFileName(teams));
                Console.WriteLine($"cradle: team register: {import.Describe(teams)}");
            }
            catch (Cradle.Core.Register.RegisterMergeException e)
            {
                Console.Error.WriteLine($"cradle: error: {e.Message}");
                Console.Error.WriteLine("cradle: the data were loaded; the team register was not changed. Resolve with: cradle teams import " + teams + " --prefer file|register");
                exit = 5;
            }
            // Tiles read figures published once per data version and day, made here with the version.
            var published = await Cradle.Data.Tiles.TileFigures.PublishCurrentAsync(db);
            Console.WriteLine($"cradle: tile figures published for data version {published.DataVersion} as of {published.AsOf:yyyy-MM-dd}");
            return exit;
        }
        catch (DataFileException e) { return Fail(1, e.Message); }
        catch (LoadBusyException e) { return Fail(4, e.Message); }
        catch (Npgsql.PostgresException e) { return Fail(1, $"the database refused the load: {e.MessageText} ({e.SqlState})"); }
        catch (ArgumentException e) { return Fail(2, e.Message); }
        catch (InvalidOperationException e) { return Fail(1, e.Message); }
        catch (Npgsql.NpgsqlException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("Failed to connect"))
        {
            return Fail(3, $"cannot reach the database ({e.Message}); start it with `make db`");
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or IOException)
        {
            return Fail(1, $"{e.GetType().Name}: {e.Message}");
        }
    }

    static void PrintSummary(LoadResult r)
    {
        if (r.Unchanged)
        {
            Console.WriteLine($"cradle: data unchanged, nothing to load (data version {r.DataVersion})");
            return;
        }
        var table = new Table().Title($"Loaded data version {r.DataVersion}")
            .AddColumns("dataset", "rows", "england", "repaired", "crs", "seconds");
        foreach (var d in r.Datasets.Where(d => d.Reloaded))
            table.AddRow(d.Id, d.Rows.ToString("N0"), d.England.ToString("N0"), d.Repaired.ToString("N0"), Markup.Escape(d.Crs ?? "-"), d.Seconds.ToString("0.00"));
        table.AddRow("[grey]derive + checks[/]", "", "", "", "", r.DeriveSeconds.ToString("0.00"));
        table.AddRow("[bold]total[/]", "", "", r.Datasets.Sum(d => d.Repaired).ToString("N0"), "", r.Seconds.ToString("0.00"));
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected) AnsiConsole.Write(table);
        else
        {
            Console.WriteLine($"{"dataset",-28} {"rows",8} {"england",8} {"repaired",8} {"seconds",8}  crs");
            foreach (var d in r.Datasets.Where(d => d.Reloaded))
                Console.WriteLine($"{d.Id,-28} {d.Rows,8} {d.England,8} {d.Repaired,8} {d.Seconds,8:0.00}  {d.Crs ?? "-"}");
            Console.WriteLine($"{"derive + checks",-28} {"",8} {"",8} {"",8} {r.DeriveSeconds,8:0.00}");
            Console.WriteLine($"{"total",-28} {"",8} {"",8} {r.Datasets.Sum(d => d.Repaired),8} {r.Seconds,8:0.00}");
            Console.WriteLine($"cradle: loaded data version {r.DataVersion}");
        }
    }

    static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"cradle load: error: {message}");
        Console.Error.WriteLine("cradle load: nothing was changed; the data already loaded is still served");
        return code;
    }

    /// <summary>Reports on the calling thread, so plain lines come out in order.</summary>
    sealed class SynchronousProgress(Action<LoadProgress> report) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => report(value);
    }
}
