using Cradle.Data.Store;

namespace Cradle.Api.Commands;

public static class IngestCommand
{
    /// <summary>`cradle ingest --only ID ... --schema NAME [--data DIR] [--manifest FILE]`: the raw ingest alone, for benchmarks.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> only, string schema, string data, string manifest)
    {
        await using var db = CradleDatabase.Open(CradleDatabase.ConnectionStringFromEnvironment());
        var seconds = await new Loader(db).IngestAsync(data, manifest, only.ToList(), schema);
        Console.WriteLine($"cradle: ingested {string.Join(", ", only)} into {schema} in {seconds:0.00} s");
        return 0;
    }

}
