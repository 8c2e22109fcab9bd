using System.CommandLine;
using Cradle.Api.Infrastructure;
using Cradle.Core.Register;

namespace Cradle.Api.Commands;

/// <summary>
/// The command line (System.CommandLine): every command with its options, each option declared
/// once and shared where commands take the same thing (--data, --manifest, --only, --db), and
/// `--help` on each. A usage error exits 2 naming what is wrong; the commands keep their own exit
/// codes (1 bad data, 3 no database, 4 busy, 5 a register conflict).
/// </summary>
public static class Cli
{
    static readonly Option<string> Data = new("--data")
    {
        Description = "The directory holding the official files (default: DATA_DIR, else ../shared/data)",
        DefaultValueFactory = _ => ProjectPaths.DataDir,
    };

    static readonly Option<string> Manifest = new("--manifest")
    {
        Description = "The manifest naming each dataset, its file, source and licence",
        DefaultValueFactory = _ => ProjectPaths.Manifest,
    };

    static readonly Option<string[]> Only = new("--only")
    {
        Description = "Only these datasets (their ids in the manifest)",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    static readonly Option<string?> Db = new("--db")
    {
        Description = "The database, as an Npgsql connection string (default: CRADLE_DB, else the project's cluster on PGPORT)",
    };

    static readonly Option<string?> KeysFile = new("--file")
    {
        Description = "The API keys file (default: CRADLE_API_KEYS_FILE)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CRADLE_API_KEYS_FILE") is { Length: > 0 } f ? f : null,
    };

    public static RootCommand Build()
    {
        var ifChanged = new Option<bool>("--if-changed") { Description = "Load only when a data file, the manifest or the model changed" };
        var teams = new Option<string>("--teams") { Description = "The register file merged in after the load", DefaultValueFactory = _ => ProjectPaths.Teams };
        var load = new Command("load", "Load the official data into PostGIS, then merge in the team register and publish the tile figures") { Data, Manifest, Only, ifChanged, teams, Db };
        load.SetAction((r, _) => WithDatabase(r, () =>
            LoadCommand.RunAsync(r.GetValue(Data)!, r.GetValue(Manifest)!, r.GetValue(Only) ?? [], r.GetValue(ifChanged), r.GetValue(teams)!)));

        var serve = new Command("serve", "Serve the API and the viewer (http://127.0.0.1:8080 unless --urls says otherwise; any --Key=value sets a setting)") { Db };
        var urls = new Option<string?>("--urls") { Description = "Where to listen, e.g. http://127.0.0.1:8080" };
        serve.Options.Add(urls);
        serve.TreatUnmatchedTokensAsErrors = false; // the host reads every --Section:Key=value itself
        serve.SetAction((r, _) => WithDatabase(r, () =>
            ServeCommand.RunAsync([.. r.GetValue(urls) is { } u ? new[] { "--urls", u } : [], .. r.UnmatchedTokens])));

        var file = new Argument<string>("FILE") { Description = "A register CSV (data/teams/teams.csv's format)" };
        var force = new Option<bool>("--force") { Description = "Import even when the file has not changed" };
        var prefer = new Option<string?>("--prefer") { Description = "Where a field changed on both sides, take the file's or the register's" };
        prefer.AcceptOnlyFromAmong("file", "register");
        var replace = new Option<bool>("--replace") { Description = "Make the register the file (edits made in the register are lost)" };
        var import = new Command("import", "Merge a register file into the register of record, cell by cell (a field changed on both sides stops it: exit 5)") { file, force, prefer, replace, Db };
        import.SetAction((r, _) => WithDatabase(r, () => TeamsCommand.ImportAsync(r.GetValue(file)!, r.GetValue(force),
            r.GetValue(prefer) switch { "file" => MergeSide.File, "register" => MergeSide.Register, _ => null }, r.GetValue(replace))));
        var output = new Argument<string?>("FILE") { Description = "Where to write teams.csv (area-evidence.csv beside it); standard output without", Arity = ArgumentArity.ZeroOrOne };
        var export = new Command("export", "Write the register of record as its published CSV snapshot") { output, Db };
        export.SetAction((r, _) => WithDatabase(r, () => TeamsCommand.ExportAsync(r.GetValue(output))));
        var register = new Command("teams", "The team register") { import, export };

        var name = new Argument<string>("NAME") { Description = "Whose key: letters, digits, _ . @ -" };
        name.Validators.Add(a => { if (!ApiKeyFile.IsName(a.GetValueOrDefault<string>() ?? "")) a.AddError("NAME: letters, digits, _ . @ - (1 to 64)"); });
        var list = new Command("list", "The keys in the file (names, dates, hash prefixes)");
        list.SetAction(r => WithKeysFile(r, f => TeamsCommand.ListKeys(f)));
        var add = new Command("add", "Make a key (shown once; only its hash is kept; it works at once)") { name };
        add.SetAction(r => WithKeysFile(r, f => TeamsCommand.AddKey(f, r.GetValue(name)!)));
        var revoke = new Command("revoke", "Revoke a name's keys (they stop working at once)") { name };
        revoke.SetAction(r => WithKeysFile(r, f => TeamsCommand.RevokeKey(f, r.GetValue(name)!)));
        var keys = new Command("keys", "API keys for register edits") { KeysFile, list, add, revoke };

        var schema = new Option<string>("--schema") { Description = "The schema to ingest into", DefaultValueFactory = _ => "bench_cradle" };
        var ingest = new Command("ingest", "The raw ingest alone, into a schema of its own (for benchmarks)") { Only, schema, Data, Manifest, Db };
        ingest.SetAction((r, _) => WithDatabase(r, () => IngestCommand.RunAsync(r.GetValue(Only) ?? [], r.GetValue(schema)!, r.GetValue(Data)!, r.GetValue(Manifest)!)));

        var document = new Argument<string?>("FILE") { Description = "Where to write it; standard output without", Arity = ArgumentArity.ZeroOrOne };
        var openapi = new Command("openapi", "Write the OpenAPI document the server serves (no database needed)") { document };
        openapi.SetAction((r, _) => ServeCommand.OpenApiAsync(r.GetValue(document) is { } path ? [path] : []));

        var root = new RootCommand("Cradle: need, coverage and unmet need for parent-infant relationship teams in England. Without a command it serves.")
        {
            load, serve, register, keys, ingest, openapi,
        };
        root.HelpName = "cradle";
        root.Options.Add(Db);
        root.SetAction((r, _) => WithDatabase(r, () => ServeCommand.RunAsync([])));
        return root;
    }

    /// <summary>Parses and runs: a usage error is exit 2 with what is wrong and where to look.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = Build().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var names = new List<string>();
            for (var c = parsed.CommandResult; c is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
                names.Insert(0, c.Command is RootCommand ? "cradle" : c.Command.Name);
            var path = string.Join(' ', names);
            foreach (var e in parsed.Errors)
            {
                var message = e.Message;
                if (message.StartsWith("Unrecognized command or argument '", StringComparison.Ordinal))
                {
                    var token = message.Split('\'')[1];
                    message = token.StartsWith('-') ? $"unknown option '{token}'" : $"unknown command or argument '{token}'";
                }
                Console.Error.WriteLine($"{path}: {message}");
            }
            Console.Error.WriteLine($"{path}: see {path} --help");
            return 2;
        }
        return await parsed.InvokeAsync();
    }

    /// <summary>--db, when given, is the database every part of the command opens (as CRADLE_DB would be).</summary>
    static Task<int> WithDatabase(ParseResult r, Func<Task<int>> run)
    {
        if (r.GetValue(Db) is { Length: > 0 } connection) Environment.SetEnvironmentVariable("CRADLE_DB", connection);
        return run();
    }

    static int WithKeysFile(ParseResult r, Func<string, int> run)
    {
        if (r.GetValue(KeysFile) is not { Length: > 0 } file)
        {
            Console.Error.WriteLine("cradle keys: set CRADLE_API_KEYS_FILE or pass --file");
            return 2;
        }
        return run(file);
    }
}
