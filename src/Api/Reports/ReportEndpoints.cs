using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Cradle.Api.Infrastructure;
using Cradle.Api.Scenarios;
using Cradle.Core.Case;
using Cradle.Core.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Cradle.Api.Model;

namespace Cradle.Api.Reports;

/// <summary>
/// The query of a report: the scenario as the viewer keeps it in its URL, and the indicative benefit.
/// scenario: teams separated by ';', each "codes|capacity|annual cost|name" (codes separated by ',';
/// capacity, cost and name may be left empty for the defaults). close: register team ids, separated by ','.
/// </summary>
public sealed record ReportQuery(
    [FromQuery(Name = "scenario")] string? Scenario,
    [FromQuery(Name = "close")] string? Close,
    [FromQuery(Name = "benefit_per_family_low")] string? BenefitLow,
    [FromQuery(Name = "benefit_per_family_central")] string? BenefitCentral,
    [FromQuery(Name = "benefit_per_family_high")] string? BenefitHigh,
    [FromQuery(Name = "option2")] string? Option2 = null,
    [FromQuery(Name = "option3")] string? Option3 = null,
    [FromQuery(Name = "option_names")] string? OptionNames = null) : IQueryParameters
{
    (ReportScenario? Scenario, BenefitParameters? Benefit, ProblemHttpResult? Problem)? _parsed;

    (ReportScenario? Scenario, BenefitParameters? Benefit, ProblemHttpResult? Problem) Parsed => _parsed ??= Parse();

    public ProblemHttpResult? Check() => Parsed.Problem;
    public ReportScenario ScenarioGiven => Parsed.Scenario!;
    public BenefitParameters Benefit => Parsed.Benefit!;

    (ReportScenario?, BenefitParameters?, ProblemHttpResult?) Parse()
    {
        var (benefit, bp) = ModelQuery.ParseBenefit(BenefitLow, BenefitCentral, BenefitHigh);
        if (bp is not null) return (null, null, bp);
        var (teams, problem) = Teams("scenario", Scenario);
        if (problem is not null) return (null, null, problem);
        var more = new List<IReadOnlyList<ScenarioTeam>>();
        foreach (var (param, value) in new[] { ("option2", Option2), ("option3", Option3) })
        {
            if (value is null) continue;
            if (Scenario is null) return (null, null, ApiProblems.BadParameter(param, "compares with scenario: give scenario too"));
            var (option, bad) = Teams(param, value);
            if (bad is not null) return (null, null, bad);
            if (option.Count == 0) return (null, null, ApiProblems.BadParameter(param, "has no teams"));
            more.Add(option);
        }
        var names = (OptionNames ?? "").Split('|').Select(n => n.Trim()).ToList();
        if (OptionNames is not null && (names.Count > 3 || names.Any(n => n.Length > 80)))
            return (null, null, ApiProblems.BadParameter("option_names", "at most three names separated by '|', each at most 80 characters"));
        var close = new List<string>();
        if (Close is not null)
        {
            close = Close.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
            if (close.Count == 0 || close.Count > 100 || close.Any(id => !Cradle.Core.Register.TeamValidator.IsId(id)))
                return (null, null, ApiProblems.BadParameter("close", $"'{ModelQuery.Clip(Close)}' is not a list of 1 to 100 register team ids separated by ','"));
        }
        return (new ReportScenario(teams, close) { MoreOptions = more, OptionNames = OptionNames is null ? [] : names }, benefit, null);
    }

    /// <summary>Teams as the viewer keeps them in its URL: codes|capacity|annual cost|name, separated by ';'.</summary>
    static (List<ScenarioTeam> Teams, ProblemHttpResult? Problem) Teams(string param, string? value)
    {
        var teams = new List<ScenarioTeam>();
        if (value is null) return (teams, null);
        if (value.Length > 20_000) return (teams, ApiProblems.BadParameter(param, "is longer than 20,000 characters"));
        var parts = value.Split(';');
        if (parts.Length > 50) return (teams, ApiProblems.BadParameter(param, "at most 50 teams"));
        for (int k = 0; k < parts.Length; k++)
        {
            var fields = parts[k].Split('|');
            string Bad(string what) => $"team {k + 1} ('{ModelQuery.Clip(parts[k])}'): {what}; give codes|capacity|annual cost|name, codes separated by ','";
            if (fields.Length > 4) return (teams, ApiProblems.BadParameter(param, Bad("more than four fields")));
            var codes = fields[0].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (codes.Length == 0) return (teams, ApiProblems.BadParameter(param, Bad("no area codes")));
            if (codes.FirstOrDefault(c => !ModelQuery.IsCode(c)) is { } bad) return (teams, ApiProblems.BadParameter(param, Bad($"'{ModelQuery.Clip(bad)}' is not an area code")));
            double? Number(int i)
            {
                if (fields.Length <= i || fields[i].Trim().Length == 0) return null;
                return double.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : double.NaN;
            }
            var capacity = Number(1);
            if (capacity is double.NaN) return (teams, ApiProblems.BadParameter(param, Bad($"capacity '{ModelQuery.Clip(fields[1])}' is not a number")));
            var cost = Number(2);
            if (cost is double.NaN) return (teams, ApiProblems.BadParameter(param, Bad($"annual cost '{ModelQuery.Clip(fields[2])}' is not a number")));
            teams.Add(new ScenarioTeam(fields.Length > 3 && fields[3].Trim().Length > 0 ? fields[3].Trim() : null, codes, capacity, cost));
        }
        return (teams, null);
    }
}

public static class ReportEndpoints
{
    public static void MapReports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/reports").WithTags("Reports");
        var levels = string.Join(", ", AreaLevels.Ids(l => l.Reports));
        const string Query = "The model parameters as for /api/areas; scenario: new teams separated by ';', each 'codes|capacity|annual cost|name' (codes separated by ','; empty fields take the defaults), e.g. scenario=E08000024|150|157000; close: register team ids separated by ','; benefit_per_family_low, _central, _high: the indicative lifetime benefit per family (GBP; defaults and sources in GET /api/model).";
        group.MapGet("/{level}/{code}.pdf", Pdf).Query(typeof(ReportQuery), typeof(ModelQueryParameters)).ProducesProblem(404)
            .Produces(200, contentType: "application/pdf")
            .WithSummary("The case for change for an area, as a PDF for a board paper (A4, fonts embedded, text selectable)")
            .WithDescription($"level: {levels}. " + Query);
        group.MapGet("/{level}/{code}.docx", Docx).Query(typeof(ReportQuery), typeof(ModelQueryParameters)).ProducesProblem(404)
            .Produces(200, contentType: ReportDocx.MediaType)
            .WithSummary("The same report as a Word document, for board papers (headings, tables, the map as a picture)")
            .WithDescription($"level: {levels}. " + Query);
        group.MapGet("/best-start/{code}.pdf", BestStartPdf).Query(typeof(ReportQuery), typeof(ModelQueryParameters)).ProducesProblem(404)
            .Produces(200, contentType: "application/pdf")
            .WithSummary("The parent-infant section of an upper-tier council's Best Start local plan: need, provision, gaps and priced options, as a PDF")
            .WithDescription("code: an upper-tier council (county or unitary). The model parameters as for /api/areas.");
        group.MapGet("/best-start/{code}.docx", BestStartDocx).Query(typeof(ReportQuery), typeof(ModelQueryParameters)).ProducesProblem(404)
            .Produces(200, contentType: ReportDocx.MediaType)
            .WithSummary("The Best Start local plan section as a Word document")
            .WithDescription("code: an upper-tier council (county or unitary). The model parameters as for /api/areas.");
        group.MapGet("/best-start/{code}.html", BestStartHtml).Query(typeof(ReportQuery), typeof(ModelQueryParameters)).ProducesProblem(404)
            .Produces(200, contentType: "text/html")
            .WithSummary("The Best Start local plan section as printable HTML")
            .WithDescription("code: an upper-tier council (county or unitary). The model parameters as for /api/areas.");
        group.MapGet("/{level}/{code}.html", Html).Query(typeof(ReportQuery), typeof(ModelQueryParameters)).ProducesProblem(404)
            .Produces(200, contentType: "text/html")
            .WithSummary("The same report as printable HTML, for pasting into documents")
            .WithDescription($"level: {levels}. " + Query);
    }

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Pdf([AsParameters] ReportQuery q, [AsParameters] ModelQueryParameters m,
        ModelStore store, NpgsqlDataSource db, string level, string code, CancellationToken ct) =>
        AsPdf(await Build(q, m, store, db, level, code, ct), $"cradle-{level}-{code}");

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Docx([AsParameters] ReportQuery q, [AsParameters] ModelQueryParameters m,
        ModelStore store, NpgsqlDataSource db, string level, string code, CancellationToken ct) =>
        AsDocx(await Build(q, m, store, db, level, code, ct), $"cradle-{level}-{code}");

    static async Task<Results<ContentHttpResult, ProblemHttpResult>> Html([AsParameters] ReportQuery q, [AsParameters] ModelQueryParameters m,
        ModelStore store, NpgsqlDataSource db, string level, string code, CancellationToken ct) =>
        AsHtml(await Build(q, m, store, db, level, code, ct));

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> BestStartPdf([AsParameters] ReportQuery q, [AsParameters] ModelQueryParameters m,
        ModelStore store, NpgsqlDataSource db, string code, CancellationToken ct) =>
        AsPdf(await BestStart(q, m, store, db, code, ct), $"cradle-best-start-{code}");

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> BestStartDocx([AsParameters] ReportQuery q, [AsParameters] ModelQueryParameters m,
        ModelStore store, NpgsqlDataSource db, string code, CancellationToken ct) =>
        AsDocx(await BestStart(q, m, store, db, code, ct), $"cradle-best-start-{code}");

    static async Task<Results<ContentHttpResult, ProblemHttpResult>> BestStartHtml([AsParameters] ReportQuery q, [AsParameters] ModelQueryParameters m,
        ModelStore store, NpgsqlDataSource db, string code, CancellationToken ct) =>
        AsHtml(await BestStart(q, m, store, db, code, ct));

    // One rendering per format, for every report. Each document is built whole in memory, then sent:
    // a failure while drawing is a 500 problem, never half a document.
    static Results<FileContentHttpResult, ProblemHttpResult> AsPdf((ReportDocument? Doc, ProblemHttpResult? Problem) built, string file) =>
        built.Problem is { } problem ? problem : TypedResults.File(ReportPdf.Render(built.Doc!, DateTime.UtcNow), "application/pdf", file + ".pdf");

    static Results<FileContentHttpResult, ProblemHttpResult> AsDocx((ReportDocument? Doc, ProblemHttpResult? Problem) built, string file) =>
        built.Problem is { } problem ? problem : TypedResults.File(ReportDocx.Render(built.Doc!), ReportDocx.MediaType, file + ".docx");

    static Results<ContentHttpResult, ProblemHttpResult> AsHtml((ReportDocument? Doc, ProblemHttpResult? Problem) built) =>
        built.Problem is { } problem ? problem : TypedResults.Text(ReportHtml.Render(built.Doc!), "text/html; charset=utf-8", Encoding.UTF8);

    static async Task<(ReportDocument?, ProblemHttpResult?)> BestStart(ReportQuery q, ModelQueryParameters m, ModelStore store, NpgsqlDataSource db,
        string code, CancellationToken ct)
    {
        var (s, problem) = await LevelParameter.AreaAsync(store, "utla", code, _ => true, ct);
        if (problem is not null) return (null, problem);
        // The section prices its own options; a scenario would be silently ignored.
        if (!q.ScenarioGiven.IsEmpty) return (null, ApiProblems.BadParameter(q.Scenario is not null ? "scenario" : "close", "the Best Start section prices its own options; use /reports/utla/{code} for a scenario"));
        return (await BestStartReport.BuildAsync(store, db, s!, m.Parameters, q.Benefit, code, ct), null);
    }

    static async Task<(ReportDocument?, ProblemHttpResult?)> Build(ReportQuery q, ModelQueryParameters m, ModelStore store, NpgsqlDataSource db,
        string level, string code, CancellationToken ct)
    {
        var (s, problem) = await LevelParameter.AreaAsync(store, level, code, l => l.Reports, ct);
        if (problem is not null) return (null, problem);
        var (doc, errors) = await CaseReport.BuildAsync(store, db, s!, m.Parameters, q.Benefit, level, code, q.ScenarioGiven, ct);
        if (errors is not null)
        {
            // Name the query parameter: the scenario's teams, or close.
            var named = errors.GroupBy(e => e.Key.StartsWith("teams") ? "scenario" : e.Key)
                .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value.Select(v => e.Key.StartsWith("teams[") ? $"team {int.Parse(e.Key[6..e.Key.IndexOf(']')]) + 1} {e.Key[(e.Key.IndexOf(']') + 2)..]}: {v}" : v)).ToArray());
            return (null, ApiProblems.Invalid(named, "Invalid scenario"));
        }
        return (doc, null);
    }
}
