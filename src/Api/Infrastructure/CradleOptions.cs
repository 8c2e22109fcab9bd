using System.Net;
using Microsoft.Extensions.Options;

namespace Cradle.Api.Infrastructure;

/// <summary>
/// Cradle's own settings, the "Cradle" section of the configuration (appsettings.json, or
/// environment variables such as <c>Cradle__TileCacheMB</c>), written down once with their
/// defaults and checked once (<see cref="CradleOptionsValidator"/>): a bad value stops the server at
/// start with a message naming the setting, not at the first request that needs it.
/// </summary>
public sealed class CradleOptions
{
    public const string Section = "Cradle";

    /// <summary>Contributions a minute from one client address.</summary>
    public int ContributionsPerMinute { get; set; } = 10;

    /// <summary>Origins allowed to read cross-origin, comma-separated (same origin always works).</summary>
    public string CorsOrigins { get; set; } = "";

    /// <summary>Proxy addresses whose X-Forwarded-* headers are believed, comma-separated (those on this machine always are).</summary>
    public string TrustedProxies { get; set; } = "";

    /// <summary>Where every absolute link starts (e.g. https://cradle.example.org); empty: the request's own, allowed, host.</summary>
    public string PublicOrigin { get; set; } = "";

    /// <summary>The in-process tile cache, megabytes; 0 turns it off.</summary>
    public double TileCacheMB { get; set; } = 256;

    /// <summary>The viewer's built files; empty: src/Web/dist of the checkout.</summary>
    public string WebRoot { get; set; } = "";

    /// <summary>An optional basemap's tile URL template ({z}/{x}/{y}); empty: none, so the viewer works offline.</summary>
    public string BasemapUrl { get; set; } = "";

    /// <summary>The API keys file (CRADLE_API_KEYS_FILE wins, as the command line reads it).</summary>
    public string ApiKeysFile { get; set; } = "";

    /// <summary>Whether this process follows the data version, publishes tile figures and warms the tile cache in the
    /// background; off only for a server that answers from a snapshot it was given (the in-process tests).</summary>
    public bool BackgroundWork { get; set; } = true;

    /// <summary>Keys configured by name: the SHA-256 of each, in hex (as `cradle keys add` writes them).</summary>
    public Dictionary<string, string> ApiKeyHashes { get; set; } = [];

    public IReadOnlyList<string> CorsOriginList => Split(CorsOrigins, ',');

    public IReadOnlyList<IPAddress> TrustedProxyAddresses => Split(TrustedProxies, ',').Select(IPAddress.Parse).ToList();

    public Uri? PublicOriginUri => PublicOrigin.Length == 0 ? null : new Uri(PublicOrigin);

    internal static List<string> Split(string text, char by) => text.Split(by, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>The settings as configured, checked: the options, or every problem with them.</summary>
    public static (CradleOptions? Options, IReadOnlyList<string> Problems) Read(IConfiguration config)
    {
        var options = new CradleOptions();
        var problems = new List<string>();
        try { config.GetSection(Section).Bind(options); }
        catch (InvalidOperationException e) { problems.Add($"{Section}: {e.InnerException?.Message ?? e.Message}"); }
        if (problems.Count == 0) problems.AddRange(CradleOptionsValidator.Problems(options));
        return (problems.Count == 0 ? options : null, problems);
    }
}

/// <summary>Every rule a Cradle setting must meet, each failure naming the setting and the value.</summary>
public sealed class CradleOptionsValidator : IValidateOptions<CradleOptions>
{
    public ValidateOptionsResult Validate(string? name, CradleOptions options) =>
        Problems(options) is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;

    public static List<string> Problems(CradleOptions o)
    {
        var problems = new List<string>();
        if (o.ContributionsPerMinute is < 1 or > 10_000)
            problems.Add($"Cradle:ContributionsPerMinute: {o.ContributionsPerMinute} is not a whole number from 1 to 10,000");
        if (!double.IsFinite(o.TileCacheMB) || o.TileCacheMB < 0 || o.TileCacheMB > 65_536)
            problems.Add($"Cradle:TileCacheMB: {o.TileCacheMB} is not a number of megabytes from 0 (off) to 65,536");
        foreach (var proxy in CradleOptions.Split(o.TrustedProxies, ','))
            if (!IPAddress.TryParse(proxy, out _)) problems.Add($"Cradle:TrustedProxies: '{proxy}' is not an IP address");
        if (o.PublicOrigin.Length > 0 && (!Uri.TryCreate(o.PublicOrigin, UriKind.Absolute, out var origin) || origin.Scheme is not ("http" or "https")
            || origin.Query.Length > 0 || origin.Fragment.Length > 0))
            problems.Add($"Cradle:PublicOrigin: '{o.PublicOrigin}' is not an http or https address without a query (e.g. https://cradle.example.org)");
        foreach (var corsOrigin in o.CorsOriginList)
            if (!Uri.TryCreate(corsOrigin, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
                problems.Add($"Cradle:CorsOrigins: '{corsOrigin}' is not an http or https origin");
        foreach (var (name, hash) in o.ApiKeyHashes)
            if (hash.Length != 64 || !hash.All(Uri.IsHexDigit)) problems.Add($"Cradle:ApiKeyHashes:{name}: not a SHA-256 in hex (64 characters)");
        if (o.BasemapUrl.Length > 0 && !Uri.TryCreate(o.BasemapUrl.Replace("{z}", "0").Replace("{x}", "0").Replace("{y}", "0"), UriKind.Absolute, out _))
            problems.Add($"Cradle:BasemapUrl: '{o.BasemapUrl}' is not a tile URL template (https://…/{{z}}/{{x}}/{{y}}.png)");
        return problems;
    }
}
