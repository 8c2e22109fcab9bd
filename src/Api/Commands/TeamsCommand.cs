using Cradle.Api.Infrastructure;
using Cradle.Geo;
using Cradle.Geo.Register;
using Cradle.Geo.Store;

namespace Cradle.Api.Commands;

/// <summary>`cradle teams import FILE [--force] [--prefer file|register | --replace]`, `cradle teams export [FILE]` and `cradle keys list|add|revoke`.</summary>
public static class TeamsCommand
{
    const string Usage = "usage: cradle teams import FILE [--force] [--prefer file|register | --replace] | cradle teams export [FILE]";

    public static async Task<int> RunAsync(string[] args)
    {
        await using var db = CradleDatabase.Open(CradleDatabase.ConnectionStringFromEnvironment());
        var register = new TeamRegister(db);
        try
        {
            switch (args)
            {
                case ["import", var file, .. var rest]:
                    MergeSide? prefer = null;
                    int at = Array.IndexOf(rest, "--prefer");
                    if (at >= 0)
                    {
                        prefer = rest.ElementAtOrDefault(at + 1) switch { "file" => MergeSide.File, "register" => MergeSide.Register, _ => null };
                        if (prefer is null) { Console.Error.WriteLine("cradle teams: --prefer takes file or register"); return 2; }
                    }
                    var result = await register.ImportAsync(file, "import:" + Path.GetFileName(file), force: rest.Contains("--force") || prefer is not null, prefer,
                        replace: rest.Contains("--replace"));
                    Console.WriteLine($"cradle: {result.Describe(file)}");
                    if (result.DataVersion is not null) await Cradle.Geo.Tiles.TileFigures.PublishCurrentAsync(db);
                    return 0;
                case ["export", .. var rest]:
                    // The published snapshot of the register of record: commit it, and the next import has nothing to merge.
                    if (rest.Length > 0)
                    {
                        await register.ExportAsync(rest[0]);
                        Console.Error.WriteLine($"cradle: wrote {rest[0]} and {TeamRegister.EvidenceFile} beside it");
                    }
                    else Console.Write(TeamCsv.Write(await register.ListAsync()));
                    return 0;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (RegisterMergeException e)
        {
            Console.Error.WriteLine($"cradle teams: error: {e.Message}");
            return 5;
        }
        catch (DataFileException e)
        {
            Console.Error.WriteLine($"cradle teams: error: {e.Message}");
            Console.Error.WriteLine("cradle teams: nothing was changed");
            return 1;
        }
    }

    const string KeysUsage = "usage: cradle keys list | add NAME | revoke NAME   [--file FILE]   (NAME: letters, digits, _ . @ -)";

    /// <summary>
    /// The API keys' file (CRADLE_API_KEYS_FILE, or --file): a key added or revoked here takes
    /// effect at once in every server reading the file; only hashes are kept.
    /// </summary>
    public static int Keys(string[] args)
    {
        var file = args.SkipWhile(a => a != "--file").Skip(1).FirstOrDefault() ?? Environment.GetEnvironmentVariable("CRADLE_API_KEYS_FILE");
        var words = args.TakeWhile(a => a != "--file").ToArray();
        if (string.IsNullOrEmpty(file)) { Console.Error.WriteLine("cradle keys: set CRADLE_API_KEYS_FILE or pass --file"); return 2; }
        switch (words)
        {
            case ["list"]:
                var keys = ApiKeyFile.Read(file);
                if (keys.Count == 0) Console.WriteLine($"no keys in {file}");
                foreach (var k in keys) Console.WriteLine($"{k.Name}\tadded {k.Added ?? "(date not recorded)"}\thash {k.Hash[..8]}…");
                return 0;
            case ["add", var name] when ApiKeyFile.IsName(name):
                var key = ApiKeys.NewKey();
                ApiKeyFile.Add(file, name, ApiKeys.Hash(key));
                Console.WriteLine($"API key for {name} (shown once; only its hash is kept in {file}; it works at once):");
                Console.WriteLine(key);
                return 0;
            case ["revoke", var name] when ApiKeyFile.IsName(name):
                int removed = ApiKeyFile.Revoke(file, name);
                if (removed == 0) { Console.Error.WriteLine($"cradle keys: no key named {name} in {file}"); return 1; }
                Console.WriteLine($"revoked {removed} key(s) named {name}; they stop working at once");
                return 0;
            default:
                Console.Error.WriteLine(KeysUsage);
                return 2;
        }
    }
}
