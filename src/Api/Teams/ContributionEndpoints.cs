using System.Security.Cryptography;
using System.Text;
using Cradle.Api.Infrastructure;
using Cradle.Core.Register;
using Cradle.Data.Register;
using Microsoft.AspNetCore.Http.HttpResults;
using Cradle.Api.Model;

namespace Cradle.Api.Teams;

/// <summary>The answer to a contribution: its reference, and where its state can be followed.</summary>
public sealed record ContributionReceipt(string Ref, string State, string Url, DateTime SubmittedAt, string Message);

/// <summary>
/// A contribution as anyone may see it by its reference: its state, and once accepted what it
/// said. The contact and the sender's address are never shown.
/// </summary>
public sealed record ContributionPublic(string Ref, string Kind, string? TeamId, string? AreaCode, string State, DateTime SubmittedAt,
    DateTime? DecidedAt, string? Reason, long? DataVersion, string? SourceUrl, PartialDate? SourceDate, bool SpeaksForService, string? Role,
    TeamProposal? Team, EvidenceProposal? Evidence);

/// <summary>A contribution as a reviewer sees it: everything, with the row it would make as a diff against the row as it is.</summary>
public sealed record ContributionForReview(string Ref, string Kind, string? TeamId, string? AreaCode, string State, DateTime SubmittedAt,
    string? SourceUrl, PartialDate? SourceDate, bool SpeaksForService, string? Role, string? Comment, string? Contact,
    TeamProposal? Team, EvidenceProposal? Evidence, IReadOnlyList<FieldChange> Diff, TeamBody? ProposedTeam, EvidenceRowBody? ProposedEvidence,
    IReadOnlyDictionary<string, string[]>? Problems, DateTime? DecidedAt, string? DecidedBy, string? Reason, long? DataVersion);

public sealed record ContributionQueue(int Count, IReadOnlyList<ContributionForReview> Contributions);

/// <summary>A row of area evidence as the API reads and writes it.</summary>
public sealed record EvidenceRowBody(string? AreaCode, string? Evidence, string? Statement, string? SourceUrl, PartialDate? SourceDate,
    PartialDate? LastConfirmed, DateOnly? LastChecked, string? Notes)
{
    public static EvidenceRowBody From(AreaEvidence e) => new(e.AreaCode, e.Evidence, e.Statement, e.SourceUrl, e.SourceDate, e.LastConfirmed, e.LastChecked, e.Notes);

    public AreaEvidence ToRow() => new(AreaCode ?? "", Evidence ?? "", Statement ?? "", SourceUrl ?? "",
        SourceDate ?? new PartialDate(1900), LastConfirmed, LastChecked ?? DateOnly.MinValue, Notes);
}

/// <summary>The reviewer's version of the row to write (edit, then accept), or nothing to write the proposal as it is.</summary>
public sealed record AcceptBody(TeamBody? Team = null, EvidenceRowBody? Evidence = null);

public sealed record RejectBody(string? Reason = null);

public sealed record ContributionDecided(string Ref, string State, long? DataVersion);

public static class ContributionEndpoints
{
    public const string RateLimitPolicy = "contributions";

    /// <summary>A contribution's body is a few fields of text: 16 KB is generous.</summary>
    const long MaxBody = 16 * 1024;

    public static void MapContributions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/contributions").WithTags("Contributions");
        group.MapPost("/", Submit).AllowQuery().RequireRateLimiting(RateLimitPolicy).ProducesProblem(429)
            .JsonBodyOf<Cradle.Data.Register.ContributionIn>("""{"kind": "team_change", "team_id": "oldham-eas", "team": {"status": "active"}, "source_url": "https://www.example.gov.uk/news/parent-infant-service-2026", "source_date": "2026-11", "comment": "The council's page says the service runs."}""")
            .WithSummary("Tell the register about provision: a new team, a change to a team, or evidence about an area (no key needed)")
            .WithDescription("kind: new_team (team: name, status, service_areas …), team_change (team_id, and team: only the fields that change: status, " +
                "service_areas, started, ended, capacity_families_per_year, annual_cost_gbp, provider, funder, commissioner, definition_fit, notes) or " +
                "area_evidence (evidence: area_code, evidence confirmed_none|team_claimed_unnamed, statement). Each needs source_url, the specific page " +
                "that says it (with source_date when the page gives one), or speaks_for_service: true with your role. contact is optional and never published. " +
                "It counts only once a key holder accepts it; the answer's url shows its state. At most 10 a minute from one address (429 with Retry-After).");
        group.MapGet("/{reference}", Get).AllowQuery().ProducesProblem(404)
            .WithSummary("A contribution's state by its reference (what it said is shown once it is accepted; the contact never)");
        group.MapGet("/", Queue).AllowQuery("state").RequireKey()
            .WithSummary("The review queue (bearer API key required): contributions by state (submitted, the default; accepted; rejected; all), oldest first, each as a diff against the row as it is");
        group.MapPost("/{reference}/accept", Accept).AllowQuery().RequireKey().ProducesProblem(404).ProducesProblem(409)
            .JsonBodyOf<AcceptBody>("{}", required: false, description: "Nothing (or {}) to write the row as proposed; or {\"team\": {…the whole row…}} or {\"evidence\": {…}} to edit it first.")
            .WithSummary("Accept a contribution (bearer API key required): its row is written through the register, with the change log and a new data version")
            .WithDescription("With no body (or {}), the row the contribution proposes is written. To edit first, send {\"team\": {…the whole row…}} or {\"evidence\": {…}}: it is validated like any edit.");
        group.MapPost("/{reference}/reject", Reject).AllowQuery().RequireKey().ProducesProblem(404).ProducesProblem(409)
            .JsonBodyOf<RejectBody>("""{"reason": "The page cited does not name the service."}""", description: "reason: why, for the contributor (at most 2,000 characters).")
            .WithSummary("Reject a contribution with a reason (bearer API key required); the register does not change");
    }

    /// <summary>The API's own address as the client sees it (behind a trusted proxy, the public one).</summary>
    static string PublicBase(HttpRequest r) => r.PublicBase();

    /// <summary>The sender, kept only as a hash: enough to see a flood from one address, not who sent it.</summary>
    static string ClientHash(HttpContext http) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("cradle contribution " + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"))))[..16];

    static async Task<Results<Accepted<ContributionReceipt>, ProblemHttpResult>> Submit(HttpContext http, Contributions contributions, ModelStore store, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<ContributionIn>(http.Request, MaxBody);
        if (problem is not null) return problem;
        try
        {
            var c = await contributions.SubmitAsync(body!, ClientHash(http), PublicBase(http.Request), store.Today, ct);
            var url = Contributions.RecordPath(c.Ref);
            return TypedResults.Accepted(url, new ContributionReceipt(c.Ref, c.State, url, c.SubmittedAt,
                $"Thank you. Your contribution {c.Ref} waits for review; it changes nothing until a key holder accepts it. Follow it at {url}."));
        }
        catch (ContributionException e) { return ApiProblems.Invalid(e.Errors, "Invalid contribution"); }
    }

    static async Task<Results<Ok<ContributionPublic>, ProblemHttpResult>> Get(Contributions contributions, string reference, CancellationToken ct)
    {
        if (await contributions.GetAsync(reference, ct) is not { } c) return NotFound(reference);
        bool shown = c.State == "accepted";
        return TypedResults.Ok(new ContributionPublic(c.Ref, c.Kind, c.TeamId, c.AreaCode, c.State, c.SubmittedAt, c.DecidedAt,
            c.State == "rejected" ? c.Reason : null, c.DataVersion, shown ? c.SourceUrl : null, shown ? c.SourceDate : null, c.SpeaksForService,
            shown ? c.Role : null, shown ? c.Team : null, shown ? c.Evidence : null));
    }

    static ProblemHttpResult NotFound(string reference) => ApiProblems.NotFound("contribution", $"No contribution has reference '{ModelQuery.Clip(reference)}'.");

    static async Task<Results<Ok<ContributionQueue>, ProblemHttpResult>> Queue(HttpContext http, Contributions contributions, ModelStore store, string? state, CancellationToken ct)
    {
        if (state is not null && state != "all" && !Contributions.States.Contains(state))
            return ApiProblems.BadParameter("state", $"'{ModelQuery.Clip(state)}' is not one of {string.Join(", ", Contributions.States)} or all");
        var list = await contributions.ListAsync(state == "all" ? null : state ?? "submitted", 500, ct);
        var items = new List<ContributionForReview>();
        var checks = list.Any(c => c.State == "submitted") ? await contributions.ChecksAsync(ct) : null;
        foreach (var c in list)
        {
            Team? current = null, proposed = null;
            AreaEvidence? evidence = null;
            Dictionary<string, string[]>? problems = null;
            if (c.State == "submitted")
            {
                // The register may have changed since it was sent: the diff is against the row as it is now.
                try { (current, proposed, evidence) = await contributions.ProposedAsync(c, PublicBase(http.Request), store.Today, checks, ct); }
                catch (ContributionException e) { problems = e.Errors; }
            }
            var diff = evidence is not null ? Contributions.Diff(evidence) : Contributions.Diff(current, proposed);
            items.Add(new ContributionForReview(c.Ref, c.Kind, c.TeamId, c.AreaCode, c.State, c.SubmittedAt, c.SourceUrl, c.SourceDate, c.SpeaksForService,
                c.Role, c.Comment, c.Contact, c.Team, c.Evidence, diff, proposed is null ? null : TeamBody.From(proposed, store.Today),
                evidence is null ? null : EvidenceRowBody.From(evidence), problems, c.DecidedAt, c.DecidedBy, c.Reason, c.DataVersion));
        }
        return TypedResults.Ok(new ContributionQueue(items.Count, items));
    }

    static async Task<Results<Ok<ContributionDecided>, ProblemHttpResult>> Accept(HttpContext http, Contributions contributions, ModelStore store,
        DataVersionMonitor versions, string reference, CancellationToken ct)
    {
        AcceptBody? body = null;
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            (body, var problem) = await JsonBody.ReadAsync<AcceptBody>(http.Request, MaxBody * 4);
            if (problem is not null) return problem;
        }
        if (body?.Team is not null && body.Evidence is not null) return ApiProblems.BadParameter("body", "give team or evidence, not both");
        try
        {
            var (decision, version) = await contributions.AcceptAsync(reference, (string)http.Items[RequireApiKey.ActorItem]!, PublicBase(http.Request), store.Today,
                body?.Team?.ToTeam(), body?.Evidence?.ToRow(), ct);
            if (decision == Contributions.Decision.NotFound) return NotFound(reference);
            if (decision == Contributions.Decision.AlreadyDecided) return AlreadyDecided(reference);
            versions.Observe(version);
            return TypedResults.Ok(new ContributionDecided(reference, "accepted", version));
        }
        catch (ContributionException e) { return ApiProblems.Invalid(e.Errors, "The contribution cannot be accepted as it is"); }
    }

    static ProblemHttpResult AlreadyDecided(string reference) => TypedResults.Problem(statusCode: 409, title: "Already decided",
        detail: $"Contribution {ModelQuery.Clip(reference)} was accepted or rejected already (GET /api/contributions/{ModelQuery.Clip(reference)}).");

    static async Task<Results<Ok<ContributionDecided>, ProblemHttpResult>> Reject(HttpContext http, Contributions contributions, string reference, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<RejectBody>(http.Request, MaxBody);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(body!.Reason)) return ApiProblems.BadParameter("reason", "is required: say why, for the contributor");
        if (body.Reason.Length > 2000) return ApiProblems.BadParameter("reason", "must be at most 2,000 characters");
        var decision = await contributions.RejectAsync(reference, (string)http.Items[RequireApiKey.ActorItem]!, body.Reason, ct);
        return decision switch
        {
            Contributions.Decision.NotFound => NotFound(reference),
            Contributions.Decision.AlreadyDecided => AlreadyDecided(reference),
            _ => TypedResults.Ok(new ContributionDecided(reference, "rejected", null)),
        };
    }
}
