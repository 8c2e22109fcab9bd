using System.Security.Cryptography;
using System.Text;

namespace Cradle.Api.Infrastructure;

/// <summary>
/// Bearer API keys for writes. Only SHA-256 hashes are stored (a file of `name:hex` lines named by
/// CRADLE_API_KEYS_FILE, or configuration Cradle:ApiKeyHashes:name); a presented key is hashed
/// and compared in constant time. `cradle keys add NAME` makes a key.
/// </summary>
public sealed class ApiKeys
{
    readonly List<(string Name, byte[] Hash)> _keys = [];

    public ApiKeys(IConfiguration config)
    {
        var file = config["CRADLE_API_KEYS_FILE"] ?? config["Cradle:ApiKeysFile"];
        if (file is { Length: > 0 } && File.Exists(file))
            foreach (var line in File.ReadAllLines(file))
                if (Parse(line) is { } k) _keys.Add(k);
        foreach (var entry in config.GetSection("Cradle:ApiKeyHashes").GetChildren())
            if (Parse($"{entry.Key}:{entry.Value}") is { } k) _keys.Add(k);
    }

    public int Count => _keys.Count;

    static (string, byte[])? Parse(string line)
    {
        line = line.Trim();
        if (line.Length == 0 || line.StartsWith('#')) return null;
        var parts = line.Split(':', 2);
        if (parts.Length != 2 || parts[1].Trim().Length != 64) return null;
        try { return (parts[0].Trim(), Convert.FromHexString(parts[1].Trim())); }
        catch (FormatException) { return null; }
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string NewKey() => "crd_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The name of the key presented, or null. Every stored hash is compared, in constant time.</summary>
    public string? Authenticate(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 200) return null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? name = null;
        foreach (var (n, h) in _keys)
            if (CryptographicOperations.FixedTimeEquals(hash, h)) name ??= n;
        return name;
    }
}

/// <summary>
/// Failed key attempts per client address: after <see cref="Limit"/> in a minute, writes from
/// that address get 429 until the minute is over, so keys cannot be guessed at speed.
/// </summary>
public sealed class FailedAuthLimiter
{
    public const int Limit = 10;
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Minute, int Count)> _failures = new();

    static long Minute => Environment.TickCount64 / 60_000;

    public bool Blocked(string client) => _failures.TryGetValue(client, out var f) && f.Minute == Minute && f.Count >= Limit;

    public void Fail(string client)
    {
        var minute = Minute;
        _failures.AddOrUpdate(client, (minute, 1), (_, f) => f.Minute == minute ? (minute, f.Count + 1) : (minute, 1));
        if (_failures.Count > 10_000) foreach (var k in _failures.Where(x => x.Value.Minute != minute).Select(x => x.Key).ToList()) _failures.TryRemove(k, out _);
    }
}

/// <summary>401 without a valid bearer key; the key's name becomes the actor in the audit trail.</summary>
public sealed class RequireApiKey : IEndpointFilter
{
    public const string ActorItem = "cradle.actor";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var limiter = http.RequestServices.GetRequiredService<FailedAuthLimiter>();
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var header = http.Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var name = http.RequestServices.GetRequiredService<ApiKeys>().Authenticate(key);
        // A valid key always works: guessing from one address must not lock out the editors there.
        if (name is null && limiter.Blocked(client))
        {
            http.Response.Headers.RetryAfter = "60";
            return TypedResults.Problem(statusCode: 429, title: "Too many failed attempts",
                detail: $"More than {FailedAuthLimiter.Limit} writes with a missing or wrong key from this address in a minute; wait a minute.");
        }
        if (name is null)
        {
            limiter.Fail(client);
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"cradle\"";
            return TypedResults.Problem(statusCode: 401, title: "Unauthorized",
                detail: key is null ? "Writes need an API key: send `Authorization: Bearer <key>`." : "The API key is not valid.");
        }
        http.Items[ActorItem] = "key:" + name;
        return await next(context);
    }
}
