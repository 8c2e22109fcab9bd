using Cradle.Api.Infrastructure;
using Cradle.Core;
using Cradle.Core.Register;
using Cradle.Data.Register;
using Cradle.Data.Store;

namespace Cradle.Api.Commands;

/// <summary>`cradle teams import|export` and `cradle keys list|add|revoke` (parsed in <see cref="Cli"/>).</summary>
public static class TeamsCommand
{
    /// <summary>`cradle teams import FILE`: the file merged into the register of record, cell by cell (see <see cref="TeamRegister.ImportAsync"/>).</summary>
    public static async Task<int> ImportAsync(string file, bool force, MergeSide? prefer, bool replace)
    {
        await using var db = CradleDatabase.Open(CradleDatabase.ConnectionStringFromEnvironment());
        try
        {
            var result = await new TeamRegister(db).ImportAsync(file, "import:" + Path.GetFileName(file), force: force || prefer is not null, prefer, replace: replace);
            Console.WriteLine($"cradle: {result.Describe(file)}");
            if (result.DataVersion is not null) await Cradle.Data.Tiles.TileFigures.PublishCurrentAsync(db);
            return 0;
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

    /// <summary>`cradle teams export [FILE]`: the published snapshot of the register of record (commit it, and the next import has nothing to merge).</summary>
    public static async Task<int> ExportAsync(string? file)
    {
        await using var db = CradleDatabase.Open(CradleDatabase.ConnectionStringFromEnvironment());
        var register = new TeamRegister(db);
        if (file is not null)
        {
            await register.ExportAsync(file);
            Console.Error.WriteLine($"cradle: wrote {file} and {TeamRegister.EvidenceFile} beside it");
        }
        else Console.Write(TeamCsv.Write(await register.ListAsync()));
        return 0;
    }

    // The API keys' file (CRADLE_API_KEYS_FILE, or --file): a key added or revoked here takes effect at once in every
    // server reading the file; only hashes are kept.

    public static int ListKeys(string file)
    {
        var keys = ApiKeyFile.Read(file);
        if (keys.Count == 0) Console.WriteLine($"no keys in {file}");
        foreach (var k in keys) Console.WriteLine($"{k.Name}\tadded {k.Added ?? "(date not recorded)"}\thash {k.Hash[..8]}…");
        return 0;
    }

    public static int AddKey(string file, string name)
    {
        var key = ApiKeys.NewKey();
        ApiKeyFile.Add(file, name, ApiKeys.Hash(key));
        Console.WriteLine($"API key for {name} (shown once; only its hash is kept in {file}; it works at once):");
        Console.WriteLine(key);
        return 0;
    }

    public static int RevokeKey(string file, string name)
    {
        int removed = ApiKeyFile.Revoke(file, name);
        if (removed == 0) { Console.Error.WriteLine($"cradle keys: no key named {name} in {file}"); return 1; }
        Console.WriteLine($"revoked {removed} key(s) named {name}; they stop working at once");
        return 0;
    }
}
