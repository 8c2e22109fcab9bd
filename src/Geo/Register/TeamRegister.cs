using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Cradle.Geo.Register;

/// <summary>An entry of a team's audit trail: who changed what, when, before and after.</summary>
public sealed record TeamChange(long Seq, string TeamId, string Action, string Actor, DateTime At, JsonElement? Before, JsonElement? After, long DataVersion);

public sealed class TeamValidationException(Dictionary<string, string[]> errors, string? where = null)
    : Exception((where is null ? "" : where + ": ") + string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}")))
{
    public Dictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>
/// The team register in PostGIS (schema cradle_register, which data loads never replace). Every
/// change is validated, written with its audit entry and a new data version in one transaction,
/// so figures, caches and tiles follow at once.
/// </summary>
public sealed class TeamRegister(NpgsqlDataSource db)
{
    static readonly string Schema = Store.CradleDatabase.Sql("register.sql");

    const string Columns = """
        id, name, provider, status, started, ended, capacity_families_per_year as CapacityFamiliesPerYear,
        capacity_source_url as CapacitySourceUrl, annual_cost_gbp as AnnualCostGbp, cost_source_url as CostSourceUrl,
        funder, commissioner, service_areas as ServiceAreas, area_note as AreaNote, base_lon as BaseLon,
        base_lat as BaseLat, source_url as SourceUrl, source_date as SourceDate, last_verified as LastVerified,
        definition_fit as DefinitionFit, notes
        """;

    public static async Task EnsureSchemaAsync(NpgsqlConnection conn) => await conn.ExecuteAsync(Schema);

    public async Task<List<Team>> ListAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await ListAsync(conn, ct);
    }

    public static async Task<List<Team>> ListAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        if (!await RegisterExists(conn)) return [];
        return (await conn.QueryAsync<TeamRow>(new CommandDefinition($"select {Columns} from cradle_register.teams order by id", cancellationToken: ct)))
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
        var rows = await conn.QueryAsync<(long Seq, string TeamId, string Action, string Actor, DateTime At, string? Before, string? After, long DataVersion)>(
            new CommandDefinition("""
                select seq, team_id, action, actor, at, before::text, after::text, data_version
                from cradle_register.history where team_id = @id order by seq
                """, new { id }, cancellationToken: ct));
        return rows.Select(r => new TeamChange(r.Seq, r.TeamId, r.Action, r.Actor, r.At,
            r.Before is null ? null : JsonDocument.Parse(r.Before).RootElement,
            r.After is null ? null : JsonDocument.Parse(r.After).RootElement, r.DataVersion)).ToList();
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
    static async Task<Func<string, bool>> EvidenceAreasAsync(NpgsqlConnection conn, KnownCodes codes)
    {
        var nhs = (await conn.QueryAsync<string>("select code from cradle.area where level in ('sicbl', 'icb', 'icb2024') and country = 'E'")).ToHashSet();
        return code => codes.Contains(code) || nhs.Contains(code);
    }

    public static async Task<List<AreaEvidence>> EvidenceAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        if (!await conn.ExecuteScalarAsync<bool>("select to_regclass('cradle_register.area_evidence') is not null")) return [];
        var rows = await conn.QueryAsync<(string AreaCode, string Evidence, string Statement, string SourceUrl, string SourceDate, DateOnly LastVerified, string? Notes)>(
            new CommandDefinition("""
                select area_code, evidence, statement, source_url, source_date, last_verified, notes
                from cradle_register.area_evidence order by area_code, evidence, source_date
                """, cancellationToken: ct));
        return rows.Select(r => new AreaEvidence(r.AreaCode, r.Evidence, r.Statement, r.SourceUrl, Partial(r.SourceDate)!.Value, r.LastVerified, r.Notes)).ToList();
    }

    static PartialDate? Partial(string? s) => PartialDate.TryParse(s, out var d) ? d : null;

    /// <summary>Stale: the team changed after the data version the writer read it at (the
    /// returned version is that change's).</summary>
    public enum Outcome { Created, Updated, Deleted, NotFound, Conflict, Stale }

    public async Task<(Outcome Outcome, long DataVersion)> CreateAsync(Team team, string actor, CancellationToken ct = default) =>
        await Write(team.Id, actor, "create", team, null, ct);

    /// <param name="readAt">The data version the writer read the team at (from If-Match), or null
    /// to write whatever happened since.</param>
    public async Task<(Outcome Outcome, long DataVersion)> UpdateAsync(Team team, string actor, long? readAt = null, CancellationToken ct = default) =>
        await Write(team.Id, actor, "update", team, readAt, ct);

    public async Task<(Outcome Outcome, long DataVersion)> DeleteAsync(string id, string actor, long? readAt = null, CancellationToken ct = default) =>
        await Write(id, actor, "delete", null, readAt, ct);

    async Task<(Outcome, long)> Write(string id, string actor, string action, Team? team, long? readAt, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await EnsureSchemaAsync(conn);
        if (team is not null)
        {
            var errors = TeamValidator.Validate(team, await KnownCodesAsync(conn), DateOnly.FromDateTime(DateTime.UtcNow));
            if (errors.Count > 0) throw new TeamValidationException(errors);
        }
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Two writers of one team serialise, even two creating it (a row lock cannot lock a row not yet there).
        await conn.ExecuteAsync("select pg_advisory_xact_lock(hashtext('cradle team ' || @id))", new { id }, tx);
        var before = await conn.QuerySingleOrDefaultAsync<string>(
            "select to_jsonb(t) - 'updated_at' - 'updated_by' from cradle_register.teams t where id = @id for update", new { id }, tx);
        if (action == "create" && before is not null) return (Outcome.Conflict, 0);
        if (action != "create" && before is null) return (Outcome.NotFound, 0);
        // Two editors with the same form open: the second save must not silently undo the first.
        if (readAt is { } seen)
        {
            long changed = await conn.ExecuteScalarAsync<long?>(
                "select max(data_version) from cradle_register.history where team_id = @id", new { id }, tx) ?? 0;
            if (changed > seen) return (Outcome.Stale, changed);
        }
        if (action == "delete") await conn.ExecuteAsync("delete from cradle_register.teams where id = @id", new { id }, tx);
        else await Upsert(conn, tx, team!, actor);
        long version = await BumpVersion(conn, tx, id, action, actor, before);
        await tx.CommitAsync(ct);
        return (action switch { "create" => Outcome.Created, "update" => Outcome.Updated, _ => Outcome.Deleted }, version);
    }

    static async Task Upsert(NpgsqlConnection conn, NpgsqlTransaction tx, Team t, string actor) =>
        await conn.ExecuteAsync("""
            insert into cradle_register.teams (id, name, provider, status, started, ended, capacity_families_per_year, capacity_source_url,
              annual_cost_gbp, cost_source_url, funder, commissioner, service_areas, area_note, base_lon, base_lat,
              source_url, source_date, last_verified, definition_fit, notes, updated_at, updated_by)
            values (@Id, @Name, @Provider, @Status, @Started, @Ended, @CapacityFamiliesPerYear, @CapacitySourceUrl,
              @AnnualCostGbp, @CostSourceUrl, @Funder, @Commissioner, @ServiceAreas, @AreaNote, @BaseLon, @BaseLat,
              @SourceUrl, @SourceDate, @LastVerified, @DefinitionFit, @Notes, now(), @actor)
            on conflict (id) do update set name = excluded.name, provider = excluded.provider, status = excluded.status,
              started = excluded.started, ended = excluded.ended, capacity_families_per_year = excluded.capacity_families_per_year,
              capacity_source_url = excluded.capacity_source_url, annual_cost_gbp = excluded.annual_cost_gbp,
              cost_source_url = excluded.cost_source_url, funder = excluded.funder, commissioner = excluded.commissioner,
              service_areas = excluded.service_areas, area_note = excluded.area_note,
              base_lon = excluded.base_lon, base_lat = excluded.base_lat, source_url = excluded.source_url,
              source_date = excluded.source_date, last_verified = excluded.last_verified, definition_fit = excluded.definition_fit,
              notes = excluded.notes, updated_at = now(), updated_by = excluded.updated_by
            """, new
        {
            t.Id, t.Name, t.Provider, t.Status, Started = t.Started?.ToString(), Ended = t.Ended?.ToString(), t.CapacityFamiliesPerYear,
            t.CapacitySourceUrl, t.AnnualCostGbp, t.CostSourceUrl, t.Funder, t.Commissioner,
            ServiceAreas = t.ServiceAreas.ToArray(), t.AreaNote, t.BaseLon, t.BaseLat, t.SourceUrl, SourceDate = t.SourceDate?.ToString(),
            t.LastVerified, t.DefinitionFit, t.Notes, actor,
        }, tx);

    static async Task<long> BumpVersion(NpgsqlConnection conn, NpgsqlTransaction tx, string id, string action, string actor, string? before)
    {
        long version = await conn.ExecuteScalarAsync<long>("""
            update cradle_meta.state set data_version = nextval('cradle_meta.data_version_seq'), changed_at = now() returning data_version
            """, transaction: tx);
        // Delivered at commit: every API process keeps its data version current without asking.
        await conn.ExecuteAsync("select pg_notify('cradle_data_version', @version::text)", new { version }, tx);
        await conn.ExecuteAsync("""
            insert into cradle_register.history (team_id, action, actor, before, after, data_version)
            values (@id, @action, @actor, @before::jsonb,
                    (select to_jsonb(t) - 'updated_at' - 'updated_by' from cradle_register.teams t where id = @id), @version)
            """, new { id, action, actor, before, version }, tx);
        return version;
    }

    /// <summary>
    /// Replaces the register with its CSV files (the teams, and the area evidence beside them in
    /// area-evidence.csv) when either differs from the last one imported, or the register is
    /// empty. Every row is validated first; any error names the line, the team or area and the
    /// field, and nothing changes.
    /// </summary>
    public async Task<(bool Imported, int Teams)> ImportAsync(string path, string actor, bool force = false, CancellationToken ct = default)
    {
        var evidencePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, EvidenceFile);
        var rows = TeamCsv.Read(path);
        var checksum = Checksum(path, File.Exists(evidencePath) ? evidencePath : null);
        await using var conn = await db.OpenConnectionAsync(ct);
        await EnsureSchemaAsync(conn);
        var key = Path.GetFileName(path);
        var last = await conn.QuerySingleOrDefaultAsync<string>("select checksum from cradle_register.imports where file = @key", new { key });
        var count = await conn.ExecuteScalarAsync<long>("select count(*) from cradle_register.teams");
        if (!force && last == checksum && count > 0) return (false, (int)count);

        var codes = await KnownCodesAsync(conn);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var ids = new HashSet<string>();
        foreach (var (where, team) in rows)
        {
            var errors = TeamValidator.Validate(team, codes, today);
            if (!ids.Add(team.Id)) errors["id"] = [$"'{team.Id}' is used twice"];
            if (errors.Count > 0)
                throw new DataFileException(path, $"{where} (team '{team.Id}')", new TeamValidationException(errors).Message);
        }
        var evidence = File.Exists(evidencePath) ? AreaEvidenceCsv.Read(evidencePath, await EvidenceAreasAsync(conn, codes), today) : [];

        await using var tx = await conn.BeginTransactionAsync(ct);
        var previous = (await conn.QueryAsync<(string Id, string Json)>(
            "select id, (to_jsonb(t) - 'updated_at' - 'updated_by')::text from cradle_register.teams t for update", transaction: tx)).ToDictionary(x => x.Id, x => x.Json);
        await conn.ExecuteAsync("delete from cradle_register.teams", transaction: tx);
        foreach (var (_, team) in rows) await Upsert(conn, tx, team, actor);
        await conn.ExecuteAsync("delete from cradle_register.area_evidence", transaction: tx);
        foreach (var e in evidence)
            await conn.ExecuteAsync("""
                insert into cradle_register.area_evidence (area_code, evidence, statement, source_url, source_date, last_verified, notes)
                values (@AreaCode, @Evidence, @Statement, @SourceUrl, @SourceDate, @LastVerified, @Notes)
                """, new { e.AreaCode, e.Evidence, e.Statement, e.SourceUrl, SourceDate = e.SourceDate.ToString(), e.LastVerified, e.Notes }, tx);
        long version = await conn.ExecuteScalarAsync<long>(
            "update cradle_meta.state set data_version = nextval('cradle_meta.data_version_seq'), changed_at = now() returning data_version", transaction: tx);
        await conn.ExecuteAsync("select pg_notify('cradle_data_version', @version::text)", new { version }, tx);
        foreach (var id in previous.Keys.Union(rows.Select(r => r.Team.Id)))
            await conn.ExecuteAsync("""
                insert into cradle_register.history (team_id, action, actor, before, after, data_version)
                values (@id, 'import', @actor, @before::jsonb,
                        (select to_jsonb(t) - 'updated_at' - 'updated_by' from cradle_register.teams t where id = @id), @version)
                """, new { id, actor, before = previous.GetValueOrDefault(id), version }, tx);
        await conn.ExecuteAsync("""
            insert into cradle_register.imports (file, checksum, imported_at, teams) values (@key, @checksum, now(), @n)
            on conflict (file) do update set checksum = excluded.checksum, imported_at = excluded.imported_at, teams = excluded.teams
            """, new { key, checksum, n = rows.Count }, tx);
        await tx.CommitAsync(ct);
        return (true, rows.Count);
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
        public DateOnly? LastVerified { get; set; }
        public string DefinitionFit { get; set; } = "meets";
        public string? Notes { get; set; }

        public Team ToTeam() => new(Id, Name, Provider, Status, Partial(Started), Partial(Ended), CapacityFamiliesPerYear, CapacitySourceUrl,
            AnnualCostGbp, CostSourceUrl, Funder, Commissioner, ServiceAreas, AreaNote, BaseLon, BaseLat, SourceUrl, Partial(SourceDate),
            LastVerified, DefinitionFit, Notes);
    }
}
