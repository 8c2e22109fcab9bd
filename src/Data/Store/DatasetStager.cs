using Cradle.Data.Sources;
using Dapper;
using Npgsql;
using NetTopologySuite.Geometries;
using NpgsqlTypes;
using Cradle.Core;

namespace Cradle.Data.Store;

/// <summary>The load's first stage: each dataset read, checked and bulk-copied into the staging schema (and its references and errata).</summary>
public static class DatasetStager
{
    static string SqlType(FieldType t) => t switch
    {
        FieldType.Int => "bigint",
        FieldType.Number or FieldType.Percent => "double precision",
        _ => "text",
    };

    public static async Task CreateRawTable(NpgsqlConnection conn, NpgsqlTransaction tx, DatasetSpec d, string schema = CradleDatabase.StagingSchema)
    {
        var cols = new List<string> { "src_row int not null" };
        cols.AddRange(d.Fields.Select(f => $"{f.Name} {SqlType(f.Type)}"));
        if (d.Kind == DatasetKind.Boundaries) cols.Add("geom geometry(MultiPolygon, 27700) not null");
        // Identifiers are validated manifest names (lower-case letters, digits, _), never user input.
        await conn.ExecuteAsync($"create table {schema}.{d.Table} ({string.Join(", ", cols)})", transaction: tx);
    }

    public static async Task CopyRows(NpgsqlConnection conn, DatasetSpec d, IEnumerable<DatasetRow> rows, IProgress<LoadProgress>? progress, CancellationToken ct, string schema = CradleDatabase.StagingSchema)
    {
        var columns = new List<string> { "src_row" };
        columns.AddRange(d.Fields.Select(f => f.Name));
        if (d.Kind == DatasetKind.Boundaries) columns.Add("geom");
        var types = d.Fields.Select(f => f.Type switch
        {
            FieldType.Int => NpgsqlDbType.Bigint,
            FieldType.Number or FieldType.Percent => NpgsqlDbType.Double,
            _ => NpgsqlDbType.Text,
        }).ToArray();
        await using var writer = await conn.BeginBinaryImportAsync(
            $"copy {schema}.{d.Table} ({string.Join(", ", columns)}) from stdin (format binary)", ct);
        long n = 0;
        foreach (var row in rows)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(row.SourceRow, NpgsqlDbType.Integer, ct);
            for (int i = 0; i < types.Length; i++)
            {
                if (row.Values[i] is null) await writer.WriteNullAsync(ct);
                else await writer.WriteAsync(row.Values[i]!, types[i], ct);
            }
            // Already EWKB: the geometry column's binary input reads it as it stands.
            if (d.Kind == DatasetKind.Boundaries) await writer.WriteAsync(row.Ewkb!, NpgsqlDbType.Bytea, ct);
            if (++n % 2000 == 0) progress?.Report(new LoadProgress(d.Id, "copy", n, d.Expect?.Rows));
        }
        await writer.CompleteAsync(ct);
    }

    /// <summary>Validity is checked in PostGIS after the copy (<see cref="RepairInvalid"/>); EWKB is
    /// encoded on the reader's worker threads.</summary>
    public static readonly ReadOptions LoaderReads = new(CheckValidity: false, EncodeEwkb: true);

    /// <summary>
    /// OGC validity, checked by PostGIS (GEOS) once the boundaries are copied: 0.07 s for the 35,672
    /// LSOAs, against about 0.8 s of CPU for NetTopologySuite's IsValidOp, by the same rules. The few that
    /// fail are repaired, or refused, by <see cref="PolygonCleaner"/> as if the reader had found
    /// them, with the same message naming the feature. Returns how many were repaired.
    /// </summary>
    public static async Task<int> RepairInvalid(NpgsqlConnection conn, NpgsqlTransaction tx, DatasetSpec d, string file, string schema, CancellationToken ct)
    {
        var key = d.Fields.First(f => f.Key).Name;
        var invalid = new List<(int Row, string Code, Geometry Geometry)>();
        await using (var find = new NpgsqlCommand(
            $"select src_row, {key}::text, geom from {schema}.{d.Table} where not st_isvalid(geom) order by src_row", conn, tx))
        await using (var reader = await find.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                invalid.Add((reader.GetInt32(0), reader.GetString(1), reader.GetFieldValue<Geometry>(2)));
        int count = 0;
        foreach (var (row, code, geometry) in invalid)
        {
            var (repaired, changed) = PolygonCleaner.Clean(geometry, d.MaxRepairAreaChange, file, $"feature {row} ({code})");
            if (!changed) continue; // GEOS and NetTopologySuite disagree at the edge: keep it as it is.
            count++;
            await using var update = new NpgsqlCommand($"update {schema}.{d.Table} set geom = @g where src_row = @row", conn, tx);
            update.Parameters.AddWithValue("g", NpgsqlDbType.Geometry, repaired);
            update.Parameters.AddWithValue("row", row);
            await update.ExecuteNonQueryAsync(ct);
        }
        return count;
    }

    public static void CheckExpectation(DatasetSpec d, string file, ReadStats s)
    {
        if (d.Expect?.Rows is { } rows && s.Rows != rows)
            throw new DataFileException(file, null, $"{s.Rows:N0} rows, but the manifest expects {rows:N0} for {d.Id}; is this the right file or vintage?");
        if (d.Expect?.England is { } england && s.England != england)
            throw new DataFileException(file, null, $"{s.England:N0} English rows, but the manifest expects {england:N0} for {d.Id}");
    }

    /// <summary>Every code a field says it references must exist there; names the first rows that fail.</summary>
    public static async Task CheckReferences(NpgsqlConnection conn, NpgsqlTransaction tx, Manifest manifest, Dictionary<string, string> files, List<DatasetSpec> selected)
    {
        const string S = CradleDatabase.StagingSchema;
        foreach (var d in manifest.Datasets)
            foreach (var f in d.Fields.Where(f => f.References is not null))
            {
                var (rd, rf) = f.ReferenceTarget;
                var target = manifest[rd];
                if (!selected.Contains(d) && !selected.Contains(target)) continue;
                var bad = (await conn.QueryAsync<(int Row, string Code)>(
                    $"select t.src_row, t.{f.Name} from {S}.{d.Table} t where t.{f.Name} is not null and not exists " +
                    $"(select 1 from {S}.{target.Table} r where r.{rf} = t.{f.Name}) order by t.src_row limit 5", transaction: tx)).ToList();
                if (bad.Count == 0) continue;
                var file = files.GetValueOrDefault(d.Id) ?? d.Files[0];
                bool csv = !file.Contains(".geojson") && !file.EndsWith(".shp") && !file.EndsWith(".gpkg");
                string Place(int row) => csv ? $"line {row}" : $"feature {row}";
                throw new DataFileException(file, Place(bad[0].Row),
                    $"{f.Name} '{bad[0].Code}' is not in {target.Id} ({target.Title})" +
                    (bad.Count > 1 ? $"; also {string.Join(", ", bad.Skip(1).Select(b => $"{Place(b.Row)} '{b.Code}'"))}" : ""));
            }
    }

    public static async Task LoadErrata(NpgsqlConnection conn, NpgsqlTransaction tx, Manifest manifest)
    {
        await conn.ExecuteAsync($"""
            create table {CradleDatabase.StagingSchema}.errata (
              dataset text not null, code text not null, field text not null,
              official_value text, corrected_value text not null, source text not null, note text)
            """, transaction: tx);
        if (manifest.Errata is null) return;
        var path = Path.Combine(manifest.Directory, manifest.Errata);
        using var csv = new CsvFile(path);
        var cols = csv.Columns.Select(HeaderMatch.Normalise).ToList();
        string[] required = ["dataset", "code", "field", "official_value", "corrected_value", "source", "note"];
        var idx = required.Select(c => cols.IndexOf(c)).ToArray();
        if (idx.Any(i => i < 0)) throw new DataFileException(path, "header", $"the columns must be {string.Join(", ", required)}");
        foreach (var r in csv.Records())
        {
            string? Cell(int k) => r.Cells[idx[k]] is { Length: > 0 } s ? s : null;
            var ds = Cell(0);
            if (ds is null || !manifest.Datasets.Any(d => d.Id == ds) || Cell(1) is null || Cell(2) is null || Cell(4) is null || Cell(5) is null)
                throw new DataFileException(path, r.Where, "an erratum needs a known dataset, a code, a field, a corrected value and a source");
            await conn.ExecuteAsync($"insert into {CradleDatabase.StagingSchema}.errata values (@a, @b, @c, @d, @e, @f, @g)",
                new { a = ds, b = Cell(1), c = Cell(2), d = Cell(3), e = Cell(4), f = Cell(5), g = Cell(6) }, tx);
        }
    }

    /// <summary>
    /// data/areas/area-changes.csv into the staging schema: dated changes to areas, each checked (a date, a known
    /// status and level, well-formed codes, a statement and a source), or the load stops naming the line and field.
    /// </summary>
    public static async Task LoadAreaChanges(NpgsqlConnection conn, NpgsqlTransaction tx, Manifest manifest)
    {
        await conn.ExecuteAsync($"""
            create table {CradleDatabase.StagingSchema}.area_change (
              line int not null, date date not null, status text not null, level text not null, code text not null, name text,
              becomes text, says text not null, source_url text not null, source_date text not null)
            """, transaction: tx);
        if (manifest.AreaChanges is null) return;
        var path = Path.Combine(manifest.Directory, manifest.AreaChanges);
        using var csv = new CsvFile(path);
        var cols = csv.Columns.Select(HeaderMatch.Normalise).ToList();
        string[] required = ["date", "status", "level", "code", "name", "becomes", "says", "source_url", "source_date"];
        var idx = required.Select(c => cols.IndexOf(c)).ToArray();
        if (idx.Any(i => i < 0)) throw new DataFileException(path, "header", $"the columns must be {string.Join(", ", required)}");
        var code = new System.Text.RegularExpressions.Regex(@"^E\d{8}$");
        var becomes = new HashSet<string>();
        foreach (var r in csv.Records())
        {
            string? Cell(int k) => r.Cells[idx[k]] is { Length: > 0 } v ? v.Trim() : null;
            void Bad(string field, string what) => throw new DataFileException(path, r.Where, $"{field}: {what}");
            if (!DateOnly.TryParseExact(Cell(0), "yyyy-MM-dd", out var date)) Bad("date", $"'{Cell(0)}' is not a date (yyyy-mm-dd)");
            if (Cell(1) is not ("in_force" or "decided" or "possible")) Bad("status", $"'{Cell(1)}' is not in_force, decided or possible");
            if (!Cradle.Core.Catalog.AreaLevels.TryGet(Cell(2), out _)) Bad("level", $"'{Cell(2)}' is not a level of the catalog");
            if (Cell(3) is not { } c || !code.IsMatch(c)) Bad("code", $"'{Cell(3)}' is not an area code");
            if (Cell(5) is { } b && !code.IsMatch(b)) Bad("becomes", $"'{b}' is not an area code");
            if (Cell(6) is null) Bad("says", "a change needs a statement");
            if (Cell(7) is not { } u || !(u.StartsWith("https://") || u.StartsWith("http://"))) Bad("source_url", "a change needs its source's address");
            if (Cell(8) is null) Bad("source_date", "a change needs its source's date");
            if (Cell(5) is { } newer && !becomes.Add(newer)) Bad("becomes", $"{newer} is already the newer code of another area");
            await conn.ExecuteAsync($"insert into {CradleDatabase.StagingSchema}.area_change values (@line, @date, @status, @level, @code, @name, @becomes, @says, @url, @sdate)",
                new { line = r.Number, date, status = Cell(1), level = Cell(2), code = Cell(3), name = Cell(4), becomes = Cell(5), says = Cell(6), url = Cell(7), sdate = Cell(8) }, tx);
        }
    }
}
