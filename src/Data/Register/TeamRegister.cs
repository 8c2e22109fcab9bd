using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Npgsql;
using Cradle.Core.Register;
using Cradle.Core;
using Cradle.Data.Store;

namespace Cradle.Data.Register;

/// <summary>An entry of the register's change log: what changed (a team, or an area's evidence),
/// who changed it and when, the fields changed, before and after, and the source it rests on.</summary>
public sealed record TeamChange(long Seq, string Entity, string TeamId, string Action, string Actor, DateTime At,
    IReadOnlyList<string> Fields, string? Source, string? Contribution, JsonElement? Before, JsonElement? After, long DataVersion);

public sealed class TeamValidationException(Dictionary<string, string[]> errors, string? where = null)
    : Exception((where is null ? "" : where + ": ") + string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}")))
{
    public Dictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>Who writes, on what authority: the actor (a key's name, or an import), the source the
/// change rests on, and the contribution it came from.</summary>
public sealed record WriteContext(string Actor, string? Source = null, string? Contribution = null);

/// <summary>What an import did.</summary>
public sealed record ImportResult(bool Imported, int Teams, int Added, int Updated, int Removed, int KeptFromRegister, int EvidenceChanged, long? DataVersion)
{
    public string Describe(string file) => !Imported
        ? $"{file} unchanged since its last import ({Teams} teams); --force to merge it anyway"
        : $"merged {file} ({Teams} teams): {Added} added, {Updated} updated, {Removed} removed, {KeptFromRegister} kept as changed in the register, " +
          $"{EvidenceChanged} area evidence row(s) changed" + (DataVersion is { } v ? $"; data version {v}" : "; nothing to change");
}

/// <summary>
/// The team register in PostGIS (schema cradle_register, which data loads never replace). The
/// database is the register of record; data/teams/*.csv is its published snapshot
/// (cradle teams export), and an import merges the file in three ways against the file as last
/// imported, so an edit made through the API is never lost (<see cref="RegisterMerge"/>). Every
/// change is validated, written with its change-log entry, a new data version and the register's
/// release at that version, in one transaction, so figures, caches and tiles follow at once.
/// </summary>
public sealed class TeamRegister(NpgsqlDataSource db, TimeProvider? clock = null)
{
    /// <summary>Today (UTC) by the clock given, the system's by default: no date in a row may be after it.</summary>
    public DateOnly Today => (clock ?? TimeProvider.System).Today();

    const string Columns = """
        id, name, provider, status, started, ended, capacity_families_per_year as CapacityFamiliesPerYear,
        capacity_source_url as CapacitySourceUrl, annual_cost_gbp as AnnualCostGbp, cost_source_url as CostSourceUrl,
        funder, commissioner, service_areas as ServiceAreas, area_note as AreaNote, base_lon as BaseLon,
        base_lat as BaseLat, source_url as SourceUrl, source_date as SourceDate, last_confirmed as LastConfirmed,
        last_checked as LastChecked, definition_fit as DefinitionFit, notes
        """;

    public NpgsqlDataSource Database => db;

    public async Task<List<Team>> ListAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await ListAsync(conn, ct);
    }

    public static async Task<List<Team>> ListAsync(NpgsqlConnection conn, CancellationToken ct = default, NpgsqlTransaction? tx = null)
    {
        if (tx is null && !await RegisterExists(conn)) return [];
        return (await conn.QueryAsync<TeamRow>(new CommandDefinition($"select {Columns} from cradle_register.teams order by id", transaction: tx, cancellationToken: ct)))
            .Select(r => r.ToTeam()).ToList();
    }

    public async Task<Team?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (!await RegisterExists(conn)) return null;
        var row = await conn.QuerySingleOrDefaultAsync<TeamRow>(new CommandDefinition(
            $"select {Columns} from cradle_register.teams where id = @id", new { id }, cancellationToken: ct));
        return row?.ToTeam();
    }

    public async Task<List<TeamChange>> HistoryAsync(string id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (!await RegisterExists(conn)) return [];
        return await ChangesAsync(conn, "where entity = 'team' and team_id = @id order by seq", new { id }, ct);
    }

    /// <summary>The change log, newest first: <paramref name="limit"/> entries before <paramref name="beforeSeq"/> (all when null).</summary>
    public async Task<List<TeamChange>> ChangesAsync(int limit, long? beforeSeq, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (!await RegisterExists(conn)) return [];
        return await ChangesAsync(conn, "where (@beforeSeq::bigint is null or seq < @beforeSeq) order by seq desc limit @limit", new { limit, beforeSeq }, ct);
    }

    static async Task<List<TeamChange>> ChangesAsync(NpgsqlConnection conn, string where, object args, CancellationToken ct)
    {
        var rows = await conn.QueryAsync<(long Seq, string Entity, string TeamId, string Action, string Actor, DateTime At, string? Source, string? Contribution, string? Before, string? After, long DataVersion)>(
            new CommandDefinition($"""
                select seq, entity, team_id, action, actor, at, source, contribution, before::text, after::text, data_version
                from cradle_register.history {where}
                """, args, cancellationToken: ct));
        return rows.Select(r =>
        {
            JsonElement? before = r.Before is null ? null : JsonDocument.Parse(r.Before).RootElement;
            JsonElement? after = r.After is null ? null : JsonDocument.Parse(r.After).RootElement;
            return new TeamChange(r.Seq, r.Entity, r.TeamId, r.Action, r.Actor, r.At, ChangedFields(before, after), r.Source, r.Contribution, before, after, r.DataVersion);
        }).ToList();
    }

    /// <summary>The fields whose values differ between two versions of a row (every field of a row added or removed).</summary>
    static List<string> ChangedFields(JsonElement? before, JsonElement? after)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var side in new[] { before, after })
            if (side is { ValueKind: JsonValueKind.Object } o) foreach (var p in o.EnumerateObject()) names.Add(p.Name);
        return names.Where(n =>
        {
            string? a = before is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty(n, out var x) ? x.GetRawText() : null;
            string? c = after is { ValueKind: JsonValueKind.Object } f && f.TryGetProperty(n, out var y) ? y.GetRawText() : null;
            return a != c;
        }).ToList();
    }

    public static async Task<KnownCodes> KnownCodesAsync(NpgsqlConnection conn)
    {
        // A district's newer code (Barnsley's E08000038, data/areas/area-changes.csv) is accepted beside the code Cradle holds it by.
        var lads = (await conn.QueryAsync<string>("""
            select code from cradle.area where level = 'lad' and country = 'E'
            union select becomes from cradle.area_change where level = 'lad' and status = 'in_force' and becomes is not null
            """)).ToHashSet();
        var upper = (await conn.QueryAsync<string>("select distinct utla_code from cradle.lsoa where country = 'E' and utla_code is not null")).ToHashSet();
        var wards = (await conn.QueryAsync<string>("select distinct ward_code from cradle.lsoa where country = 'E' and ward_code is not null")).ToHashSet();
        var lsoas = (await conn.QueryAsync<string>("select code from cradle.lsoa where country = 'E'")).ToHashSet();
        return new KnownCodes(lads, upper, wards, lsoas);
    }

    /// <summary>Codes area evidence may name: those a team may serve, and sub-ICB locations and ICBs.</summary>
    public static async Task<Func<string, bool>> EvidenceAreasAsync(NpgsqlConnection conn, KnownCodes codes)
    {
        var nhs = (await conn.QueryAsync<string>("select code from cradle.area where level in ('sicbl', 'icb', 'icb2024') and country = 'E'")).ToHashSet();
        return code => codes.Contains(code) || nhs.Contains(code);
    }

    public static async Task<List<AreaEvidence>> EvidenceAsync(NpgsqlConnection conn, CancellationToken ct = default, NpgsqlTransaction? tx = null)
    {
        if (!await conn.ExecuteScalarAsync<bool>("select to_regclass('cradle_register.area_evidence') is not null", transaction: tx)) return [];
        var rows = await conn.QueryAsync<(string AreaCode, string Evidence, string Statement, string SourceUrl, string SourceDate, string? LastConfirmed, DateOnly LastChecked, string? Notes)>(
            new CommandDefinition("""
                select area_code, evidence, statement, source_url, source_date, last_confirmed, last_checked, notes
                from cradle_register.area_evidence order by area_code, evidence, source_date, source_url
                """, transaction: tx, cancellationToken: ct));
        return rows.Select(r => new AreaEvidence(r.AreaCode, r.Evidence, r.Statement, r.SourceUrl, Partial(r.SourceDate)!.Value, Partial(r.LastConfirmed), r.LastChecked, r.Notes)).ToList();
    }

    static PartialDate? Partial(string? s) => PartialDate.TryParse(s, out var d) ? d : null;

    /// <summary>Stale: the team changed after the data version the writer read it at (the
    /// returned version is that change's).</summary>
    public enum Outcome { Created, Updated, Deleted, NotFound, Conflict, Stale }

    public async Task<(Outcome Outcome, long DataVersion)> CreateAsync(Team team, string actor, CancellationToken ct = default) =>
        await Write(team.Id, new WriteContext(actor, team.SourceUrl), "create", team, null, ct);

    /// <param name="readAt">The data version the writer read the team at (from If-Match), or null
    /// to write whatever happened since.</param>
    public async Task<(Outcome Outcome, long DataVersion)> UpdateAsync(Team team, string actor, long? readAt = null, CancellationToken ct = default) =>
        await Write(team.Id, new WriteContext(actor, team.SourceUrl), "update", team, readAt, ct);

    public async Task<(Outcome Outcome, long DataVersion)> DeleteAsync(string id, string actor, long? readAt = null, CancellationToken ct = default) =>
        await Write(id, new WriteContext(actor), "delete", null, readAt, ct);

    /// <summary>Writes a team on the authority of <paramref name="context"/> (an accepted contribution names itself and its source).</summary>
    /// <param name="inTransaction">Run before the commit, with the new data version: what must happen with the write or not at all.</param>
    public async Task<(Outcome Outcome, long DataVersion)> WriteAsync(Team team, WriteContext context, bool create,
        Func<NpgsqlConnection, NpgsqlTransaction, long, Task>? inTransaction = null, CancellationToken ct = default) =>
        await Write(team.Id, context, create ? "create" : "update", team, null, ct, inTransaction);

    async Task<(Outcome, long)> Write(string id, WriteContext context, string action, Team? team, long? readAt, CancellationToken ct,
        Func<NpgsqlConnection, NpgsqlTransaction, long, Task>? inTransaction = null)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (team is not null)
        {
            var errors = TeamValidator.Validate(team, await KnownCodesAsync(conn), Today);
            if (errors.Count > 0) throw new TeamValidationException(errors);
        }
        await using var tx = await conn.BeginTransactionAsync(ct);
        await LockRegister(conn, tx);
        var before = await TeamJson(conn, tx, id);
        if (action == "create" && before is not null) return (Outcome.Conflict, 0);
        if (action != "create" && before is null) return (Outcome.NotFound, 0);
        // Two editors with the same form open: the second save must not silently undo the first.
        if (readAt is { } seen)
        {
            long changed = await conn.ExecuteScalarAsync<long?>(
                "select max(data_version) from cradle_register.history where entity = 'team' and team_id = @id", new { id }, tx) ?? 0;
            if (changed > seen) return (Outcome.Stale, changed);
        }
        if (action == "delete") await conn.ExecuteAsync("delete from cradle_register.teams where id = @id", new { id }, tx);
        else await Upsert(conn, tx, team!, context.Actor);
        long version = await DataVersions.NextAsync(conn, tx, ct);
        await Log(conn, tx, version, "team", id, action, context, before, await TeamJson(conn, tx, id));
        await Release(conn, tx, version);
        if (inTransaction is not null) await inTransaction(conn, tx, version);
        await tx.CommitAsync(ct);
        return (action switch { "create" => Outcome.Created, "update" => Outcome.Updated, _ => Outcome.Deleted }, version);
    }

    /// <summary>Adds (or replaces, by area, kind and source) a row of area evidence on the authority of <paramref name="context"/>.</summary>
    public async Task<long> WriteEvidenceAsync(AreaEvidence row, WriteContext context,
        Func<NpgsqlConnection, NpgsqlTransaction, long, Task>? inTransaction = null, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var codes = await KnownCodesAsync(conn);
        var errors = AreaEvidenceCsv.Validate(row, await EvidenceAreasAsync(conn, codes), Today);
        if (errors.Count > 0) throw new TeamValidationException(errors);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await LockRegister(conn, tx);
        var before = await EvidenceJson(conn, tx, row.Key);
        await DeleteEvidence(conn, tx, row.Key);
        await InsertEvidence(conn, tx, row);
        long version = await DataVersions.NextAsync(conn, tx, ct);
        await Log(conn, tx, version, "area_evidence", row.AreaCode, before is null ? "create" : "update", context, before, await EvidenceJson(conn, tx, row.Key));
        await Release(conn, tx, version);
        if (inTransaction is not null) await inTransaction(conn, tx, version);
        await tx.CommitAsync(ct);
        return version;
    }

    // One writer of the register at a time: each write publishes the whole register as a release.
    static Task LockRegister(NpgsqlConnection conn, NpgsqlTransaction tx) =>
        conn.ExecuteAsync("select pg_advisory_xact_lock(hashtext('cradle register'))", transaction: tx);

    static Task<string?> TeamJson(NpgsqlConnection conn, NpgsqlTransaction tx, string id) => conn.QuerySingleOrDefaultAsync<string>(
        "select (to_jsonb(t) - 'updated_at' - 'updated_by')::text from cradle_register.teams t where id = @id", new { id }, tx);

    static Task<string?> EvidenceJson(NpgsqlConnection conn, NpgsqlTransaction tx, string key) => conn.QuerySingleOrDefaultAsync<string>(
        "select to_jsonb(e)::text from cradle_register.area_evidence e where area_code || '|' || evidence || '|' || source_url = @key", new { key }, tx);

    static Task DeleteEvidence(NpgsqlConnection conn, NpgsqlTransaction tx, string key) => conn.ExecuteAsync(
        "delete from cradle_register.area_evidence where area_code || '|' || evidence || '|' || source_url = @key", new { key }, tx);

    static Task InsertEvidence(NpgsqlConnection conn, NpgsqlTransaction tx, AreaEvidence e) => conn.ExecuteAsync("""
        insert into cradle_register.area_evidence (area_code, evidence, statement, source_url, source_date, last_confirmed, last_checked, notes)
        values (@AreaCode, @Evidence, @Statement, @SourceUrl, @SourceDate, @LastConfirmed, @LastChecked, @Notes)
        """, new { e.AreaCode, e.Evidence, e.Statement, e.SourceUrl, SourceDate = e.SourceDate.ToString(), LastConfirmed = e.LastConfirmed?.ToString(), e.LastChecked, e.Notes }, tx);

    static async Task Upsert(NpgsqlConnection conn, NpgsqlTransaction tx, Team t, string actor) =>
        await conn.ExecuteAsync("""
            insert into cradle_register.teams (id, name, provider, status, started, ended, capacity_families_per_year, capacity_source_url,
              annual_cost_gbp, cost_source_url, funder, commissioner, service_areas, area_note, base_lon, base_lat,
              source_url, source_date, last_confirmed, last_checked, definition_fit, notes, updated_at, updated_by)
            values (@Id, @Name, @Provider, @Status, @Started, @Ended, @CapacityFamiliesPerYear, @CapacitySourceUrl,
              @AnnualCostGbp, @CostSourceUrl, @Funder, @Commissioner, @ServiceAreas, @AreaNote, @BaseLon, @BaseLat,
              @SourceUrl, @SourceDate, @LastConfirmed, @LastChecked, @DefinitionFit, @Notes, now(), @actor)
            on conflict (id) do update set name = excluded.name, provider = excluded.provider, status = excluded.status,
              started = excluded.started, ended = excluded.ended, capacity_families_per_year = excluded.capacity_families_per_year,
              capacity_source_url = excluded.capacity_source_url, annual_cost_gbp = excluded.annual_cost_gbp,
              cost_source_url = excluded.cost_source_url, funder = excluded.funder, commissioner = excluded.commissioner,
              service_areas = excluded.service_areas, area_note = excluded.area_note,
              base_lon = excluded.base_lon, base_lat = excluded.base_lat, source_url = excluded.source_url,
              source_date = excluded.source_date, last_confirmed = excluded.last_confirmed, last_checked = excluded.last_checked,
              definition_fit = excluded.definition_fit, notes = excluded.notes, updated_at = now(), updated_by = excluded.updated_by
            """, new
        {
            t.Id, t.Name, t.Provider, t.Status, Started = t.Started?.ToString(), Ended = t.Ended?.ToString(), t.CapacityFamiliesPerYear,
            t.CapacitySourceUrl, t.AnnualCostGbp, t.CostSourceUrl, t.Funder, t.Commissioner,
            ServiceAreas = t.ServiceAreas.ToArray(), t.AreaNote, t.BaseLon, t.BaseLat, t.SourceUrl, SourceDate = t.SourceDate?.ToString(),
            LastConfirmed = t.LastConfirmed?.ToString(), t.LastChecked, t.DefinitionFit, t.Notes, actor,
        }, tx);


    static Task Log(NpgsqlConnection conn, NpgsqlTransaction tx, long version, string entity, string key, string action, WriteContext context, string? before, string? after) =>
        conn.ExecuteAsync("""
            insert into cradle_register.history (entity, team_id, action, actor, before, after, data_version, source, contribution)
            values (@entity, @key, @action, @Actor, @before::jsonb, @after::jsonb, @version, @Source, @Contribution)
            """, new { entity, key, action, context.Actor, before, after, version, context.Source, context.Contribution }, tx);

    /// <summary>Publishes the register as it now stands at <paramref name="version"/>: the bytes GET /api/register/{version}/… serves for good.</summary>
    static async Task Release(NpgsqlConnection conn, NpgsqlTransaction tx, long version)
    {
        var teams = await ListAsync(conn, tx: tx);
        var evidence = await EvidenceAsync(conn, tx: tx);
        var names = await AreaNamesAsync(conn, tx, evidence.Select(e => e.AreaCode).Distinct().ToArray());
        await conn.ExecuteAsync("""
            insert into cradle_register.releases (data_version, teams_csv, evidence_csv) values (@version, @teams, @evidence)
            on conflict (data_version) do update set teams_csv = excluded.teams_csv, evidence_csv = excluded.evidence_csv, at = now()
            """, new { version, teams = TeamCsv.Write(teams), evidence = AreaEvidenceCsv.Write(evidence, c => names.GetValueOrDefault(c)) }, tx);
    }

    /// <summary>Writes the register's published snapshot: the teams to <paramref name="path"/>, the area evidence beside it, as a release has them.</summary>
    public async Task ExportAsync(string path, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var evidence = await EvidenceAsync(conn, ct, tx);
        var names = await AreaNamesAsync(conn, tx, evidence.Select(e => e.AreaCode).Distinct().ToArray());
        await File.WriteAllTextAsync(path, TeamCsv.Write(await ListAsync(conn, ct, tx)), ct);
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, EvidenceFile),
            AreaEvidenceCsv.Write(evidence, c => names.GetValueOrDefault(c)), ct);
    }

    static async Task<Dictionary<string, string>> AreaNamesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string[] codes)
    {
        if (codes.Length == 0 || !await conn.ExecuteScalarAsync<bool>("select to_regclass('cradle.area') is not null", transaction: tx)) return [];
        return (await conn.QueryAsync<(string Code, string Name)>(
            "select distinct on (code) code, name from cradle.area where code = any(@codes) order by code", new { codes }, tx)).ToDictionary(x => x.Code, x => x.Name);
    }

    /// <summary>The register as published at <paramref name="version"/>: the newest release at or before it, or null.</summary>
    public async Task<RegisterRelease?> ReleaseAsync(long version, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (!await RegisterExists(conn)) return null;
        return await conn.QuerySingleOrDefaultAsync<RegisterRelease>(new CommandDefinition("""
            select data_version as DataVersion, at as At, teams_csv as TeamsCsv, evidence_csv as EvidenceCsv
            from cradle_register.releases where data_version <= @version order by data_version desc limit 1
            """, new { version }, cancellationToken: ct));
    }

    /// <summary>Every data version at which the register changed, newest first.</summary>
    public async Task<List<(long DataVersion, DateTime At)>> ReleasesAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (!await RegisterExists(conn)) return [];
        return (await conn.QueryAsync<(long, DateTime)>(new CommandDefinition(
            "select data_version, at from cradle_register.releases order by data_version desc", cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Merges the register's CSV files (the teams, and the area evidence beside them in
    /// area-evidence.csv) into the register when either differs from the last one imported, or
    /// <paramref name="force"/>. Every row is validated first; any error names the line, the team
    /// or area and the field, and nothing changes. The merge is three-way
    /// (<see cref="RegisterMerge"/>): a row changed in both the file and the register stops the
    /// import with <see cref="RegisterMergeException"/>, and nothing changes, unless
    /// <paramref name="prefer"/> names the side to take. <paramref name="replace"/> makes the
    /// register the file, discarding every change made in the register (the change log keeps them).
    /// </summary>
    public async Task<ImportResult> ImportAsync(string path, string actor, bool force = false, MergeSide? prefer = null, bool replace = false, CancellationToken ct = default)
    {
        var evidencePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, EvidenceFile);
        var rows = RegisterFiles.ReadTeams(path);
        await SchemaMigrations.RegisterAsync(db, ct);
        var checksum = Checksum(path, File.Exists(evidencePath) ? evidencePath : null);
        await using var conn = await db.OpenConnectionAsync(ct);
        var key = Path.GetFileName(path);
        var last = await conn.QuerySingleOrDefaultAsync<string>("select checksum from cradle_register.imports where file = @key", new { key });
        var count = await conn.ExecuteScalarAsync<long>("select count(*) from cradle_register.teams");
        if (!force && !replace && last == checksum && count > 0) return new(false, (int)count, 0, 0, 0, 0, 0, null);

        var codes = await KnownCodesAsync(conn);
        var today = Today;
        var ids = new HashSet<string>();
        foreach (var (where, team) in rows)
        {
            var errors = TeamValidator.Validate(team, codes, today);
            if (!ids.Add(team.Id)) errors["id"] = [$"'{team.Id}' is used twice"];
            if (errors.Count > 0)
                throw new DataFileException(path, $"{where} (team '{team.Id}')", new TeamValidationException(errors).Message);
        }
        var evidenceAreas = await EvidenceAreasAsync(conn, codes);
        var evidence = File.Exists(evidencePath) ? RegisterFiles.ReadEvidence(evidencePath, evidenceAreas, today) : [];

        await using var tx = await conn.BeginTransactionAsync(ct);
        await LockRegister(conn, tx);
        var registerTeams = (await ListAsync(conn, tx: tx)).ToDictionary(t => t.Id, TeamCsv.Cells);
        var registerEvidence = (await EvidenceAsync(conn, tx: tx)).ToDictionary(e => e.Key, AreaEvidenceCsv.Cells);
        // Replacing is merging against the register itself: every difference is then the file's.
        var (teamBase, evidenceBase) = replace ? (registerTeams, registerEvidence) : await BaseAsync(conn, tx, registerEvidence);
        var teamPlan = RegisterMerge.Plan("team", TeamCsv.Columns, teamBase, rows.ToDictionary(r => r.Team.Id, r => TeamCsv.Cells(r.Team)), registerTeams, prefer);
        var evidenceColumns = AreaEvidenceCsv.Columns;
        var evidencePlan = RegisterMerge.Plan("area_evidence", evidenceColumns, evidenceBase, evidence.ToDictionary(e => e.Key, AreaEvidenceCsv.Cells), registerEvidence, prefer);
        if (teamPlan.Conflicts.Count + evidencePlan.Conflicts.Count > 0)
            throw new RegisterMergeException(path, [.. teamPlan.Conflicts, .. evidencePlan.Conflicts]);

        // A merged row mixes the two sides: it must still be a valid row.
        foreach (var (id, cells) in teamPlan.Apply)
            if (cells is not null && TeamValidator.Validate(TeamCsv.FromCells(cells, $"team '{id}' as merged"), codes, today) is { Count: > 0 } errors)
                throw new DataFileException(path, $"team '{id}' as merged with the register's changes", new TeamValidationException(errors).Message);

        long? version = null;
        int added = 0, updated = 0, removed = 0;
        if (teamPlan.Apply.Count + evidencePlan.Apply.Count > 0)
        {
            var changes = new List<(string Entity, string Key, string Action, string? Before, string? Source)>();
            foreach (var (id, cells) in teamPlan.Apply)
            {
                var before = await TeamJson(conn, tx, id);
                if (cells is null) { await conn.ExecuteAsync("delete from cradle_register.teams where id = @id", new { id }, tx); removed++; }
                else { var t = TeamCsv.FromCells(cells); await Upsert(conn, tx, t, actor); if (before is null) added++; else updated++; }
                changes.Add(("team", id, cells is null ? "delete" : before is null ? "create" : "update", before, cells?[Array.IndexOf(TeamCsv.Columns, "source_url")]));
            }
            foreach (var (k, cells) in evidencePlan.Apply)
            {
                var before = await EvidenceJson(conn, tx, k);
                await DeleteEvidence(conn, tx, k);
                if (cells is not null) await InsertEvidence(conn, tx, AreaEvidenceCsv.FromCells(cells));
                changes.Add(("area_evidence", k, cells is null ? "delete" : before is null ? "create" : "update", before, cells?[4]));
            }
            version = await DataVersions.NextAsync(conn, tx, ct);
            foreach (var c in changes)
            {
                var after = c.Entity == "team" ? await TeamJson(conn, tx, c.Key) : await EvidenceJson(conn, tx, c.Key);
                await Log(conn, tx, version.Value, c.Entity, c.Entity == "team" ? c.Key : c.Key.Split('|')[0], "import",
                    new WriteContext(actor, c.Source ?? $"data/teams/{(c.Entity == "team" ? key : EvidenceFile)}"), c.Before, after);
            }
            await Release(conn, tx, version.Value);
        }
        else if (!await conn.ExecuteScalarAsync<bool>("select exists (select 1 from cradle_register.releases)", transaction: tx))
            await Release(conn, tx, await conn.ExecuteScalarAsync<long>("select data_version from cradle_meta.state", transaction: tx));

        // The file as imported is the base of the next merge.
        await conn.ExecuteAsync("delete from cradle_register.import_base", transaction: tx);
        foreach (var (_, team) in rows)
            await conn.ExecuteAsync("insert into cradle_register.import_base (entity, key, cells) values ('team', @k, @c::jsonb)",
                new { k = team.Id, c = JsonSerializer.Serialize(TeamCsv.Cells(team)) }, tx);
        foreach (var e in evidence)
            await conn.ExecuteAsync("insert into cradle_register.import_base (entity, key, cells) values ('area_evidence', @k, @c::jsonb)",
                new { k = e.Key, c = JsonSerializer.Serialize(AreaEvidenceCsv.Cells(e)) }, tx);
        await conn.ExecuteAsync("""
            insert into cradle_register.imports (file, checksum, imported_at, teams) values (@key, @checksum, now(), @n)
            on conflict (file) do update set checksum = excluded.checksum, imported_at = excluded.imported_at, teams = excluded.teams
            """, new { key, checksum, n = rows.Count }, tx);
        await tx.CommitAsync(ct);
        return new(true, rows.Count, added, updated, removed, teamPlan.KeptFromRegister, evidencePlan.Apply.Count, version);
    }

    /// <summary>
    /// The file as last imported. A register imported before imports kept their base (schema
    /// version 1) rebuilds it from its change log: each team as its last import wrote it, and the
    /// area evidence as it stands (only imports ever changed it then).
    /// </summary>
    static async Task<(Dictionary<string, string?[]> Teams, Dictionary<string, string?[]> Evidence)> BaseAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, Dictionary<string, string?[]> registerEvidence)
    {
        var stored = (await conn.QueryAsync<(string Entity, string Key, string Cells)>(
            "select entity, key, cells::text from cradle_register.import_base", transaction: tx)).ToList();
        if (stored.Count > 0 || !await conn.ExecuteScalarAsync<bool>("select exists (select 1 from cradle_register.history)", transaction: tx))
            return (stored.Where(s => s.Entity == "team").ToDictionary(s => s.Key, s => JsonSerializer.Deserialize<string?[]>(s.Cells)!),
                    stored.Where(s => s.Entity == "area_evidence").ToDictionary(s => s.Key, s => JsonSerializer.Deserialize<string?[]>(s.Cells)!));
        var imported = await conn.QueryAsync<TeamRow>($"""
            select {Columns} from (
              select distinct on (team_id) after from cradle_register.history
              where entity = 'team' and action = 'import' order by team_id, seq desc) h,
              jsonb_populate_record(null::cradle_register.teams, h.after) t
            where h.after is not null
            """, transaction: tx);
        return (imported.Select(r => r.ToTeam()).ToDictionary(t => t.Id, TeamCsv.Cells), registerEvidence);
    }

    /// <summary>The area evidence's file name, beside the teams' CSV.</summary>
    public const string EvidenceFile = "area-evidence.csv";

    static string Checksum(string teams, string? evidence)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(File.ReadAllBytes(teams));
        if (evidence is not null) sha.AppendData(File.ReadAllBytes(evidence));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    static async Task<bool> RegisterExists(NpgsqlConnection conn) =>
        await conn.ExecuteScalarAsync<bool>("select to_regclass('cradle_register.teams') is not null");

    /// <summary>A row as Dapper maps it (by property: the driver returns date as DateOnly and text[] as string[]).</summary>
    sealed class TeamRow
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string? Provider { get; set; }
        public string Status { get; set; } = "";
        public string? Started { get; set; }
        public string? Ended { get; set; }
        public double? CapacityFamiliesPerYear { get; set; }
        public string? CapacitySourceUrl { get; set; }
        public double? AnnualCostGbp { get; set; }
        public string? CostSourceUrl { get; set; }
        public string? Funder { get; set; }
        public string? Commissioner { get; set; }
        public string[] ServiceAreas { get; set; } = [];
        public string? AreaNote { get; set; }
        public double? BaseLon { get; set; }
        public double? BaseLat { get; set; }
        public string? SourceUrl { get; set; }
        public string? SourceDate { get; set; }
        public string? LastConfirmed { get; set; }
        public DateOnly? LastChecked { get; set; }
        public string DefinitionFit { get; set; } = "meets";
        public string? Notes { get; set; }

        public Team ToTeam() => new(Id, Name, Provider, Status, Partial(Started), Partial(Ended), CapacityFamiliesPerYear, CapacitySourceUrl,
            AnnualCostGbp, CostSourceUrl, Funder, Commissioner, ServiceAreas, AreaNote, BaseLon, BaseLat, SourceUrl, Partial(SourceDate),
            Partial(LastConfirmed), LastChecked, DefinitionFit, Notes);
    }
}

/// <summary>The register as published at a data version: its two CSV files, byte for byte.</summary>
public sealed record RegisterRelease(long DataVersion, DateTime At, string TeamsCsv, string EvidenceCsv);
