using System.Text;
using Cradle.Api.Infrastructure;
using Cradle.Geo.Coverage;
using Cradle.Geo.Register;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cradle.Api.Teams;

/// <summary>A team as the API reads and writes it.</summary>
public sealed record TeamBody(
    string? Id, string? Name, string? Provider, string? Status, PartialDate? Started, PartialDate? Ended,
    double? CapacityFamiliesPerYear, string? CapacitySourceUrl, double? AnnualCostGbp, string? CostSourceUrl, string? Funder, string? Commissioner,
    string[]? ServiceAreas, string? AreaNote, double? BaseLon, double? BaseLat, string? SourceUrl, PartialDate? SourceDate, DateOnly? LastVerified,
    string? DefinitionFit, string? Notes)
{
    public Team ToTeam(string? id = null) => new(id ?? Id ?? "", Name ?? "", Provider, Status ?? "", Started, Ended,
        CapacityFamiliesPerYear, CapacitySourceUrl, AnnualCostGbp, CostSourceUrl, Funder, Commissioner, ServiceAreas ?? [], AreaNote,
        BaseLon, BaseLat, SourceUrl, SourceDate, LastVerified, DefinitionFit ?? "", Notes);

    public static TeamBody From(Team t) => new(t.Id, t.Name, t.Provider, t.Status, t.Started, t.Ended, t.CapacityFamiliesPerYear,
        t.CapacitySourceUrl, t.AnnualCostGbp, t.CostSourceUrl, t.Funder, t.Commissioner, t.ServiceAreas.ToArray(), t.AreaNote,
        t.BaseLon, t.BaseLat, t.SourceUrl, t.SourceDate, t.LastVerified, t.DefinitionFit, t.Notes);
}

public sealed record TeamListOut(long DataVersion, int Count, int Active, DateOnly? LastVerified, string Note, IReadOnlyList<TeamBody> Teams);

public sealed record TeamWritten(long DataVersion, TeamBody Team);

/// <summary>How complete the register is: its English teams by status, against the Foundation's published counts.</summary>
public sealed record RegisterSummary(long DataVersion, int Teams, IReadOnlyDictionary<string, int> ByStatus, int DefinitionFitUncertain,
    int CapacityPublished, int ActiveWithOldSource, DateOnly? OldestLastVerified, DateOnly? NewestLastVerified, IReadOnlyList<ModelParameters.PublishedTeamCount> FoundationCounts,
    IReadOnlyDictionary<string, int> AreaEvidence, string Notice);

public sealed record EvidenceList(long DataVersion, int Count, IReadOnlyList<AreaEvidence> Evidence);

public static class TeamEndpoints
{
    public static void MapTeams(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/teams").WithTags("Teams");
        group.MapGet("/", List).AllowQuery("format").ProducesProblem(400)
            .WithSummary("The team register")
            .WithDescription("Every team with its status, capacity, service area, source and the date it was last verified. format: json (default) or csv (the register's import format). " +
                $"The register is incomplete: {FoundationNote} (GET /api/teams/summary compares).");
        group.MapGet("/summary", Summary).AllowQuery()
            .WithSummary("How complete the register is: English teams by status, against the Parent-Infant Foundation's latest counts");
        app.MapGet("/api/area-evidence", Evidence).AllowQuery("format").WithTags("Teams").ProducesProblem(400)
            .WithSummary("What dated sources say where the register has no team: confirmed_none, or team_claimed_unnamed")
            .WithDescription("format: json (default) or csv (the import format of data/teams/area-evidence.csv). A confirmed_none older than evidence_max_age_years (GET /api/model) reads as not_known.");
        group.MapGet("/{id}", Get).AllowQuery().WithSummary("One team").ProducesProblem(404);
        group.MapGet("/{id}/history", History).AllowQuery().WithSummary("Every change to a team: who, when, before and after").ProducesProblem(404);
        group.MapPost("/", Create).AllowQuery().AddEndpointFilter<RequireApiKey>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415)
            .WithSummary("Add a team (bearer API key required)");
        group.MapPut("/{id}", Update).AllowQuery().AddEndpointFilter<RequireApiKey>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404).ProducesProblem(412).ProducesProblem(413).ProducesProblem(415)
            .WithSummary("Replace a team (bearer API key required)")
            .WithDescription(IfMatchNote);
        group.MapDelete("/{id}", Delete).AllowQuery().AddEndpointFilter<RequireApiKey>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404).ProducesProblem(412)
            .WithSummary("Remove a team (bearer API key required)")
            .WithDescription(IfMatchNote);
    }

    static ProblemHttpResult? BadFormat(string? format) =>
        format is null or "json" or "csv" ? null : ApiProblems.BadParameter("format", $"'{ModelQuery.Clip(format)}' is not json or csv");

    static async Task<Results<Ok<TeamListOut>, ContentHttpResult, ProblemHttpResult>> List(TeamRegister register, ModelStore store, string? format, CancellationToken ct)
    {
        if (BadFormat(format) is { } bad) return bad;
        var version = await store.CurrentVersionAsync(ct);
        var teams = await register.ListAsync(ct);
        if (format == "csv") return TypedResults.Text(TeamCsv.Write(teams), "text/csv; charset=utf-8", Encoding.UTF8);
        return TypedResults.Ok(new TeamListOut(version, teams.Count, teams.Count(t => t.IsActive), teams.Max(t => t.LastVerified),
            "An incomplete register (see GET /api/teams/summary): correct it through this API or data/teams/teams.csv.", teams.Select(TeamBody.From).ToList()));
    }

    /// <summary>The Foundation's latest published counts, as text, from the one list of them.</summary>
    static string FoundationNote => string.Join(" and ", new[] { "England", "UK" }
        .Select(ModelParameters.LatestFoundationCount)
        .Select(c => $"the Parent-Infant Foundation counted {c.Teams} teams in {(c.Scope == "UK" ? "the UK" : c.Scope)} ({Month(c.AsOf)})"));

    static async Task<Ok<RegisterSummary>> Summary(ModelStore store, CancellationToken ct)
    {
        var s = await store.SnapshotAsync(ct);
        var byStatus = Team.Statuses.ToDictionary(x => x, x => s.Teams.Count(t => t.Status == x));
        var (england, uk) = (ModelParameters.LatestFoundationCount("England"), ModelParameters.LatestFoundationCount("UK"));
        var years = ModelParameters.DefaultEvidenceMaxAgeYears;
        var old = s.Teams.Count(t => t.IsActive && t.SourceOlderThan(DateOnly.FromDateTime(DateTime.UtcNow), years));
        var notice = $"The register holds {s.Teams.Count} English teams: {byStatus["active"]} active, {byStatus["in_development"]} in development, " +
            $"{byStatus["unknown"]} of unknown status and {byStatus["closed"]} closed; {old} of the active teams rest on a source more than {years:0} years old. " +
            $"The Parent-Infant Foundation counted {england.Teams} teams in England ({Month(england.AsOf)}) and {uk.Teams} in the UK ({Month(uk.AsOf)}); " +
            "its list is not public. Where the register has no team and no dated source says there is none, Cradle says 'not known', not 'no team'.";
        return TypedResults.Ok(new RegisterSummary(s.DataVersion, s.Teams.Count, byStatus, s.Teams.Count(t => t.FitUncertain),
            s.Teams.Count(t => t.CapacityFamiliesPerYear is not null), old, s.Teams.Min(t => t.LastVerified), s.Teams.Max(t => t.LastVerified),
            ModelParameters.FoundationCounts, AreaEvidence.Kinds.ToDictionary(k => k, k => s.Evidence.Count(e => e.Evidence == k)), notice));
    }

    // The server runs in invariant-globalisation mode: no culture data for English month names.
    static readonly string[] Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    static string Month(string isoDate)
    {
        var d = DateOnly.ParseExact(isoDate, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return $"{Months[d.Month - 1]} {d.Year}";
    }

    static async Task<Results<Ok<EvidenceList>, ContentHttpResult, ProblemHttpResult>> Evidence(ModelStore store, string? format, CancellationToken ct)
    {
        if (BadFormat(format) is { } bad) return bad;
        var s = await store.SnapshotAsync(ct);
        if (format == "csv") return TypedResults.Text(AreaEvidenceCsv.Write(s.Evidence, s.NameOf), "text/csv; charset=utf-8", Encoding.UTF8);
        return TypedResults.Ok(new EvidenceList(s.DataVersion, s.Evidence.Count, s.Evidence));
    }

    static async Task<Results<Ok<TeamBody>, ProblemHttpResult>> Get(TeamRegister register, string id, CancellationToken ct) =>
        await register.GetAsync(id, ct) is { } t ? TypedResults.Ok(TeamBody.From(t)) : ApiProblems.NotFound("team", $"No team has id '{ModelQuery.Clip(id)}'.");

    static async Task<Results<Ok<List<TeamChange>>, ProblemHttpResult>> History(TeamRegister register, string id, CancellationToken ct)
    {
        var history = await register.HistoryAsync(id, ct);
        return history.Count > 0 ? TypedResults.Ok(history) : ApiProblems.NotFound("team", $"No team has ever had id '{ModelQuery.Clip(id)}'.");
    }

    static string Actor(HttpContext http) => (string)http.Items[RequireApiKey.ActorItem]!;

    const string IfMatchNote = "Send If-Match with the ETag of the GET you edited from (or \"v\" and the data_version it carried): if the team has changed since, the answer is 412 and nothing is written. Without If-Match the write replaces whatever is there.";

    /// <summary>The data version an If-Match ETag ("v123-…", as GET /api/* sends) was read at; * or none is null.</summary>
    static (long? ReadAt, ProblemHttpResult? Problem) ReadAt(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header is "" or "*") return (null, null);
        var m = System.Text.RegularExpressions.Regex.Match(header, @"^(?:W/)?""v(\d{1,18})(?:-[^""]*)?""$");
        return m.Success
            ? (long.Parse(m.Groups[1].Value), null)
            : (null, ApiProblems.BadParameter("If-Match", $"'{ModelQuery.Clip(header)}' is not an ETag from this API (\"v\" and a data version, in quotes)"));
    }

    static ProblemHttpResult Stale(string id, long changedAt) => TypedResults.Problem(statusCode: 412, title: "Changed since you read it",
        detail: $"Team '{id}' was changed at data version {changedAt}, after the version your If-Match names. Read it again (GET /api/teams/{id}, or its history) and reapply your change.");

    static async Task<Results<Created<TeamWritten>, ProblemHttpResult>> Create(HttpContext http, TeamRegister register, DataVersionMonitor versions, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<TeamBody>(http.Request);
        if (problem is not null) return problem;
        var team = body!.ToTeam();
        try
        {
            var (outcome, version) = await register.CreateAsync(team, Actor(http), ct);
            versions.Observe(version);
            return outcome == TeamRegister.Outcome.Conflict
                ? TypedResults.Problem(statusCode: 409, title: "Team exists", detail: $"A team with id '{team.Id}' exists; use PUT /api/teams/{team.Id} to change it.")
                : TypedResults.Created($"/api/teams/{team.Id}", new TeamWritten(version, TeamBody.From(team)));
        }
        catch (TeamValidationException e) { return ApiProblems.Invalid(e.Errors, "Invalid team"); }
    }

    static async Task<Results<Ok<TeamWritten>, ProblemHttpResult>> Update(HttpContext http, TeamRegister register, DataVersionMonitor versions, string id, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<TeamBody>(http.Request);
        if (problem is not null) return problem;
        if (body!.Id is not null && body.Id != id) return ApiProblems.BadParameter("id", $"the body says '{ModelQuery.Clip(body.Id)}' but the address says '{ModelQuery.Clip(id)}'");
        var team = body.ToTeam(id);
        var (readAt, badHeader) = ReadAt(http.Request);
        if (badHeader is not null) return badHeader;
        try
        {
            var (outcome, version) = await register.UpdateAsync(team, Actor(http), readAt, ct);
            if (outcome == TeamRegister.Outcome.Stale) return Stale(id, version);
            versions.Observe(version);
            return outcome == TeamRegister.Outcome.NotFound
                ? ApiProblems.NotFound("team", $"No team has id '{ModelQuery.Clip(id)}'; use POST /api/teams to add it.")
                : TypedResults.Ok(new TeamWritten(version, TeamBody.From(team)));
        }
        catch (TeamValidationException e) { return ApiProblems.Invalid(e.Errors, "Invalid team"); }
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(HttpContext http, TeamRegister register, DataVersionMonitor versions, string id, CancellationToken ct)
    {
        var (readAt, badHeader) = ReadAt(http.Request);
        if (badHeader is not null) return badHeader;
        var (outcome, version) = await register.DeleteAsync(id, Actor(http), readAt, ct);
        if (outcome == TeamRegister.Outcome.Stale) return Stale(id, version);
        versions.Observe(version);
        return outcome == TeamRegister.Outcome.NotFound ? ApiProblems.NotFound("team", $"No team has id '{ModelQuery.Clip(id)}'.") : TypedResults.NoContent();
    }
}
