using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Npgsql;
using Cradle.Core.Register;

namespace Cradle.Data.Register;

/// <summary>The fields of a team a contribution proposes: for a change, only those given change.</summary>
public sealed record TeamProposal(
    string? Id = null, string? Name = null, string? Provider = null, string? Status = null, PartialDate? Started = null, PartialDate? Ended = null,
    double? CapacityFamiliesPerYear = null, double? AnnualCostGbp = null, string? Funder = null, string? Commissioner = null,
    string[]? ServiceAreas = null, string? AreaNote = null, string? DefinitionFit = null, string? Notes = null, PartialDate? LastConfirmed = null)
{
    /// <summary>Whether it changes a fact the row's own source speaks for (capacity and cost have sources of their own; notes and a confirmation do not change the row's facts).</summary>
    [JsonIgnore]
    public bool ChangesFacts => Name is not null || Provider is not null || Status is not null || Started is not null || Ended is not null ||
        Funder is not null || Commissioner is not null || ServiceAreas is not null || AreaNote is not null || DefinitionFit is not null;

    [JsonIgnore]
    public bool IsEmpty => !ChangesFacts && Notes is null && LastConfirmed is null && CapacityFamiliesPerYear is null && AnnualCostGbp is null && Id is null;
}

/// <summary>What a contribution says about an area where the register has no team.</summary>
public sealed record EvidenceProposal(string? AreaCode = null, string? Evidence = null, string? Statement = null);

/// <summary>A contribution as sent: a new team, a change to a team, or evidence about an area, with its source.</summary>
public sealed record ContributionIn(
    string? Kind = null, string? TeamId = null, TeamProposal? Team = null, EvidenceProposal? Evidence = null, string? SourceUrl = null, PartialDate? SourceDate = null,
    bool? SpeaksForService = null, string? Role = null, string? Comment = null, string? Contact = null);

/// <summary>A contribution as kept. <see cref="Contact"/> and <see cref="Client"/> are for key holders only, never published.</summary>
public sealed record Contribution(
    string Ref, string Kind, string? TeamId, string? AreaCode, TeamProposal? Team, EvidenceProposal? Evidence, string? SourceUrl, PartialDate? SourceDate,
    bool SpeaksForService, string? Role, string? Comment, string? Contact, string Client, DateTime SubmittedAt, string State,
    DateTime? DecidedAt, string? DecidedBy, string? Reason, long? DataVersion);

/// <summary>One field of a row as it is, and as a contribution would make it.</summary>
public sealed record FieldChange(string Field, string? Current, string? Proposed);

public sealed class ContributionException(Dictionary<string, string[]> errors) : Exception(string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}")))
{
    public Dictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>
/// What anyone may tell the register, kept apart until a key holder accepts it. A contribution is
/// checked when it arrives exactly as the row it proposes would be (so that the queue holds only
/// rows that could be accepted); accepting writes that row through the register, with its change
/// log entry naming the contribution and its source, and a new data version, in one transaction.
/// </summary>
public sealed class Contributions(TeamRegister register)
{
    public static readonly string[] Kinds = ["new_team", "team_change", "area_evidence"];
    public static readonly string[] States = ["submitted", "accepted", "rejected"];

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new PartialDateJsonConverter() },
    };

    NpgsqlDataSource Db => register.Database;

    /// <summary>Where a contribution's public record is (the source of a row its service told us), relative to the API's address.</summary>
    public static string RecordPath(string reference) => $"/api/contributions/{reference}";

    /// <summary>Checks a contribution and queues it; the reference, or the errors by field.</summary>
    public async Task<Contribution> SubmitAsync(ContributionIn c, string client, string publicBase, DateOnly today, CancellationToken ct = default)
    {
        var reference = NewReference();
        var draft = new Contribution(reference, c.Kind ?? "", c.TeamId, c.Evidence?.AreaCode, c.Team, c.Evidence, c.SourceUrl, c.SourceDate,
            c.SpeaksForService ?? false, c.Role, c.Comment, c.Contact, client, DateTime.UtcNow, "submitted", null, null, null, null);
        var errors = await CheckAsync(draft, publicBase, today, ct);
        if (errors.Count > 0) throw new ContributionException(errors);
        await using var conn = await Db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into cradle_register.contributions (ref, kind, team_id, area_code, proposal, source_url, source_date, speaks_for_service, role, comment, contact, client)
            values (@Ref, @Kind, @TeamId, @AreaCode, @proposal::jsonb, @SourceUrl, @sourceDate, @SpeaksForService, @Role, @Comment, @Contact, @Client)
            """, new
        {
            draft.Ref, draft.Kind, TeamId = draft.Kind == "new_team" ? null : draft.TeamId, draft.AreaCode,
            proposal = Proposal(draft), draft.SourceUrl, sourceDate = draft.SourceDate?.ToString(),
            draft.SpeaksForService, draft.Role, draft.Comment, draft.Contact, draft.Client,
        }, cancellationToken: ct));
        return (await GetAsync(reference, ct))!;
    }

    static string Proposal(Contribution c) => c.Kind == "area_evidence"
        ? JsonSerializer.Serialize(c.Evidence ?? new EvidenceProposal(), Json)
        : JsonSerializer.Serialize(c.Team ?? new TeamProposal(), Json);

    static string NewReference()
    {
        // Short enough to read out on the phone; 40 random bits, so not guessable in bulk.
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var bytes = RandomNumberGenerator.GetBytes(8);
        return "C-" + new string(bytes.Select(b => alphabet[b % alphabet.Length]).ToArray());
    }

    /// <summary>What is wrong with a contribution, field by field: its source, its subject, and the row it would make.</summary>
    async Task<Dictionary<string, string[]>> CheckAsync(Contribution c, string publicBase, DateOnly today, CancellationToken ct)
    {
        var e = new FieldErrors();
        if (!Kinds.Contains(c.Kind)) e.Add("kind", $"must be one of {string.Join(", ", Kinds)}");
        if (c.SpeaksForService)
        {
            if (string.IsNullOrWhiteSpace(c.Role)) e.Add("role", "is required when you speak for the service: say what your role is (for example, clinical lead)");
        }
        else
        {
            if (c.Role is not null) e.Add("speaks_for_service", "is not true, but a role is given: set speaks_for_service to true if you speak for the service");
            if (string.IsNullOrWhiteSpace(c.SourceUrl)) e.Add("source_url", "is required: the specific page that says this (or speaks_for_service: true with your role)");
        }
        TeamValidator.Url(e, "source_url", c.SourceUrl);
        if (c.SourceDate is { } sd && sd.Earliest > today) e.Add("source_date", $"{sd} is in the future");
        Length(e, "role", c.Role, 200);
        Length(e, "comment", c.Comment, 2000);
        Length(e, "contact", c.Contact, 200);
        if (c.Kind == "area_evidence" && c.Team is not null) e.Add("team", "is not part of area evidence (give evidence)");
        if (c.Kind is "new_team" or "team_change" && c.Evidence is not null) e.Add("evidence", $"is not part of a {c.Kind} (give team)");
        if (c.Kind == "team_change" && string.IsNullOrWhiteSpace(c.TeamId)) e.Add("team_id", "is required: the id of the team to change (GET /api/teams)");
        if (c.Kind == "new_team" && c.TeamId is not null) e.Add("team_id", "is not used for a new team (give team.id, or leave it to be made from the name)");
        if (c.Kind is "new_team" or "team_change" && (c.Team is null || c.Team.IsEmpty)) e.Add("team", "is required: the fields to add or change");
        if (c.Kind == "area_evidence" && c.Evidence is null) e.Add("evidence", "is required: area_code, evidence and statement");
        if (e.Count > 0) return e.ToDictionary();

        // The row it would make must be a row the register accepts.
        try { await ProposedAsync(c, publicBase, today, ct: ct); }
        catch (ContributionException x) { return x.Errors; }
        return [];
    }

    static void Length(FieldErrors e, string field, string? value, int max)
    {
        if (value?.Length > max) e.Add(field, $"must be at most {max:N0} characters");
    }

    /// <summary>The codes a row may name, read once for several contributions (the review queue) rather than once each.</summary>
    public sealed record RowChecks(KnownCodes Codes, Func<string, bool> EvidenceAreas);

    public async Task<RowChecks> ChecksAsync(CancellationToken ct = default)
    {
        await using var conn = await Db.OpenConnectionAsync(ct);
        var codes = await TeamRegister.KnownCodesAsync(conn);
        return new(codes, await TeamRegister.EvidenceAreasAsync(conn, codes));
    }

    /// <summary>
    /// The row a contribution makes: for a change, the current row with the fields given, the
    /// contribution's source as the row's (or the capacity's, or the cost's) source, and
    /// last_confirmed moved on when the source says the team runs. Errors name the contribution's fields.
    /// </summary>
    public async Task<(Team? Current, Team? Team, AreaEvidence? Evidence)> ProposedAsync(Contribution c, string publicBase, DateOnly today,
        RowChecks? checks = null, CancellationToken ct = default)
    {
        var source = c.SourceUrl ?? publicBase.TrimEnd('/') + RecordPath(c.Ref);
        var sourceDate = c.SourceDate ?? PartialDate.FromDate(today);
        var note = c.SourceUrl is null ? $"Told to the register by the service ({c.Role}), contribution {c.Ref}." : null;
        checks ??= await ChecksAsync(ct);
        var codes = checks.Codes;
        if (c.Kind == "area_evidence")
        {
            var p = c.Evidence!;
            var row = new AreaEvidence(p.AreaCode ?? "", p.Evidence ?? "", p.Statement ?? "", source, sourceDate, null, today, note);
            var errors = AreaEvidenceCsv.Validate(row, checks.EvidenceAreas, today);
            if (errors.Count > 0) throw new ContributionException(Prefix("evidence.", errors, "source_url", "source_date"));
            return (null, null, row);
        }
        var t = c.Team!;
        Team? current = null;
        Team team;
        if (c.Kind == "team_change")
        {
            current = await register.GetAsync(c.TeamId!, ct) ?? throw new ContributionException(new() { ["team_id"] = [$"no team has id '{Clip(c.TeamId!)}'"] });
            if (t.Id is not null && t.Id != current.Id) throw new ContributionException(new() { ["team.id"] = ["a team's id cannot change"] });
            // The contribution's source becomes the row's when it changes the row's facts and is no older than
            // the row's source; otherwise the row keeps its source and the notes cite the contribution's.
            bool rowSource = t.ChangesFacts && (current.SourceDate is not { } was || sourceDate.Earliest >= was.Earliest);
            var status = t.Status ?? current.Status;
            bool running = status is "active" or "in_development";
            var confirmed = Newest(current.ConfirmedOn, t.LastConfirmed, rowSource && running ? sourceDate : null);
            team = current with
            {
                Name = t.Name ?? current.Name, Provider = t.Provider ?? current.Provider, Status = status,
                Started = t.Started ?? current.Started, Ended = t.Ended ?? current.Ended,
                CapacityFamiliesPerYear = t.CapacityFamiliesPerYear ?? current.CapacityFamiliesPerYear,
                CapacitySourceUrl = t.CapacityFamiliesPerYear is not null ? source : current.CapacitySourceUrl,
                AnnualCostGbp = t.AnnualCostGbp ?? current.AnnualCostGbp, CostSourceUrl = t.AnnualCostGbp is not null ? source : current.CostSourceUrl,
                Funder = t.Funder ?? current.Funder, Commissioner = t.Commissioner ?? current.Commissioner,
                ServiceAreas = t.ServiceAreas ?? current.ServiceAreas, AreaNote = t.AreaNote ?? current.AreaNote,
                DefinitionFit = t.DefinitionFit ?? current.DefinitionFit,
                SourceUrl = rowSource ? source : current.SourceUrl, SourceDate = rowSource ? sourceDate : current.SourceDate,
                LastConfirmed = confirmed,
                LastChecked = today,
                Notes = Join(t.Notes ?? current.Notes,
                    rowSource && current.SourceUrl != source ? $"Earlier source: {current.SourceUrl} ({current.SourceDate})." : null,
                    !rowSource && (t.Notes is not null || t.LastConfirmed is not null || t.ChangesFacts) ? $"Source for the change of {today:yyyy-MM-dd}: {source} ({sourceDate})." : null,
                    note),
            };
        }
        else
        {
            var id = t.Id ?? Slug(t.Name ?? "");
            if (await register.GetAsync(id, ct) is not null)
                throw new ContributionException(new() { [t.Id is null ? "team.name" : "team.id"] = [$"a team with id '{id}' exists: send a team_change for it"] });
            bool running = t.Status is "active" or "in_development";
            team = new Team(id, t.Name ?? "", t.Provider, t.Status ?? "", t.Started, t.Ended,
                t.CapacityFamiliesPerYear, t.CapacityFamiliesPerYear is null ? null : source, t.AnnualCostGbp, t.AnnualCostGbp is null ? null : source,
                t.Funder, t.Commissioner, t.ServiceAreas ?? [], t.AreaNote, null, null, source, sourceDate, Newest(t.LastConfirmed, running ? sourceDate : null), today,
                t.DefinitionFit ?? "uncertain", Join(t.Notes, note));
        }
        var problems = TeamValidator.Validate(team, codes, today);
        if (problems.Count > 0) throw new ContributionException(Prefix("team.", problems, "source_url", "source_date", "last_checked"));
        return (current, team, null);
    }

    /// <summary>A row's field errors as the contribution's fields (team.status); those the contribution gave at its top level stay there.</summary>
    static Dictionary<string, string[]> Prefix(string prefix, Dictionary<string, string[]> errors, params string[] topLevel) =>
        errors.ToDictionary(x => topLevel.Contains(x.Key) ? x.Key : prefix + x.Key, x => x.Value);

    /// <summary>The newest of some dates; where a vaguer date contains a more precise one (2023 and 2023-06), the more precise.</summary>
    static PartialDate? Newest(params PartialDate?[] dates)
    {
        var known = dates.Where(d => d is not null).Select(d => d!.Value).ToList();
        if (known.Count == 0) return null;
        var top = known.MaxBy(d => d.Latest);
        return known.Where(d => d.Earliest >= top.Earliest && d.Latest <= top.Latest).OrderBy(d => d.Latest.DayNumber - d.Earliest.DayNumber).First();
    }

    static string? Join(params string?[] parts) => parts.Where(p => !string.IsNullOrWhiteSpace(p)) is var ps && ps.Any() ? string.Join(" ", ps) : null;

    static string Slug(string name)
    {
        var slug = new string(name.ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-').ToArray());
        while (slug.Contains("--")) slug = slug.Replace("--", "-");
        slug = slug.Trim('-');
        return slug.Length > 60 ? slug[..60].TrimEnd('-') : slug;
    }

    static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>The fields a contribution changes, as they are and as they would be.</summary>
    public static List<FieldChange> Diff(Team? current, Team? proposed)
    {
        if (proposed is null) return [];
        var after = TeamCsv.Cells(proposed);
        var before = current is null ? new string?[after.Length] : TeamCsv.Cells(current);
        return TeamCsv.Columns.Select((c, i) => new FieldChange(c, before[i], after[i])).Where(f => f.Current != f.Proposed).ToList();
    }

    public static List<FieldChange> Diff(AreaEvidence? proposed) =>
        proposed is null ? [] : AreaEvidenceCsv.Columns.Zip(AreaEvidenceCsv.Cells(proposed))
            .Where(x => x.First != "area_name" && x.Second is not null).Select(x => new FieldChange(x.First, null, x.Second)).ToList();

    const string Select = """
        select ref, kind, team_id, area_code, proposal::text as proposal, source_url, source_date, speaks_for_service, role, comment, contact, client,
               submitted_at, state, decided_at, decided_by, reason, data_version
        from cradle_register.contributions
        """;

    public async Task<Contribution?> GetAsync(string reference, CancellationToken ct = default)
    {
        await using var conn = await Db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select + " where ref = @reference", new { reference }, cancellationToken: ct));
        return row?.ToContribution();
    }

    /// <summary>Contributions in a state (all when null), oldest first: the queue reads in order of arrival.</summary>
    public async Task<List<Contribution>> ListAsync(string? state, int limit, CancellationToken ct = default)
    {
        await using var conn = await Db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Row>(new CommandDefinition(Select + " where (@state::text is null or state = @state) order by submitted_at, ref limit @limit",
            new { state, limit }, cancellationToken: ct))).Select(r => r.ToContribution()).ToList();
    }

    public enum Decision { Done, NotFound, AlreadyDecided }

    /// <summary>
    /// Accepts a submitted contribution: writes the row it proposes (or <paramref name="edited"/>,
    /// the reviewer's version of it) through the register, and marks it accepted, in one transaction.
    /// </summary>
    public async Task<(Decision Decision, long DataVersion)> AcceptAsync(string reference, string reviewer, string publicBase, DateOnly today,
        Team? editedTeam = null, AreaEvidence? editedEvidence = null, CancellationToken ct = default)
    {
        var c = await GetAsync(reference, ct);
        if (c is null) return (Decision.NotFound, 0);
        if (c.State != "submitted") return (Decision.AlreadyDecided, c.DataVersion ?? 0);
        var (current, team, evidence) = await ProposedAsync(c, publicBase, today, ct: ct);
        var context = new WriteContext(reviewer, c.SourceUrl ?? publicBase.TrimEnd('/') + RecordPath(c.Ref), c.Ref);
        async Task MarkAccepted(NpgsqlConnection conn, NpgsqlTransaction tx, long version, string applied)
        {
            int n = await conn.ExecuteAsync("""
                update cradle_register.contributions set state = 'accepted', decided_at = now(), decided_by = @reviewer, applied = @applied::jsonb, data_version = @version
                where ref = @reference and state = 'submitted'
                """, new { reviewer, applied, version, reference }, tx);
            if (n == 0) throw new ContributionDecidedException();
        }
        try
        {
            if (c.Kind == "area_evidence")
            {
                var row = editedEvidence ?? evidence!;
                long v = await register.WriteEvidenceAsync(row, context, (conn, tx, version) => MarkAccepted(conn, tx, version, JsonSerializer.Serialize(row, Json)), ct);
                return (Decision.Done, v);
            }
            var t = editedTeam ?? team!;
            if (c.Kind == "team_change" && t.Id != current!.Id) throw new ContributionException(new() { ["team.id"] = ["a team's id cannot change"] });
            var (outcome, version) = await register.WriteAsync(t, context, create: c.Kind == "new_team",
                (conn, tx, v) => MarkAccepted(conn, tx, v, JsonSerializer.Serialize(TeamCsv.Columns.Zip(TeamCsv.Cells(t)).ToDictionary(x => x.First, x => x.Second), Json)), ct);
            return outcome switch
            {
                TeamRegister.Outcome.Conflict => throw new ContributionException(new() { ["team.id"] = [$"a team with id '{t.Id}' was added since: send the change as a team_change"] }),
                TeamRegister.Outcome.NotFound => throw new ContributionException(new() { ["team_id"] = [$"team '{t.Id}' was removed since"] }),
                _ => (Decision.Done, version),
            };
        }
        catch (ContributionDecidedException) { return (Decision.AlreadyDecided, 0); }
        catch (TeamValidationException x) { throw new ContributionException(Prefix(c.Kind == "area_evidence" ? "evidence." : "team.", x.Errors)); }
    }

    /// <summary>Rejects a submitted contribution with a reason: the register does not change, and the
    /// change log records the decision (its reference, subject and reason; never what it proposed).</summary>
    public async Task<Decision> RejectAsync(string reference, string reviewer, string reason, CancellationToken ct = default)
    {
        await using var conn = await Db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var subject = await conn.QuerySingleOrDefaultAsync<string?>(new CommandDefinition("""
            update cradle_register.contributions set state = 'rejected', decided_at = now(), decided_by = @reviewer, reason = @reason
            where ref = @reference and state = 'submitted'
            returning coalesce(team_id, area_code, 'new team')
            """, new { reviewer, reason, reference }, tx, cancellationToken: ct));
        if (subject is null)
        {
            await tx.RollbackAsync(ct);
            return await GetAsync(reference, ct) is null ? Decision.NotFound : Decision.AlreadyDecided;
        }
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into cradle_register.history (entity, team_id, action, actor, before, after, data_version, source, contribution)
            select 'contribution', @subject, 'reject', @reviewer, null, jsonb_build_object('ref', @reference, 'reason', @reason),
                   (select data_version from cradle_meta.state), c.source_url, @reference
            from cradle_register.contributions c where c.ref = @reference
            """, new { subject, reviewer, reference, reason }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return Decision.Done;
    }

    sealed class ContributionDecidedException : Exception;

    sealed class Row
    {
        public string Ref { get; set; } = "";
        public string Kind { get; set; } = "";
        public string? Team_Id { get; set; }
        public string? Area_Code { get; set; }
        public string Proposal { get; set; } = "{}";
        public string? Source_Url { get; set; }
        public string? Source_Date { get; set; }
        public bool Speaks_For_Service { get; set; }
        public string? Role { get; set; }
        public string? Comment { get; set; }
        public string? Contact { get; set; }
        public string Client { get; set; } = "";
        public DateTime Submitted_At { get; set; }
        public string State { get; set; } = "";
        public DateTime? Decided_At { get; set; }
        public string? Decided_By { get; set; }
        public string? Reason { get; set; }
        public long? Data_Version { get; set; }

        public Contribution ToContribution() => new(Ref, Kind, Team_Id, Area_Code,
            Kind == "area_evidence" ? null : JsonSerializer.Deserialize<TeamProposal>(Proposal, Json),
            Kind == "area_evidence" ? JsonSerializer.Deserialize<EvidenceProposal>(Proposal, Json) : null,
            Source_Url, PartialDate.TryParse(Source_Date, out var d) ? d : null, Speaks_For_Service, Role, Comment, Contact, Client,
            Submitted_At, State, Decided_At, Decided_By, Reason, Data_Version);
    }
}
