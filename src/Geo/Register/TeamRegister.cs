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
    const string Schema = """
        create schema if not exists cradle_register;
        create table if not exists cradle_register.teams (
          id text primary key, name text not null, provider text, status text not null,
          started date, ended date, capacity_families_per_year double precision, annual_cost_gbp double precision,
          service_areas text[] not null, area_note text, base_lon double precision, base_lat double precision,
          source_url text, last_verified date, notes text,
          updated_at timestamptz not null default now(), updated_by text not null);
        create table if not exists cradle_register.history (
          seq bigserial primary key, team_id text not null, action text not null, actor text not null,
          at timestamptz not null default now(), before jsonb, after jsonb, data_version bigint not null);
        create index if not exists history_team on cradle_register.history (team_id, seq);
        create table if not exists cradle_register.imports (
          file text primary key, checksum text not null, imported_at timestamptz not null, teams int not null);
        """;

    const string Columns = """
        id, name, provider, status, started, ended, capacity_families_per_year as CapacityFamiliesPerYear,
        annual_cost_gbp as AnnualCostGbp, service_areas as ServiceAreas, area_note as AreaNote, base_lon as BaseLon,
        base_lat as BaseLat, source_url as SourceUrl, last_verified as LastVerified, notes
        """;

    static TeamRegister() => SqlMapper.AddTypeHandler(new DateOnlyHandler());

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

    public async Task<KnownCodes> KnownCodesAsync(NpgsqlConnection conn)
    {
        var lads = (await conn.QueryAsync<string>("select code from cradle.area where level = 'lad' and country = 'E'")).ToHashSet();
        var wards = (await conn.QueryAsync<string>("select distinct ward_code from cradle.lsoa where country = 'E' and ward_code is not null")).ToHashSet();
        var lsoas = (await conn.QueryAsync<string>("select code from cradle.lsoa where country = 'E'")).ToHashSet();
        return new KnownCodes(lads, wards, lsoas);
    }

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
        // Lock the row (or the gap) so that two writers of one team serialise.
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
            insert into cradle_register.teams (id, name, provider, status, started, ended, capacity_families_per_year, annual_cost_gbp,
              service_areas, area_note, base_lon, base_lat, source_url, last_verified, notes, updated_at, updated_by)
            values (@Id, @Name, @Provider, @Status, @Started, @Ended, @CapacityFamiliesPerYear, @AnnualCostGbp,
              @ServiceAreas, @AreaNote, @BaseLon, @BaseLat, @SourceUrl, @LastVerified, @Notes, now(), @actor)
            on conflict (id) do update set name = excluded.name, provider = excluded.provider, status = excluded.status,
              started = excluded.started, ended = excluded.ended, capacity_families_per_year = excluded.capacity_families_per_year,
              annual_cost_gbp = excluded.annual_cost_gbp, service_areas = excluded.service_areas, area_note = excluded.area_note,
              base_lon = excluded.base_lon, base_lat = excluded.base_lat, source_url = excluded.source_url,
              last_verified = excluded.last_verified, notes = excluded.notes, updated_at = now(), updated_by = excluded.updated_by
            """, new
        {
            t.Id, t.Name, t.Provider, t.Status, t.Started, t.Ended, t.CapacityFamiliesPerYear, t.AnnualCostGbp,
            ServiceAreas = t.ServiceAreas.ToArray(), t.AreaNote, t.BaseLon, t.BaseLat, t.SourceUrl, t.LastVerified, t.Notes, actor,
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
    /// Replaces the register with a CSV file when it differs from the last one imported (or the
    /// register is empty). Every row is validated first; any error names the line and nothing changes.
    /// </summary>
    public async Task<(bool Imported, int Teams)> ImportAsync(string path, string actor, bool force = false, CancellationToken ct = default)
    {
        var rows = TeamCsv.Read(path);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path, ct)));
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
            if (errors.Count > 0) throw new DataFileException(path, where, new TeamValidationException(errors).Message);
        }

        await using var tx = await conn.BeginTransactionAsync(ct);
        var previous = (await conn.QueryAsync<(string Id, string Json)>(
            "select id, (to_jsonb(t) - 'updated_at' - 'updated_by')::text from cradle_register.teams t for update", transaction: tx)).ToDictionary(x => x.Id, x => x.Json);
        await conn.ExecuteAsync("delete from cradle_register.teams", transaction: tx);
        foreach (var (_, team) in rows) await Upsert(conn, tx, team, actor);
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

    static async Task<bool> RegisterExists(NpgsqlConnection conn) =>
        await conn.ExecuteScalarAsync<bool>("select to_regclass('cradle_register.teams') is not null");

    /// <summary>A row as Dapper maps it (by property: the driver returns date as DateOnly and text[] as string[]).</summary>
    sealed class TeamRow
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string? Provider { get; set; }
        public string Status { get; set; } = "";
        public DateOnly? Started { get; set; }
        public DateOnly? Ended { get; set; }
        public double? CapacityFamiliesPerYear { get; set; }
        public double? AnnualCostGbp { get; set; }
        public string[] ServiceAreas { get; set; } = [];
        public string? AreaNote { get; set; }
        public double? BaseLon { get; set; }
        public double? BaseLat { get; set; }
        public string? SourceUrl { get; set; }
        public DateOnly? LastVerified { get; set; }
        public string? Notes { get; set; }

        public Team ToTeam() => new(Id, Name, Provider, Status, Started, Ended, CapacityFamiliesPerYear, AnnualCostGbp, ServiceAreas,
            AreaNote, BaseLon, BaseLat, SourceUrl, LastVerified, Notes);
    }

    /// <summary>Dapper passes DateOnly as a date parameter.</summary>
    sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(System.Data.IDbDataParameter parameter, DateOnly value)
        {
            parameter.DbType = System.Data.DbType.Date;
            parameter.Value = value;
        }
        public override DateOnly Parse(object value) => value is DateTime d ? DateOnly.FromDateTime(d) : (DateOnly)value;
    }
}
