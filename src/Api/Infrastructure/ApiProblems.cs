using Microsoft.AspNetCore.Http.HttpResults;

namespace Cradle.Api.Infrastructure;

/// <summary>RFC 9457 problems with the wording Cradle uses everywhere.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult BadParameter(string name, string problem) =>
        TypedResults.Problem(statusCode: 400, title: "Bad parameter", detail: $"{name}: {problem}",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [name] = [problem] } });

    public static ProblemHttpResult Invalid(Dictionary<string, string[]> errors, string title = "Invalid request") =>
        TypedResults.Problem(statusCode: 400, title: title,
            detail: string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")),
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult NotFound(string what, string detail) =>
        TypedResults.Problem(statusCode: 404, title: $"Unknown {what}", detail: detail);
}

/// <summary>
/// 400 for any query parameter the endpoint does not know, as OGC API and ONS's API do: a typo
/// (levle=lad) must not silently return the default.
/// </summary>
public sealed class AllowedQuery(params string[] names) : IEndpointFilter
{
    readonly HashSet<string> _names = new(names, StringComparer.Ordinal);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var key in context.HttpContext.Request.Query.Keys)
            if (!_names.Contains(key))
                return ApiProblems.BadParameter(key, $"unknown parameter; this endpoint takes {(_names.Count == 0 ? "none" : string.Join(", ", _names.Order()))}");
        foreach (var (key, values) in context.HttpContext.Request.Query)
            if (values.Count > 1) return ApiProblems.BadParameter(key, "given more than once");
        return await next(context);
    }
}

public static class AllowedQueryExtensions
{
    /// <summary>Allows exactly these query names (and each once): anything else is a 400, which the document declares.</summary>
    public static RouteHandlerBuilder AllowQuery(this RouteHandlerBuilder b, params string[] names) => b.AddEndpointFilter(new AllowedQuery(names)).ProducesProblem(400);
}
