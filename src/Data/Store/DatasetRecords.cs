using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Cradle.Data.Store;

/// <summary>What was loaded, from which file, with which checksum: the record the swap makes live with the data.</summary>
public static class DatasetRecords
{
    /// <summary>Bumped when the derived model changes shape, so that unchanged files still reload.</summary>
    const string ModelVersion = "model-2";

    public static async Task WriteDatasetsRecord(NpgsqlConnection conn, NpgsqlTransaction tx, Manifest manifest, List<DatasetSpec> selected,
        Dictionary<string, string> files, Dictionary<string, string> checksums, List<DatasetLoadResult> results, long version)
    {
        const string S = CradleDatabase.StagingSchema, L = CradleDatabase.LiveSchema;
        await conn.ExecuteAsync($"""
            create table {S}.datasets (
              id text primary key, title text not null, kind text not null, table_name text not null, vintage text not null,
              file text not null, crs text, rows int not null, england_rows int not null, repaired int not null,
              checksum text not null, seconds double precision not null, loaded_at timestamptz not null, data_version bigint not null,
              publisher text not null, source_url text not null, licence text not null, attribution text not null, via text, notes text)
            """, transaction: tx);
        foreach (var d in manifest.Datasets)
        {
            if (!selected.Contains(d))
            {
                await conn.ExecuteAsync($"insert into {S}.datasets select * from {L}.datasets where id = @id", new { id = d.Id }, tx);
                continue;
            }
            var r = results.Single(x => x.Id == d.Id);
            await conn.ExecuteAsync($"""
                insert into {S}.datasets values (@Id, @Title, @Kind, @Table, @Vintage, @File, @Crs, @Rows, @England, @Repaired,
                  @Checksum, @Seconds, now(), @Version, @Publisher, @Url, @Licence, @Attribution, @Via, @Notes)
                """, new
            {
                d.Id, d.Title, Kind = d.Kind.ToString().ToLowerInvariant(), d.Table, d.Vintage,
                File = Path.GetRelativePath(Path.GetFullPath(Path.GetDirectoryName(files[d.Id])! + "/.."), files[d.Id]),
                r.Crs, r.Rows, r.England, r.Repaired, Checksum = checksums[d.Id], r.Seconds, Version = version,
                d.Source.Publisher, d.Source.Url, d.Source.Licence, d.Source.Attribution, d.Source.Via, d.Notes,
            }, tx);
        }
    }

    public static async Task<Dictionary<string, string>?> LiveDatasets(NpgsqlConnection conn)
    {
        var exists = await conn.ExecuteScalarAsync<bool>(
            $"select exists (select 1 from pg_tables where schemaname = '{CradleDatabase.LiveSchema}' and tablename = 'datasets')");
        if (!exists) return null;
        return (await conn.QueryAsync<(string Id, string Checksum)>($"select id, checksum from {CradleDatabase.LiveSchema}.datasets"))
            .ToDictionary(x => x.Id, x => x.Checksum);
    }

    /// <summary>The derived model as built into this program, its SQL and catalog: the same for every dataset, so made once.</summary>
    static readonly Lazy<string> ModelText = new(() => CradleDatabase.Sql("derive.sql") + CradleDatabase.Sql("derive-areas.sql")
        + CradleDatabase.Sql("checks.sql") + JsonSerializer.Serialize(Cradle.Core.Catalog.AreaLevels.All));

    /// <summary>SHA-256 of the file (and a shapefile's companions), the dataset's manifest entry and the model version.</summary>
    public static string Checksum(DatasetSpec d, string file, IEnumerable<string> modelInputs)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // The derived model, the errata and the area changes feed every figure, so a change to any reloads.
        sha.AppendData(Encoding.UTF8.GetBytes(ModelVersion + JsonSerializer.Serialize(d) + ModelText.Value));
        foreach (var input in modelInputs) if (File.Exists(input)) sha.AppendData(File.ReadAllBytes(input));
        var parts = new List<string> { file };
        if (file.EndsWith(".shp", StringComparison.OrdinalIgnoreCase))
            parts.AddRange(new[] { ".dbf", ".prj", ".cpg", ".shx" }.Select(e => Path.ChangeExtension(file, e)).Where(File.Exists));
        foreach (var p in parts)
        {
            using var s = File.OpenRead(p);
            sha.AppendData(SHA256.HashData(s));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
