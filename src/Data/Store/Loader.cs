using System.Diagnostics;
using Cradle.Data.Sources;
using Dapper;
using Npgsql;
using Cradle.Core;

namespace Cradle.Data.Store;

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
        await SchemaMigrations.MetaAsync(db, ct);
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
            var inputs = manifest.ModelInputs.ToList();
            var checksums = selected.ToDictionary(d => d.Id, d => DatasetRecords.Checksum(d, files[d.Id], inputs));

            var live = await DatasetRecords.LiveDatasets(conn);
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
                await DatasetStager.CreateRawTable(conn, tx, d);
                await DatasetStager.CopyRows(conn, d, DatasetReader.Read(d, source, stats, DatasetStager.LoaderReads), progress, ct);
            }
            if (d.Kind == DatasetKind.Boundaries) stats.Repaired = await DatasetStager.RepairInvalid(conn, tx, d, files[d.Id], CradleDatabase.StagingSchema, ct);
            DatasetStager.CheckExpectation(d, files[d.Id], stats);
            results.Add(new DatasetLoadResult(d.Id, files[d.Id], stats.Crs, stats.Rows, stats.England, stats.Repaired, sw.Elapsed.TotalSeconds, true));
            progress?.Report(new LoadProgress(d.Id, "done", stats.Rows, stats.Rows));
        }

        progress?.Report(new LoadProgress("checks", "references", 0, null));
        await DatasetStager.CheckReferences(conn, tx, manifest, files, selected);
        await DatasetStager.LoadErrata(conn, tx, manifest);
        await DatasetStager.LoadAreaChanges(conn, tx, manifest);

        var derive = Stopwatch.StartNew();
        progress?.Report(new LoadProgress("model", "derive", 0, null));
        await LevelDeriver.RunAsync(conn, tx, progress, ct);
        // Statistics first: the checks join the new tables, and without them PostgreSQL plans
        // nested loops over tens of thousands of rows (the checks took 14 s instead of 0.4 s).
        progress?.Report(new LoadProgress("model", "checks", 0, null));
        foreach (var table in await conn.QueryAsync<string>($"select tablename from pg_tables where schemaname = '{S}'", transaction: tx))
            await conn.ExecuteAsync($"analyze {S}.{table}", transaction: tx, commandTimeout: 600);
        await LoadChecks.RunAsync(conn, tx, ct);
        double deriveSeconds = derive.Elapsed.TotalSeconds;

        long version = await DataVersions.NextAsync(conn, tx, ct);
        await DatasetRecords.WriteDatasetsRecord(conn, tx, manifest, selected, files, checksums, results, version);
        await conn.ExecuteAsync($"analyze {S}.datasets", transaction: tx);

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
            update cradle_meta.loads set status = 'succeeded', finished_at = now(), data_version = @version where id = @loadId;
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
            await DatasetStager.CreateRawTable(conn, tx, d, schema);
            await DatasetStager.CopyRows(conn, d, DatasetReader.Read(d, source, new ReadStats(), DatasetStager.LoaderReads), progress, ct, schema);
            if (d.Kind != DatasetKind.Boundaries) continue;
            await DatasetStager.RepairInvalid(conn, tx, d, file, schema, ct);
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

}
