using Cradle.Api.Infrastructure;
using Cradle.Geo;
using Cradle.Geo.Register;
using Cradle.Geo.Store;

namespace Cradle.Api.Commands;

/// <summary>`cradle teams import FILE [--force]`, `cradle teams export [FILE]` and `cradle keys add NAME [--file FILE]`.</summary>
public static class TeamsCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        await using var db = CradleDatabase.Open(CradleDatabase.ConnectionStringFromEnvironment());
        var register = new TeamRegister(db);
        try
        {
            switch (args)
            {
                case ["import", var file, .. var rest]:
                    var (imported, n) = await register.ImportAsync(file, "import:" + Path.GetFileName(file), force: rest.Contains("--force"));
                    Console.WriteLine(imported ? $"cradle: imported {n} teams from {file}" : $"cradle: {file} unchanged since its last import ({n} teams); --force to import anyway");
                    if (imported) await Cradle.Geo.Tiles.TileFigures.PublishCurrentAsync(db);
                    return 0;
                case ["export", .. var rest]:
                    var csv = TeamCsv.Write(await register.ListAsync());
                    if (rest.Length > 0) await File.WriteAllTextAsync(rest[0], csv); else Console.Write(csv);
                    return 0;
                default:
                    Console.Error.WriteLine("usage: cradle teams import FILE [--force] | cradle teams export [FILE]");
                    return 2;
            }
        }
        catch (DataFileException e)
        {
            Console.Error.WriteLine($"cradle teams: error: {e.Message}");
            Console.Error.WriteLine("cradle teams: nothing was changed");
            return 1;
        }
    }

    public static int Keys(string[] args)
    {
        if (args is not ["add", var name, .. var rest] || !System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z0-9_.@-]{1,64}$"))
        {
            Console.Error.WriteLine("usage: cradle keys add NAME [--file FILE]   (NAME: letters, digits, _ . @ -)");
            return 2;
        }
        var file = rest is ["--file", var f] ? f : Environment.GetEnvironmentVariable("CRADLE_API_KEYS_FILE");
        if (string.IsNullOrEmpty(file)) { Console.Error.WriteLine("cradle keys: set CRADLE_API_KEYS_FILE or pass --file"); return 2; }
        var key = ApiKeys.NewKey();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        File.AppendAllText(file, $"{name}:{ApiKeys.Hash(key)}\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Console.WriteLine($"API key for {name} (shown once; only its hash is kept in {file}):");
        Console.WriteLine(key);
        return 0;
    }
}
