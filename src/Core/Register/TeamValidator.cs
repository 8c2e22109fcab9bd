using System.Text.RegularExpressions;

namespace Cradle.Core.Register;

/// <summary>Collects what is wrong, field by field.</summary>
public sealed class FieldErrors
{
    readonly Dictionary<string, List<string>> _errors = [];

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public int Count => _errors.Count;
    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
}

/// <summary>Checks a team before it is stored: field name → what is wrong (empty when valid).</summary>
public static partial class TeamValidator
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$")]
    private static partial Regex IdPattern();

    /// <summary>Whether text has the form of a team id (it may still not exist).</summary>
    public static bool IsId(string s) => IdPattern().IsMatch(s);

    static readonly HashSet<string> Reserved = ["summary", "changes", "changes.atom"];

    // England in lon/lat, generously.
    const double MinLon = -6.5, MaxLon = 2.0, MinLat = 49.8, MaxLat = 55.9;

    public static Dictionary<string, string[]> Validate(Team t, KnownCodes codes, DateOnly today)
    {
        var e = new FieldErrors();
        if (!IdPattern().IsMatch(t.Id ?? "")) e.Add("id", "must be 2–63 lower-case letters, digits or hyphens, starting with a letter or digit");
        // /api/teams/summary is an address of its own: a team so named could never be read.
        else if (Reserved.Contains(t.Id!)) e.Add("id", $"'{t.Id}' is reserved (it is an address under /api/teams)");
        if (string.IsNullOrWhiteSpace(t.Name)) e.Add("name", "is required");
        else if (t.Name.Length > 200) e.Add("name", "must be at most 200 characters");
        Length(e, "provider", t.Provider, 200);
        Length(e, "funder", t.Funder, 300);
        Length(e, "commissioner", t.Commissioner, 300);
        if (!Team.Statuses.Contains(t.Status)) e.Add("status", $"must be one of {string.Join(", ", Team.Statuses)}");
        if (!Team.DefinitionFits.Contains(t.DefinitionFit)) e.Add("definition_fit", $"must be one of {string.Join(", ", Team.DefinitionFits)}");

        // Dates: as precise as the source, never after today (a team being set up may give the start it plans).
        if (t.Started is { } s && s.Earliest > today && !t.IsInDevelopment) e.Add("started", $"{s} is in the future; only a team in development can have a planned start");
        if (t.Ended is { } en)
        {
            if (en.Earliest > today) e.Add("ended", $"{en} is in the future");
            if (t.Started is { } st && en.Latest < st.Earliest) e.Add("ended", $"{en} is before started ({st})");
            if (t.Status != "closed") e.Add("status", $"is '{t.Status}' but ended is {en}: a team that has ended is 'closed'");
        }
        if (t.SourceDate is null) e.Add("source_date", "is required: when the source said what this row says (yyyy, yyyy-mm or yyyy-mm-dd)");
        else if (t.SourceDate.Value.Earliest > today) e.Add("source_date", $"{t.SourceDate} is in the future");
        // The newest confirmation may predate the row's source: a later page can cast doubt (status unknown).
        if (t.LastConfirmed is { } lc && lc.Earliest > today) e.Add("last_confirmed", $"{lc} is in the future");
        if (t.LastChecked is null) e.Add("last_checked", "is required: the day someone last checked this row against its sources");
        else
        {
            if (t.LastChecked > today) e.Add("last_checked", $"{t.LastChecked:yyyy-MM-dd} is in the future");
            if (t.SourceDate is { } sd && t.LastChecked < sd.Earliest) e.Add("last_checked", $"{t.LastChecked:yyyy-MM-dd} is before the source's date ({sd})");
            if (t.LastConfirmed is { } lc2 && t.LastChecked < lc2.Earliest) e.Add("last_confirmed", $"{lc2} is after last_checked ({t.LastChecked:yyyy-MM-dd}): nobody had looked yet");
        }

        // Figures only where published, each with the page that publishes it.
        if (t.CapacityFamiliesPerYear is { } c)
        {
            if (!double.IsFinite(c) || c <= 0 || c > 100_000) e.Add("capacity_families_per_year", "must be a positive number of families a year, at most 100,000");
            if (t.CapacitySourceUrl is null) e.Add("capacity_source_url", "is required with capacity_families_per_year: the page that publishes the figure");
        }
        else if (t.CapacitySourceUrl is not null) e.Add("capacity_source_url", "is given without capacity_families_per_year");
        if (t.AnnualCostGbp is { } a)
        {
            if (!double.IsFinite(a) || a <= 0 || a > 1e9) e.Add("annual_cost_gbp", "must be a positive amount, at most 1,000,000,000");
            if (t.CostSourceUrl is null) e.Add("cost_source_url", "is required with annual_cost_gbp: the page that publishes the figure");
        }
        else if (t.CostSourceUrl is not null) e.Add("cost_source_url", "is given without annual_cost_gbp");
        if (t.SourceUrl is null) e.Add("source_url", "is required: the page that says what this row says");
        Url(e, "source_url", t.SourceUrl);
        Url(e, "capacity_source_url", t.CapacitySourceUrl);
        Url(e, "cost_source_url", t.CostSourceUrl);

        if (t.ServiceAreas is null || t.ServiceAreas.Count == 0) e.Add("service_areas", "at least one district, upper-tier council, ward or LSOA code is required");
        else
        {
            if (t.ServiceAreas.Count > 5000) e.Add("service_areas", "at most 5,000 codes");
            foreach (var code in t.ServiceAreas.Take(5000))
                if (!codes.Contains(code)) e.Add("service_areas", $"'{Clip(code)}' is not {KnownCodes.Kinds}");
            if (t.ServiceAreas.Distinct().Count() != t.ServiceAreas.Count) e.Add("service_areas", "a code is listed twice");
        }
        Length(e, "area_note", t.AreaNote, 2000);
        if ((t.BaseLon is null) != (t.BaseLat is null)) e.Add("base_lon", "give both base_lon and base_lat, or neither");
        if (t.BaseLon is { } lon && (!double.IsFinite(lon) || lon < MinLon || lon > MaxLon)) e.Add("base_lon", "must be a longitude in England (WGS 84)");
        if (t.BaseLat is { } lat && (!double.IsFinite(lat) || lat < MinLat || lat > MaxLat)) e.Add("base_lat", "must be a latitude in England (WGS 84)");
        Length(e, "notes", t.Notes, 4000);
        return e.ToDictionary();
    }

    static void Length(FieldErrors e, string field, string? value, int max)
    {
        if (value?.Length > max) e.Add(field, $"must be at most {max:N0} characters");
    }

    /// <summary>An http(s) address of a page: a homepage ("https://www.hsj.co.uk/") says nothing about the row.</summary>
    public static void Url(FieldErrors e, string field, string? url)
    {
        if (url is null) return;
        if (url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
            e.Add(field, "must be an http or https address");
        else if (u.AbsolutePath.Trim('/').Length == 0)
            e.Add(field, $"'{Clip(url, 60)}' is only a site's address: give the page that says it");
    }

    static string Clip(string s, int n = 20) => s.Length <= n ? s : s[..n] + "…";
}
