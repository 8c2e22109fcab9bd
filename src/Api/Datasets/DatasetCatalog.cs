using Dapper;
using Npgsql;

namespace Cradle.Api.Datasets;

/// <summary>One loaded dataset as the API lists it.</summary>
public sealed record LoadedDataset(
    string Id, string Title, string Kind, string Vintage, string File, string? Crs, int Rows, int EnglandRows, int Repaired,
    string Publisher, string SourceUrl, string Licence, string Attribution, string? Via, string? Notes,
    DateTime LoadedAt, long DataVersion, string Checksum);

public sealed record DatasetList(long DataVersion, int Count, IReadOnlyList<LoadedDataset> Datasets);

/// <summary>Reads the datasets record of the live schema.</summary>
public sealed class DatasetCatalog(NpgsqlDataSource db)
{
    public async Task<DatasetList?> ListAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        // One statement, so that the list and the version come from the same snapshot.
        var rows = (await conn.QueryAsync<LoadedDataset, long, (LoadedDataset Dataset, long Version)>(new CommandDefinition("""
            select d.id, d.title, d.kind, d.vintage, d.file, d.crs, d.rows, d.england_rows as EnglandRows, d.repaired,
                   d.publisher, d.source_url as SourceUrl, d.licence, d.attribution, d.via, d.notes,
                   d.loaded_at as LoadedAt, d.data_version as DataVersion, d.checksum,
                   s.data_version as current_version
            from cradle.datasets d cross join cradle_meta.state s
            order by d.id
            """, cancellationToken: ct), (d, v) => (d, v), splitOn: "current_version")).ToList();
        if (rows.Count == 0) return null;
        return new DatasetList(rows[0].Version, rows.Count, rows.Select(r => r.Dataset).ToList());
    }
}
