using System.Globalization;
using System.Text.RegularExpressions;

namespace Cradle.Geo.Register;

/// <summary>
/// One specialised parent-infant relationship team as the register holds it. Service areas are
/// codes: LAD 2024 (E06–E09), electoral ward 2024 (E05) or LSOA 2021 (E01), for part-area teams.
/// </summary>
public sealed record Team(
    string Id,
    string Name,
    string? Provider,
    string Status,
    DateOnly? Started,
    DateOnly? Ended,
    double? CapacityFamiliesPerYear,
    double? AnnualCostGbp,
    IReadOnlyList<string> ServiceAreas,
    string? AreaNote,
    double? BaseLon,
    double? BaseLat,
    string? SourceUrl,
    DateOnly? LastVerified,
    string? Notes)
{
    public static readonly string[] Statuses = ["active", "closed", "unknown"];
    public bool IsActive => Status == "active";
}

/// <summary>The codes that exist, so that a team's service area can be checked.</summary>
public sealed record KnownCodes(IReadOnlySet<string> Lads, IReadOnlySet<string> Wards, IReadOnlySet<string> Lsoas);

/// <summary>Checks a team before it is stored: field name → what is wrong (empty when valid).</summary>
public static partial class TeamValidator
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$")]
    private static partial Regex IdPattern();

    // England in lon/lat, generously.
    const double MinLon = -6.5, MaxLon = 2.0, MinLat = 49.8, MaxLat = 55.9;

    public static Dictionary<string, string[]> Validate(Team t, KnownCodes codes, DateOnly today)
    {
        var e = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!e.TryGetValue(field, out var list)) e[field] = list = [];
            list.Add(message);
        }

        if (!IdPattern().IsMatch(t.Id ?? "")) Add("id", "must be 2–63 lower-case letters, digits or hyphens, starting with a letter or digit");
        if (string.IsNullOrWhiteSpace(t.Name)) Add("name", "is required");
        else if (t.Name.Length > 200) Add("name", "must be at most 200 characters");
        if (t.Provider?.Length > 200) Add("provider", "must be at most 200 characters");
        if (!Team.Statuses.Contains(t.Status)) Add("status", $"must be one of {string.Join(", ", Team.Statuses)}");
        if (t.Started is { } s && t.Ended is { } en && en < s) Add("ended", "must not be before started");
        if (t.Started > today) Add("started", "is in the future");
        if (t.CapacityFamiliesPerYear is { } c && (!double.IsFinite(c) || c < 0 || c > 100_000)) Add("capacity_families_per_year", "must be between 0 and 100,000");
        if (t.AnnualCostGbp is { } a && (!double.IsFinite(a) || a < 0 || a > 1e9)) Add("annual_cost_gbp", "must be between 0 and 1,000,000,000");
        if (t.ServiceAreas is null || t.ServiceAreas.Count == 0) Add("service_areas", "at least one LAD, ward or LSOA code is required");
        else
        {
            if (t.ServiceAreas.Count > 5000) Add("service_areas", "at most 5,000 codes");
            foreach (var code in t.ServiceAreas.Take(5000))
                if (!Exists(code, codes)) Add("service_areas", $"'{Clip(code)}' is not an English LAD 2024, ward 2024 or LSOA 2021 code");
            if (t.ServiceAreas.Distinct().Count() != t.ServiceAreas.Count) Add("service_areas", "a code is listed twice");
        }
        if (t.AreaNote?.Length > 2000) Add("area_note", "must be at most 2,000 characters");
        if ((t.BaseLon is null) != (t.BaseLat is null)) Add("base_lon", "give both base_lon and base_lat, or neither");
        if (t.BaseLon is { } lon && (!double.IsFinite(lon) || lon < MinLon || lon > MaxLon)) Add("base_lon", "must be a longitude in England (WGS 84)");
        if (t.BaseLat is { } lat && (!double.IsFinite(lat) || lat < MinLat || lat > MaxLat)) Add("base_lat", "must be a latitude in England (WGS 84)");
        if (t.SourceUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") || url.Length > 2000))
            Add("source_url", "must be an http or https address");
        if (t.LastVerified > today) Add("last_verified", "is in the future");
        if (t.Notes?.Length > 4000) Add("notes", "must be at most 4,000 characters");
        return e.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
    }

    static bool Exists(string code, KnownCodes codes) => code switch
    {
        _ when code.StartsWith("E01") => codes.Lsoas.Contains(code),
        _ when code.StartsWith("E05") => codes.Wards.Contains(code),
        _ => codes.Lads.Contains(code),
    };

    static string Clip(string s) => s.Length <= 20 ? s : s[..20] + "…";
}

/// <summary>The register's CSV form (data/teams/teams.csv): one team a row, service areas separated by ';'.</summary>
public static class TeamCsv
{
    public static readonly string[] Columns =
    [
        "id", "name", "provider", "status", "started", "ended", "capacity_families_per_year", "annual_cost_gbp",
        "service_areas", "area_note", "base_lon", "base_lat", "source_url", "last_verified", "notes",
    ];

    public static string Write(IEnumerable<Team> teams)
    {
        var sb = new System.Text.StringBuilder();
        CsvWriter.Row(sb, Columns);
        foreach (var t in teams)
            CsvWriter.Row(sb, [t.Id, t.Name, t.Provider, t.Status, t.Started, t.Ended, t.CapacityFamiliesPerYear, t.AnnualCostGbp,
                string.Join(';', t.ServiceAreas), t.AreaNote, t.BaseLon, t.BaseLat, t.SourceUrl, t.LastVerified, t.Notes]);
        return sb.ToString();
    }

    /// <summary>Parses the CSV; a malformed value names its line and column.</summary>
    public static List<(string Where, Team Team)> Read(string path)
    {
        using var csv = new Sources.CsvFile(path);
        var index = Columns.ToDictionary(c => c, c => csv.Columns.ToList().FindIndex(h => Sources.HeaderMatch.Normalise(h) == c));
        var missing = index.Where(kv => kv.Value < 0 && kv.Key is "id" or "name" or "status" or "service_areas").Select(kv => kv.Key).ToList();
        if (missing.Count > 0) throw new DataFileException(path, "header", $"missing column(s) {string.Join(", ", missing)}");
        var teams = new List<(string, Team)>();
        foreach (var r in csv.Records())
        {
            string? Cell(string c) => index[c] >= 0 && r.Cells[index[c]] is { Length: > 0 } s ? s.Trim() : null;
            double? Number(string c)
            {
                var s = Cell(c);
                if (s is null) return null;
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
                    : throw new DataFileException(path, $"{r.Where}, column '{c}'", $"'{s}' is not a number");
            }
            DateOnly? Date(string c)
            {
                var s = Cell(c);
                if (s is null) return null;
                return DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
                    : throw new DataFileException(path, $"{r.Where}, column '{c}'", $"'{s}' is not a date (yyyy-mm-dd)");
            }
            teams.Add((r.Where, new Team(Cell("id") ?? "", Cell("name") ?? "", Cell("provider"), Cell("status") ?? "", Date("started"), Date("ended"),
                Number("capacity_families_per_year"), Number("annual_cost_gbp"),
                (Cell("service_areas") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Cell("area_note"), Number("base_lon"), Number("base_lat"), Cell("source_url"), Date("last_verified"), Cell("notes"))));
        }
        return teams;
    }
}
