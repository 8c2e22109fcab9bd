using System.Globalization;
using System.Reflection;
using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Cradle.Api.Model;

namespace Cradle.Api.Infrastructure;

/// <summary>
/// Query parameters bound as a record ([AsParameters]) that checks itself. Values arrive as text
/// so that a bad one gets Cradle's own message naming the parameter, not the framework's.
/// </summary>
public interface IQueryParameters
{
    /// <summary>The first problem with the values given, or null.</summary>
    ProblemHttpResult? Check();
}

/// <summary>The one validation step: any [AsParameters] argument that checks itself is checked before the handler runs.</summary>
public sealed class ValidateQuery : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
            if (argument is IQueryParameters q && q.Check() is { } problem) return problem;
        return await next(context);
    }
}

public static class QueryParameterExtensions
{
    /// <summary>The query names a parameter record binds, from its [FromQuery] attributes.</summary>
    public static string[] NamesOf(Type record) => record.GetConstructors().Single().GetParameters()
        .Select(p => p.GetCustomAttribute<FromQueryAttribute>()?.Name ?? p.Name!).ToArray();

    /// <summary>Allows exactly the query names of these parameter records (and any extra names), and checks them.</summary>
    public static RouteHandlerBuilder Query(this RouteHandlerBuilder b, params Type[] records) =>
        b.AllowQuery(records.SelectMany(NamesOf).ToArray()).AddEndpointFilter<ValidateQuery>().ProducesProblem(400);

    public static bool IsWholeNumber(string s, int min, int max, out int n) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out n) && n >= min && n <= max;
}

/// <summary>The model's parameters as every model endpoint takes them in its query string.</summary>
public sealed record ModelQueryParameters(
    [FromQuery(Name = "need_model")] string? NeedModel,
    [FromQuery(Name = "gradient")] string? Gradient,
    [FromQuery(Name = "need_weight")] string? NeedWeight,
    [FromQuery(Name = "deprivation")] string? Deprivation,
    [FromQuery(Name = "population")] string? Population,
    [FromQuery(Name = "uncertain_teams")] string? UncertainTeams,
    [FromQuery(Name = "evidence_max_age_years")] string? EvidenceMaxAgeYears,
    [FromQuery(Name = "risk_odds_ratio")] string? RiskOddsRatio) : IQueryParameters
{
    (ModelParameters? Parameters, ProblemHttpResult? Problem)? _parsed;

    (ModelParameters? Parameters, ProblemHttpResult? Problem) Parsed =>
        _parsed ??= ModelQuery.Parse(new ModelQuery.Given(NeedModel, Gradient, Deprivation, Population, NeedWeight, UncertainTeams, EvidenceMaxAgeYears, RiskOddsRatio));

    public ProblemHttpResult? Check() => Parsed.Problem;

    /// <summary>The parameters, once <see cref="Check"/> has passed.</summary>
    public ModelParameters Parameters => Parsed.Parameters!;
}

/// <summary>A level of the catalog named in a query (level=…), with the levels an endpoint allows.</summary>
public static class LevelParameter
{
    /// <summary>
    /// An area named in a route (/maps/{level}/{code}.png, /reports/{level}/{code}.pdf): a level
    /// that allows it, a well-formed code, and an area of that level in England; else the problem (400 or 404).
    /// </summary>
    public static async Task<(ModelSnapshot? Snapshot, ProblemHttpResult? Problem)> AreaAsync(ModelStore store, string level, string code,
        Func<AreaLevel, bool> allowed, CancellationToken ct)
    {
        if (Check(level, allowed) is { } bad) return (null, bad);
        if (!ModelQuery.IsCode(code)) return (null, ApiProblems.BadParameter("code", $"'{ModelQuery.Clip(code)}' is not an area code"));
        var s = await store.SnapshotAsync(ct);
        return s.Levels[level].Index.ContainsKey(code) ? (s, null)
            : (null, ApiProblems.NotFound("area", $"No {AreaLevels.Get(level).Singular.ToLowerInvariant()} in England has code {code}."));
    }

    public static ProblemHttpResult? Check(string? value, Func<AreaLevel, bool> allowed, string name = "level")
    {
        if (value is null) return null;
        return AreaLevels.TryGet(value, out var l) && allowed(l) ? null
            : ApiProblems.BadParameter(name, $"'{ModelQuery.Clip(value)}' is not one of {string.Join(", ", AreaLevels.Ids(allowed))}");
    }
}

/// <summary>
/// Which vintage of a dated level (ICBs: April 2026, April 2024) an answer uses: the one in force today by default,
/// the one in force on as_of=YYYY-MM-DD, or the one named by icb_vintage=2024-04.
/// </summary>
public sealed record VintageQuery(
    [FromQuery(Name = "as_of")] string? AsOf,
    [FromQuery(Name = "icb_vintage")] string? IcbVintage) : IQueryParameters
{
    public bool Given => AsOf is not null || IcbVintage is not null;

    public ProblemHttpResult? Check()
    {
        if (AsOf is not null && IcbVintage is not null) return ApiProblems.BadParameter("icb_vintage", "give as_of or icb_vintage, not both");
        if (AsOf is not null)
        {
            if (!DateOnly.TryParseExact(AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                return ApiProblems.BadParameter("as_of", $"'{ModelQuery.Clip(AsOf)}' is not a date (yyyy-mm-dd)");
            if (AreaLevels.InForce("icb", day) is null)
                return ApiProblems.BadParameter("as_of", $"{AsOf} is before the data: the ICBs held are {Held()}");
        }
        if (IcbVintage is not null && !AreaLevels.Vintages("icb").Any(l => l.Vintage == IcbVintage))
            return ApiProblems.BadParameter("icb_vintage", $"'{ModelQuery.Clip(IcbVintage)}' is not a vintage held: {Held()}");
        return null;
    }

    static string Held() => string.Join("; ", AreaLevels.Vintages("icb").Select(l =>
        $"{l.Vintage} ({l.InForceFrom:yyyy-MM-dd} to {(l.InForceTo is { } to ? to.ToString("yyyy-MM-dd") : "today")})"));

    /// <summary>The level to answer with: a dated level's vintage as asked (or in force today), any other level as it is.</summary>
    public string Resolve(string level, DateOnly today)
    {
        var spec = AreaLevels.Get(level);
        if (spec.InForceFrom is null) return level;
        if (IcbVintage is not null) return AreaLevels.Vintages(level).Single(l => l.Vintage == IcbVintage).Id;
        // The level named as such (icb): the vintage in force on the day asked, or today; an earlier vintage named by id (icb2024): itself.
        if (AsOf is null && spec.VintageOf is not null) return level;
        var day = AsOf is not null ? DateOnly.ParseExact(AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture) : today;
        return AreaLevels.InForce(level, day)?.Id ?? level;
    }
}
