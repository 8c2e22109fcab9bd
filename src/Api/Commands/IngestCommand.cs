using Cradle.Geo.Store;

namespace Cradle.Api.Commands;

public static class IngestCommand
{
    /// <summary>`cradle ingest --only ID ... --schema NAME [--data DIR] [--manifest FILE]`: the raw ingest alone, for benchmarks.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var only = new List<string>();
        string schema = "bench_cradle", data = ProjectPaths.DataDir, manifest = ProjectPaths.Manifest;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--schema" && i + 1 < args.Length) schema = args[++i];
            else if (args[i] == "--data" && i + 1 < args.Length) data = args[++i];
            else if (args[i] == "--manifest" && i + 1 < args.Length) manifest = args[++i];
            else if (args[i] == "--only") while (i + 1 < args.Length && !args[i + 1].StartsWith("--")) only.Add(args[++i]);
            else { Console.Error.WriteLine($"cradle ingest: unknown option '{args[i]}'"); return 2; }
        }
        await using var db = CradleDatabase.Open(CradleDatabase.ConnectionStringFromEnvironment());
        var seconds = await new Loader(db).IngestAsync(data, manifest, only, schema);
        Console.WriteLine($"cradle: ingested {string.Join(", ", only)} into {schema} in {seconds:0.00} s");
        return 0;
    }

}
