using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cradle.Geo.Sources;
using Dapper;
using Npgsql;
using NetTopologySuite.Geometries;
using NpgsqlTypes;

namespace Cradle.Geo.Store;

public sealed record LoadOptions(string DataDir, string ManifestPath, IReadOnlyList<string>? Only = null, bool IfChanged = false);

public sealed record LoadProgress(string Dataset, string Stage, long Done, long? Total);

public sealed record DatasetLoadResult(string Id, string File, string? Crs, int Rows, int England, int Repaired, double Seconds, bool Reloaded);

/// <summary>Another load holds the database's load lock.</summary>
public sealed class LoadBusyException(string message) : Exception(message);

public sealed record LoadResult(long DataVersion, bool Unchanged, IReadOnlyList<DatasetLoadResult> Datasets, double DeriveSeconds, double Seconds);

/// <summary>
/// Loads the manifest's datasets into PostGIS. Everything happens in one transaction: raw
/// tables are bulk-copied into a staging schema, checked, the served model is derived and
/// checked, and the staging schema is renamed over the live one at commit. Readers see the old
/// data or the new, never a mix; a failed or killed load rolls back and leaves the old data served.
/// </summary>
public sealed class Loader(NpgsqlDataSource db, IProgress<LoadProgress>? progress = null)
{
    /// <summary>Bumped when the derived model changes shape, so that unchanged files still reload.</summary>
    const string ModelVersion = "model-1";
    const long LoadLockKey = 0x43_72_61_64_6C_65; // "Cradle"

    public async Task<LoadResult> RunAsync(LoadOptions options, CancellationToken ct = default)
    {
        var total = Stopwatch.StartNew();
        var manifest = Manifest.Load(options.ManifestPath);
        var selected = options.Only is { Count: > 0 } only
            ? only.Select(id => manifest.Datasets.FirstOrDefault(d => d.Id == id)
                ?? throw new ArgumentException($"--only {id}: no such dataset; the manifest has {string.Join(", ", manifest.Datasets.Select(d => d.Id))}")).ToList()
            : manifest.Datasets.ToList();

        await using var conn = await db.OpenConnectionAsync(ct);
        // If this client dies mid-load, the server notices within a second and rolls back,
        // instead of finishing a long statement for nobody while holding the load lock.
        await conn.ExecuteAsync("set client_connection_check_interval = '1s'");
        await AcquireLoadLock(conn, ct);
        try
        {
            return await LoadLocked(conn, manifest, selected, options, total, ct);
        }
        finally
        {
            // Session-level: a pooled connection would keep the lock after this load.
            if (conn.State == System.Data.ConnectionState.Open)
                await conn.ExecuteAsync("select pg_advisory_unlock(@k)", new { k = LoadLockKey });
        }
    }

    async Task<LoadResult> LoadLocked(NpgsqlConnection conn, Manifest manifest, List<DatasetSpec> selected, LoadOptions options, Stopwatch total, CancellationToken ct)
    {
        await conn.ExecuteAsync(CradleDatabase.Sql("meta.sql"));
        await conn.ExecuteAsync("update cradle_meta.loads set status = 'abandoned', finished_at = now() where status = 'running'");
        // Every attempt that reaches the database is on record, whatever stops it.
        long loadId = await conn.ExecuteScalarAsync<long>(
            "insert into cradle_meta.loads (status, datasets) values ('running', @d) returning id", new { d = selected.Select(s => s.Id).ToArray() });
        try
        {
            var files = new Dictionary<string, string>();
            foreach (var d in selected)
                files[d.Id] = d.ResolveFile(options.DataDir) ?? throw new DataFileException(
                    Path.Combine(options.DataDir, d.Files[0]), null,
                    $"dataset '{d.Id}' not found; looked for {string.Join(", ", d.Files)} in {options.DataDir}");
            var errataPath = manifest.Errata is null ? null : Path.Combine(manifest.Directory, manifest.Errata);
            var checksums = selected.ToDictionary(d => d.Id, d => Checksum(d, files[d.Id], errataPath));

            var live = await LiveDatasets(conn);
            if (options.IfChanged && live is not null && selected.All(d => live.TryGetValue(d.Id, out var c) && c == checksums[d.Id])
                && manifest.Datasets.All(d => live.ContainsKey(d.Id)))
            {
                var version = await conn.ExecuteScalarAsync<long>("select data_version from cradle_meta.state");
                await conn.ExecuteAsync("update cradle_meta.loads set status = 'unchanged', finished_at = now(), data_version = @version where id = @loadId", new { version, loadId });
                return new LoadResult(version, true, [], 0, total.Elapsed.TotalSeconds);
            }
            var missing = manifest.Datasets.Where(d => !selected.Contains(d) && (live is null || !live.ContainsKey(d.Id))).Select(d => d.Id).ToList();
            if (missing.Count > 0)
                throw new ArgumentException($"datasets {string.Join(", ", missing)} have never been loaded; load them too (or load everything)");

            // 'succeeded' is written inside the load's own transaction, so it is true exactly when the data is live.
            return await LoadInTransaction(conn, manifest, selected, files, checksums, options, total, loadId, ct);
        }
        catch (Exception e)
        {
            if (conn.State == System.Data.ConnectionState.Open)
                await conn.ExecuteAsync("update cradle_meta.loads set status = 'failed', finished_at = now(), message = @m where id = @id",
                    new { m = e.Message, id = loadId });
            throw;
        }
    }

    async Task<LoadResult> LoadInTransaction(NpgsqlConnection conn, Manifest manifest, List<DatasetSpec> selected,
        Dictionary<string, string> files, Dictionary<string, string> checksums, LoadOptions options, Stopwatch total, long loadId, CancellationToken ct)
    {
        const string S = CradleDatabase.StagingSchema, L = CradleDatabase.LiveSchema;
        await using var tx = await conn.BeginTransactionAsync(ct);
        // No JIT: PostGIS's high function costs make PostgreSQL compile even quick checks (see db.sh).
        await conn.ExecuteAsync($"drop schema if exists {S} cascade; create schema {S}; set local search_path = {S}, public; set local jit = off;", transaction: tx);

        var results = new List<DatasetLoadResult>();
        foreach (var d in manifest.Datasets)
        {
            if (!selected.Contains(d))
            {
                // Kept as loaded before: copied from the live schema inside this transaction.
                await conn.ExecuteAsync($"create table {S}.{d.Table} as table {L}.{d.Table}", transaction: tx);
                continue;
            }
            var sw = Stopwatch.StartNew();
            var stats = new ReadStats();
            progress?.Report(new LoadProgress(d.Id, "read", 0, null));
            using (var source = SourceFile.Open(files[d.Id], d.Layer, d.HeaderLine))
            {
                await CreateRawTable(conn, tx, d);
                await CopyRows(conn, d, DatasetReader.Read(d, source, stats, LoaderReads), ct);
            }
            if (d.Kind == DatasetKind.Boundaries) stats.Repaired = await RepairInvalid(conn, tx, d, files[d.Id], CradleDatabase.StagingSchema, ct);
            CheckExpectation(d, files[d.Id], stats);
            results.Add(new DatasetLoadResult(d.Id, files[d.Id], stats.Crs, stats.Rows, stats.England, stats.Repaired, sw.Elapsed.TotalSeconds, true));
            progress?.Report(new LoadProgress(d.Id, "done", stats.Rows, stats.Rows));
        }

        progress?.Report(new LoadProgress("checks", "references", 0, null));
        await CheckReferences(conn, tx, manifest, files, selected);
        await LoadErrata(conn, tx, manifest);

        var derive = Stopwatch.StartNew();
        progress?.Report(new LoadProgress("model", "derive", 0, null));
        await LevelDeriver.RunAsync(conn, tx, ct);
        progress?.Report(new LoadProgress("model", "checks", 0, null));
        await RunChecks(conn, tx);
        double deriveSeconds = derive.Elapsed.TotalSeconds;

        long version = await conn.ExecuteScalarAsync<long>("select nextval('cradle_meta.data_version_seq')", transaction: tx);
        await WriteDatasetsRecord(conn, tx, manifest, selected, files, checksums, results, version);
        foreach (var table in await conn.QueryAsync<string>($"select tablename from pg_tables where schemaname = '{S}'", transaction: tx))
            await conn.ExecuteAsync($"analyze {S}.{table}", transaction: tx, commandTimeout: 600);

        // The swap: renames are catalogue updates, visible to readers only at commit.
        progress?.Report(new LoadProgress("model", "swap", 0, null));
        await conn.ExecuteAsync($"""
            drop schema if exists cradle_prev cascade;
            do $$ begin
              if exists (select 1 from pg_namespace where nspname = '{L}') then
                execute 'alter schema {L} rename to cradle_prev';
              end if;
            end $$;
            alter schema {S} rename to {L};
            drop schema if exists cradle_prev cascade;
            insert into cradle_meta.state (id, data_version, changed_at) values (1, @version, now())
              on conflict (id) do update set data_version = excluded.data_version, changed_at = excluded.changed_at;
            update cradle_meta.loads set status = 'succeeded', finished_at = now(), data_version = @version where id = @loadId;
            select pg_notify('cradle_data_version', @version::text);
            """, new { version, loadId }, tx);
        await tx.CommitAsync(ct);
        // Datasets not reloaded are listed too, so the summary covers the whole store.
        var kept = manifest.Datasets.Where(d => !selected.Contains(d))
            .Select(d => new DatasetLoadResult(d.Id, "", null, 0, 0, 0, 0, false));
        return new LoadResult(version, false, results.Concat(kept).ToList(), deriveSeconds, total.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Reads, checks, reprojects and bulk-copies datasets into a schema of their own, with a
    /// spatial index, and nothing else: the part of a load that ogr2ogr also does, for the
    /// benchmark (`cradle ingest`). The served data is not touched.
    /// </summary>
    public async Task<double> IngestAsync(string dataDir, string manifestPath, IReadOnlyList<string> ids, string schema, CancellationToken ct = default)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(schema, "^[a-z][a-z0-9_]{0,40}$") || schema is CradleDatabase.LiveSchema or CradleDatabase.StagingSchema)
            throw new ArgumentException($"schema '{schema}' is not a lower-case name of its own");
        var manifest = Manifest.Load(manifestPath);
        var sw = Stopwatch.StartNew();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync($"drop schema if exists {schema} cascade; create schema {schema}; set local jit = off", transaction: tx);
        foreach (var id in ids)
        {
            var d = manifest[id];
            var file = d.ResolveFile(dataDir) ?? throw new DataFileException(Path.Combine(dataDir, d.Files[0]), null, "not found");
            using var source = SourceFile.Open(file, d.Layer, d.HeaderLine);
            await CreateRawTable(conn, tx, d, schema);
            await CopyRows(conn, d, DatasetReader.Read(d, source, new ReadStats(), LoaderReads), ct, schema);
            if (d.Kind != DatasetKind.Boundaries) continue;
            await RepairInvalid(conn, tx, d, file, schema, ct);
            await conn.ExecuteAsync($"create index on {schema}.{d.Table} using gist (geom)", transaction: tx);
        }
        await tx.CommitAsync(ct);
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>One load at a time per database; waits a while for one that is finishing (or being rolled back).</summary>
    async Task AcquireLoadLock(NpgsqlConnection conn, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (!await conn.ExecuteScalarAsync<bool>("select pg_try_advisory_lock(@k)", new { k = LoadLockKey }))
        {
            if (waited.Elapsed > LockWait)
                throw new LoadBusyException($"another load has been running against this database for over {LockWait.TotalSeconds:0} s; wait for it to finish");
            progress?.Report(new LoadProgress("lock", "waiting for another load", (long)waited.Elapsed.TotalSeconds, null));
            await Task.Delay(1000, ct);
        }
    }

    static readonly TimeSpan LockWait = TimeSpan.FromSeconds(120);

    static string SqlType(FieldType t) => t switch
    {
        FieldType.Int => "bigint",
        FieldType.Number or FieldType.Percent => "double precision",
        _ => "text",
    };

    static async Task CreateRawTable(NpgsqlConnection conn, NpgsqlTransaction tx, DatasetSpec d, string schema = CradleDatabase.StagingSchema)
    {
        var cols = new List<string> { "src_row int not null" };
        cols.AddRange(d.Fields.Select(f => $"{f.Name} {SqlType(f.Type)}"));
        if (d.Kind == DatasetKind.Boundaries) cols.Add("geom geometry(MultiPolygon, 27700) not null");
        // Identifiers are validated manifest names (lower-case letters, digits, _), never user input.
        await conn.ExecuteAsync($"create table {schema}.{d.Table} ({string.Join(", ", cols)})", transaction: tx);
    }

    async Task CopyRows(NpgsqlConnection conn, DatasetSpec d, IEnumerable<DatasetRow> rows, CancellationToken ct, string schema = CradleDatabase.StagingSchema)
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
    static readonly ReadOptions LoaderReads = new(CheckValidity: false, EncodeEwkb: true);

    /// <summary>
    /// OGC validity, checked by PostGIS (GEOS) once the boundaries are copied: 0.07 s for the 35,672
    /// LSOAs, against about 0.8 s of CPU for NetTopologySuite's IsValidOp, by the same rules. The few that
    /// fail are repaired, or refused, by <see cref="PolygonCleaner"/> as if the reader had found
    /// them, with the same message naming the feature. Returns how many were repaired.
    /// </summary>
    static async Task<int> RepairInvalid(NpgsqlConnection conn, NpgsqlTransaction tx, DatasetSpec d, string file, string schema, CancellationToken ct)
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

    static void CheckExpectation(DatasetSpec d, string file, ReadStats s)
    {
        if (d.Expect?.Rows is { } rows && s.Rows != rows)
            throw new DataFileException(file, null, $"{s.Rows:N0} rows, but the manifest expects {rows:N0} for {d.Id}; is this the right file or vintage?");
        if (d.Expect?.England is { } england && s.England != england)
            throw new DataFileException(file, null, $"{s.England:N0} English rows, but the manifest expects {england:N0} for {d.Id}");
    }

    /// <summary>Every code a field says it references must exist there; names the first rows that fail.</summary>
    static async Task CheckReferences(NpgsqlConnection conn, NpgsqlTransaction tx, Manifest manifest, Dictionary<string, string> files, List<DatasetSpec> selected)
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

    static async Task LoadErrata(NpgsqlConnection conn, NpgsqlTransaction tx, Manifest manifest)
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

    static async Task RunChecks(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        var problems = new List<string>();
        foreach (var query in CradleDatabase.Sql("checks.sql").Split("\n----\n"))
        {
            var sql = string.Join('\n', query.Split('\n').Where(l => !l.TrimStart().StartsWith("--")));
            if (string.IsNullOrWhiteSpace(sql)) continue;
            problems.AddRange((await conn.QueryAsync<string>(sql + " limit 5", transaction: tx)));
        }
        if (problems.Count > 0)
            throw new InvalidOperationException("the loaded data fails its integrity checks:\n  " + string.Join("\n  ", problems));
    }

    static async Task WriteDatasetsRecord(NpgsqlConnection conn, NpgsqlTransaction tx, Manifest manifest, List<DatasetSpec> selected,
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

    static async Task<Dictionary<string, string>?> LiveDatasets(NpgsqlConnection conn)
    {
        var exists = await conn.ExecuteScalarAsync<bool>(
            $"select exists (select 1 from pg_tables where schemaname = '{CradleDatabase.LiveSchema}' and tablename = 'datasets')");
        if (!exists) return null;
        return (await conn.QueryAsync<(string Id, string Checksum)>($"select id, checksum from {CradleDatabase.LiveSchema}.datasets"))
            .ToDictionary(x => x.Id, x => x.Checksum);
    }

    /// <summary>SHA-256 of the file (and a shapefile's companions), the dataset's manifest entry and the model version.</summary>
    static string Checksum(DatasetSpec d, string file, string? errata)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // The derived model and the errata feed every figure, so a change to either reloads.
        sha.AppendData(Encoding.UTF8.GetBytes(ModelVersion + JsonSerializer.Serialize(d) + CradleDatabase.Sql("derive.sql") + CradleDatabase.Sql("derive-areas.sql")
            + CradleDatabase.Sql("checks.sql") + JsonSerializer.Serialize(Catalog.AreaLevels.All)));
        if (errata is not null && File.Exists(errata)) sha.AppendData(File.ReadAllBytes(errata));
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
