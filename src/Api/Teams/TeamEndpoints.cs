using System.Text;
using Cradle.Api.Infrastructure;
using Cradle.Core.Coverage;
using Cradle.Core.Register;
using Cradle.Data.Register;
using Microsoft.AspNetCore.Http.HttpResults;
using Cradle.Api.Model;

namespace Cradle.Api.Teams;

/// <summary>A team as the API reads and writes it. <c>needs_reconfirming</c> and <c>service_area_names</c> are read-only (computed; ignored on write).</summary>
public sealed record TeamBody(
    string? Id, string? Name, string? Provider, string? Status, PartialDate? Started, PartialDate? Ended,
    double? CapacityFamiliesPerYear, string? CapacitySourceUrl, double? AnnualCostGbp, string? CostSourceUrl, string? Funder, string? Commissioner,
    string[]? ServiceAreas, string? AreaNote, double? BaseLon, double? BaseLat, string? SourceUrl, PartialDate? SourceDate,
    PartialDate? LastConfirmed, DateOnly? LastChecked, string? DefinitionFit, string? Notes, bool? NeedsReconfirming = null, string[]? ServiceAreaNames = null)
{
    public Team ToTeam(string? id = null) => new(id ?? Id ?? "", Name ?? "", Provider, Status ?? "", Started, Ended,
        CapacityFamiliesPerYear, CapacitySourceUrl, AnnualCostGbp, CostSourceUrl, Funder, Commissioner, ServiceAreas ?? [], AreaNote,
        BaseLon, BaseLat, SourceUrl, SourceDate, LastConfirmed, LastChecked, DefinitionFit ?? "", Notes);

    public static TeamBody From(Team t, DateOnly today) => From(t, today, Team.DefaultReconfirmAfterMonths);

    public static TeamBody From(Team t, DateOnly asOf, int reconfirmAfterMonths, Func<string, string?>? nameOf = null) => new(t.Id, t.Name, t.Provider, t.Status, t.Started, t.Ended, t.CapacityFamiliesPerYear,
        t.CapacitySourceUrl, t.AnnualCostGbp, t.CostSourceUrl, t.Funder, t.Commissioner, t.ServiceAreas.ToArray(), t.AreaNote,
        t.BaseLon, t.BaseLat, t.SourceUrl, t.SourceDate, t.LastConfirmed ?? t.SourceDate, t.LastChecked, t.DefinitionFit, t.Notes,
        t.NeedsReconfirming(asOf, reconfirmAfterMonths), nameOf is null ? null : t.ServiceAreas.Select(c => nameOf(c) ?? c).ToArray());
}

public sealed record TeamListOut(long DataVersion, int Count, int Active, int NeedsReconfirming, int ReconfirmAfterMonths, DateOnly? LastChecked, string Note, IReadOnlyList<TeamBody> Teams);

public sealed record TeamWritten(long DataVersion, TeamBody Team);

/// <summary>How complete the register is: its English teams by status, against the Foundation's published counts.</summary>
public sealed record RegisterSummary(long DataVersion, int Teams, IReadOnlyDictionary<string, int> ByStatus, int DefinitionFitUncertain,
    int CapacityPublished, int ReconfirmAfterMonths, IReadOnlyDictionary<string, int> NeedsReconfirmingByStatus, IReadOnlyList<string> NeedsReconfirming,
    DateOnly? OldestLastChecked, DateOnly? NewestLastChecked, IReadOnlyList<ModelParameters.PublishedTeamCount> FoundationCounts,
    IReadOnlyDictionary<string, int> AreaEvidence, string Notice);

public sealed record EvidenceList(long DataVersion, int Count, IReadOnlyList<AreaEvidence> Evidence);

public static class TeamEndpoints
{
    public static void MapTeams(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/teams").WithTags("Teams");
        group.MapGet("/", List).AllowQuery("format", "reconfirm_after_months", "needs_reconfirming").AlsoProduces(200, "text/csv")
            .WithSummary("The team register")
            .WithDescription("Every team with its status, capacity, service area, source and three dates: source_date (when its source said it), " +
                "last_confirmed (the newest date any source confirms the team is running) and last_checked (when someone last looked). " +
                "A team not closed and unconfirmed for more than reconfirm_after_months (default 24, 1 to 240) needs_reconfirming; " +
                "needs_reconfirming=true|false lists only those that do, or do not. format: json (default) or csv (the register's import format). " +
                $"The register is incomplete: {FoundationNote} (GET /api/teams/summary compares).");
        group.MapGet("/summary", Summary).AllowQuery("reconfirm_after_months").ProducesProblem(400)
            .WithSummary("How complete the register is: English teams by status, against the Parent-Infant Foundation's latest counts");
        app.MapGet("/api/area-evidence", Evidence).AllowQuery("format").WithTags("Teams").AlsoProduces(200, "text/csv")
            .WithSummary("What dated sources say where the register has no team: confirmed_none, or team_claimed_unnamed")
            .WithDescription("format: json (default) or csv (the import format of data/teams/area-evidence.csv). A confirmed_none older than evidence_max_age_years (GET /api/model) reads as not_known.");
        group.MapGet("/{id}", Get).AllowQuery().WithSummary("One team").ProducesProblem(404);
        group.MapGet("/{id}/history", History).AllowQuery().WithSummary("Every change to a team: who, when, before and after").ProducesProblem(404);
        group.MapPost("/", Create).AllowQuery().RequireKey().ProducesProblem(409).JsonBodyOf<TeamBody>(TeamExample)
            .WithSummary("Add a team (bearer API key required)");
        group.MapPut("/{id}", Update).AllowQuery().RequireKey().ProducesProblem(404).ProducesProblem(412).JsonBodyOf<TeamBody>(TeamExample, description: "The whole row (PUT replaces it); id, if given, must match the address.")
            .WithSummary("Replace a team (bearer API key required)")
            .WithDescription(IfMatchNote);
        group.MapDelete("/{id}", Delete).AllowQuery().RequireKey().ProducesProblem(404).ProducesProblem(412)
            .WithSummary("Remove a team (bearer API key required)")
            .WithDescription(IfMatchNote);
    }

    static ProblemHttpResult? BadFormat(string? format) =>
        format is null or "json" or "csv" ? null : ApiProblems.BadParameter("format", $"'{ModelQuery.Clip(format)}' is not json or csv");

    /// <summary>reconfirm_after_months: how long a row may go unconfirmed (1 to 240, default 24).</summary>
    static (int Months, ProblemHttpResult? Problem) ReconfirmMonths(string? given)
    {
        if (given is null) return (Team.DefaultReconfirmAfterMonths, null);
        return int.TryParse(given, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m) && m is >= 1 and <= 240
            ? (m, null) : (0, ApiProblems.BadParameter("reconfirm_after_months", $"'{ModelQuery.Clip(given)}' is not a whole number of months from 1 to 240"));
    }


    static async Task<Results<Ok<TeamListOut>, ContentHttpResult, ProblemHttpResult>> List(TeamRegister register, ModelStore store, string? format,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "reconfirm_after_months")] string? reconfirmAfterMonths,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "needs_reconfirming")] string? needsReconfirming, CancellationToken ct)
    {
        if (BadFormat(format) is { } bad) return bad;
        var (months, badMonths) = ReconfirmMonths(reconfirmAfterMonths);
        if (badMonths is not null) return badMonths;
        if (needsReconfirming is not (null or "true" or "false"))
            return ApiProblems.BadParameter("needs_reconfirming", $"'{ModelQuery.Clip(needsReconfirming)}' is not true or false");
        var version = await store.CurrentVersionAsync(ct);
        var today = store.Today;
        var all = await register.ListAsync(ct);
        var names = (await store.SnapshotAsync(ct)).NameOf;
        var teams = needsReconfirming is null ? all : all.Where(t => t.NeedsReconfirming(today, months) == (needsReconfirming == "true")).ToList();
        if (format == "csv") return TypedResults.Text(TeamCsv.Write(teams), "text/csv; charset=utf-8", Encoding.UTF8);
        return TypedResults.Ok(new TeamListOut(version, teams.Count, teams.Count(t => t.IsActive), teams.Count(t => t.NeedsReconfirming(today, months)), months,
            teams.Max(t => t.LastChecked),
            "An incomplete register (see GET /api/teams/summary). Anyone can tell us about provision (POST /api/contributions); key holders review it.",
            teams.Select(t => TeamBody.From(t, today, months, names)).ToList()));
    }

    /// <summary>The Foundation's latest published counts, as text, from the one list of them.</summary>
    static string FoundationNote => string.Join(" and ", new[] { "England", "UK" }
        .Select(ModelParameters.LatestFoundationCount)
        .Select(c => $"the Parent-Infant Foundation counted {c.Teams} teams in {(c.Scope == "UK" ? "the UK" : c.Scope)} ({Month(c.AsOf)})"));

    static async Task<Results<Ok<RegisterSummary>, ProblemHttpResult>> Summary(ModelStore store,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "reconfirm_after_months")] string? reconfirmAfterMonths, CancellationToken ct)
    {
        var (months, badMonths) = ReconfirmMonths(reconfirmAfterMonths);
        if (badMonths is not null) return badMonths;
        var s = await store.SnapshotAsync(ct);
        var today = store.Today;
        var byStatus = Team.Statuses.ToDictionary(x => x, x => s.Teams.Count(t => t.Status == x));
        var (england, uk) = (ModelParameters.LatestFoundationCount("England"), ModelParameters.LatestFoundationCount("UK"));
        // One rule for the notice, the counts and the rows: Team.NeedsReconfirming.
        var stale = s.Teams.Where(t => t.NeedsReconfirming(today, months)).ToList();
        var staleByStatus = Team.Statuses.Where(x => x != "closed").ToDictionary(x => x, x => stale.Count(t => t.Status == x));
        var notice = $"The register holds {s.Teams.Count} English teams: {byStatus["active"]} active, {byStatus["in_development"]} in development, " +
            $"{byStatus["unknown"]} of unknown status and {byStatus["closed"]} closed. {stale.Count} need re-confirming " +
            $"(no source has confirmed them for more than {months} months): {staleByStatus["active"]} active, {staleByStatus["in_development"]} in development, {staleByStatus["unknown"]} unknown. " +
            $"The Parent-Infant Foundation counted {england.Teams} teams in England ({Month(england.AsOf)}) and {uk.Teams} in the UK ({Month(uk.AsOf)}); " +
            "its list is not public. Where the register has no team and no dated source says there is none, Cradle says 'not known', not 'no team'.";
        return TypedResults.Ok(new RegisterSummary(s.DataVersion, s.Teams.Count, byStatus, s.Teams.Count(t => t.FitUncertain),
            s.Teams.Count(t => t.CapacityFamiliesPerYear is not null), months, staleByStatus, stale.Select(t => t.Id).ToList(),
            s.Teams.Min(t => t.LastChecked), s.Teams.Max(t => t.LastChecked),
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
        await register.GetAsync(id, ct) is { } t ? TypedResults.Ok(TeamBody.From(t, register.Today)) : ApiProblems.NotFound("team", $"No team has id '{ModelQuery.Clip(id)}'.");

    static async Task<Results<Ok<List<TeamChange>>, ProblemHttpResult>> History(TeamRegister register, string id, CancellationToken ct)
    {
        var history = await register.HistoryAsync(id, ct);
        return history.Count > 0 ? TypedResults.Ok(history) : ApiProblems.NotFound("team", $"No team has ever had id '{ModelQuery.Clip(id)}'.");
    }

    static string Actor(HttpContext http) => (string)http.Items[RequireApiKey.ActorItem]!;

    const string TeamExample = """{"id":"example-pip","name":"Example Parent-Infant Team","provider":"Example NHS Foundation Trust","status":"active","started":"2022-04","ended":null,"capacity_families_per_year":null,"capacity_source_url":null,"annual_cost_gbp":null,"cost_source_url":null,"funder":null,"commissioner":"Example ICB","service_areas":["E08000021"],"area_note":null,"base_lon":null,"base_lat":null,"source_url":"https://www.example.nhs.uk/services/parent-infant-team","source_date":"2025-06","last_confirmed":"2025-06","last_checked":"2026-12-01","definition_fit":"meets","notes":null}""";

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
                : TypedResults.Created($"/api/teams/{team.Id}", new TeamWritten(version, TeamBody.From(team, register.Today)));
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
                : TypedResults.Ok(new TeamWritten(version, TeamBody.From(team, register.Today)));
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
