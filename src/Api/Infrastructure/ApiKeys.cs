using System.Security.Cryptography;
using System.Text;

namespace Cradle.Api.Infrastructure;

/// <summary>
/// Bearer API keys for writes. Only SHA-256 hashes are stored (the file named by
/// CRADLE_API_KEYS_FILE, see <see cref="ApiKeyFile"/>, or configuration Cradle:ApiKeyHashes:name);
/// a presented key is hashed and compared in constant time. The file is read again whenever it
/// changes, so `cradle keys add` and `cradle keys revoke` take effect at once, without a restart.
/// </summary>
public sealed class ApiKeys
{
    readonly string? _file;
    readonly List<(string Name, byte[] Hash)> _configured = [];
    readonly Lock _lock = new();
    (DateTime Written, long Length)? _seen;
    bool _loaded;
    List<(string Name, byte[] Hash)> _current = [];

    public ApiKeys(IConfiguration config, Microsoft.Extensions.Options.IOptions<CradleOptions> options)
    {
        _file = (config["CRADLE_API_KEYS_FILE"] is { Length: > 0 } env ? env : options.Value.ApiKeysFile) is { Length: > 0 } f ? f : null;
        foreach (var (name, hash) in options.Value.ApiKeyHashes)
            if (ApiKeyFile.Parse($"{name}:{hash}") is { } k) _configured.Add((k.Name, Convert.FromHexString(k.Hash)));
    }

    public int Count => Current().Count;

    /// <summary>The keys now valid: the file's as it is now (re-read when its time or length changed), and the configured ones.</summary>
    List<(string Name, byte[] Hash)> Current()
    {
        if (_file is null) return _configured;
        var info = new FileInfo(_file);
        (DateTime, long)? stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
        lock (_lock)
        {
            if (!_loaded || !Equals(stamp, _seen))
            {
                _current = [.. ApiKeyFile.Read(_file).Select(k => (k.Name, Convert.FromHexString(k.Hash))), .. _configured];
                (_seen, _loaded) = (stamp, true);
            }
            return _current;
        }
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string NewKey() => "crd_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The name of the key presented, or null. Every stored hash is compared, in constant time.</summary>
    public string? Authenticate(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 200) return null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? name = null;
        foreach (var (n, h) in Current())
            if (CryptographicOperations.FixedTimeEquals(hash, h)) name ??= n;
        return name;
    }
}

/// <summary>
/// The keys' file: a line `name:sha256-hex` per key, each after a comment saying when it was
/// added. Written whole and renamed into place, so that a server never reads half a file.
/// </summary>
public static partial class ApiKeyFile
{
    public sealed record Entry(string Name, string Hash, string? Added);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_.@-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex NamePattern();

    public static bool IsName(string name) => NamePattern().IsMatch(name);

    public static Entry? Parse(string line)
    {
        line = line.Trim();
        if (line.Length == 0 || line.StartsWith('#')) return null;
        var parts = line.Split(':', 2);
        if (parts.Length != 2 || parts[1].Trim().Length != 64 || !parts[1].Trim().All(Uri.IsHexDigit)) return null;
        return new(parts[0].Trim(), parts[1].Trim().ToLowerInvariant(), null);
    }

    public static List<Entry> Read(string file)
    {
        if (!File.Exists(file)) return [];
        var entries = new List<Entry>();
        string? added = null;
        foreach (var line in ReadShared(file))
        {
            if (line.StartsWith("# added ")) { added = line[8..].Trim(); continue; }
            if (Parse(line) is { } e) entries.Add(e with { Added = added });
            added = null;
        }
        return entries;
    }

    // The server may read while `cradle keys` renames a new file into place.
    static string[] ReadShared(string file)
    {
        try { return File.ReadAllLines(file); }
        catch (IOException) { Thread.Sleep(20); return File.ReadAllLines(file); }
    }

    public static void Add(string file, string name, string hash)
    {
        var lines = File.Exists(file) ? File.ReadAllLines(file).ToList() : [];
        lines.Add($"# added {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}");
        lines.Add($"{name}:{hash}");
        Replace(file, lines);
    }

    /// <summary>Removes every key of that name; how many.</summary>
    public static int Revoke(string file, string name)
    {
        if (!File.Exists(file)) return 0;
        var kept = new List<string>();
        int removed = 0;
        string? pendingComment = null;
        foreach (var line in File.ReadAllLines(file))
        {
            if (line.StartsWith("# added ")) { if (pendingComment is not null) kept.Add(pendingComment); pendingComment = line; continue; }
            if (Parse(line) is { } e && e.Name == name) { removed++; pendingComment = null; continue; }
            if (pendingComment is not null) { kept.Add(pendingComment); pendingComment = null; }
            kept.Add(line);
        }
        if (pendingComment is not null) kept.Add(pendingComment);
        if (removed > 0) Replace(file, kept);
        return removed;
    }

    static void Replace(string file, List<string> lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var temp = file + ".tmp-" + Environment.ProcessId;
        File.WriteAllLines(temp, lines);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, file, overwrite: true);
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
