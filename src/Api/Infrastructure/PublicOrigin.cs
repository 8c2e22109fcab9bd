namespace Cradle.Api.Infrastructure;

/// <summary>
/// Where absolute links (TileJSON, OGC, the style, feeds, releases) start: Cradle:PublicOrigin when
/// configured, else the request's scheme and host, which host filtering has already checked
/// against AllowedHosts (and a forwarded host comes only from a trusted proxy).
/// </summary>
public sealed record PublicOrigin(Uri? Configured)
{
    public string Of(HttpRequest r) => Configured is { } u ? u.GetLeftPart(UriPartial.Path).TrimEnd('/') : $"{r.Scheme}://{r.Host}{r.PathBase}";
}

public static class PublicOriginExtensions
{
    /// <summary>The origin (and base path) this request's absolute links start with.</summary>
    public static string PublicBase(this HttpRequest r) => r.HttpContext.RequestServices.GetRequiredService<PublicOrigin>().Of(r);
}

public static class AllowedHostCheck
{
    /// <summary>
    /// Refuses a request whose Host (after a trusted proxy's X-Forwarded-Host) is not one of the
    /// allowed patterns, with the framework's matcher, as problem+json: a host no one configured
    /// never reaches an absolute link.
    /// </summary>
    public static IApplicationBuilder UseRequireAllowedHost(this IApplicationBuilder app, IReadOnlyList<string> allowed)
    {
        if (allowed.Contains("*")) return app;
        var patterns = allowed.Select(h => new Microsoft.Extensions.Primitives.StringSegment(h)).ToList();
        return app.Use((context, next) =>
        {
            var host = context.Request.Host;
            // HTTP/1.0 may send no Host: links then fall back to Kestrel's address, not a client's choice.
            if (!host.HasValue || HostString.MatchesAny(new Microsoft.Extensions.Primitives.StringSegment(host.Host), patterns)) return next(context);
            return ApiProblems.BadParameter("Host", $"'{ModelQuery.Clip(host.Host)}' is not a host this server answers for (AllowedHosts, Cradle:PublicOrigin)")
                .ExecuteAsync(context);
        });
    }
}
