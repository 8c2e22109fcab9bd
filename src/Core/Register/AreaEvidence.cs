namespace Cradle.Core.Register;

/// <summary>
/// What a dated source says about an area where the register has no team
/// (data/teams/area-evidence.csv): that there is none (<c>confirmed_none</c>), or that a team
/// exists without naming it (<c>team_claimed_unnamed</c>). The area is a district, an upper-tier
/// council, a ward, an LSOA, a sub-ICB location or an ICB.
/// </summary>
public sealed record AreaEvidence(
    string AreaCode,
    string Evidence,
    string Statement,
    string SourceUrl,
    PartialDate SourceDate,
    PartialDate? LastConfirmed,
    DateOnly LastChecked,
    string? Notes)
{
    /// <summary>What identifies a row: its area, its kind and its source.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Key => $"{AreaCode}|{Evidence}|{SourceUrl}";

    /// <summary>The newest date a source confirms what the row says.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public PartialDate ConfirmedOn => LastConfirmed ?? SourceDate;

    public static readonly string[] Kinds = ["confirmed_none", "team_claimed_unnamed"];

    /// <summary>A statement of "no team" counts only while it is recent: an old one no longer says what is there now.</summary>
    public bool StillCurrent(DateOnly asOf, double maxAgeYears) => ConfirmedOn.Earliest >= PartialDate.YearsBefore(asOf, maxAgeYears);

    /// <summary>Whether the statement counts on this day: a claimed but unnamed team always (it changes no state); a statement of none while recent.</summary>
    public bool IsCurrent(DateOnly asOf, double maxAgeYears) => Evidence != "confirmed_none" || StillCurrent(asOf, maxAgeYears);
}

public static class AreaEvidenceCsv
{
    public static readonly string[] Columns = ["area_code", "area_name", "evidence", "statement", "source_url", "source_date", "last_confirmed", "last_checked", "notes"];

    static object?[] Values(AreaEvidence r, string? name) =>
        [r.AreaCode, name, r.Evidence, r.Statement, r.SourceUrl, r.SourceDate.ToString(), r.LastConfirmed?.ToString(), r.LastChecked, r.Notes];

    public static string Write(IEnumerable<AreaEvidence> rows, Func<string, string?> nameOf)
    {
        var sb = new System.Text.StringBuilder();
        CsvWriter.Row(sb, Columns);
        foreach (var r in rows) CsvWriter.Row(sb, Values(r, nameOf(r.AreaCode)));
        return sb.ToString();
    }

    /// <summary>A row's cells as imports compare them (the area's name is the file's convenience, not the row's).</summary>
    public static string?[] Cells(AreaEvidence r) => Values(r, null).Select(v => CsvWriter.Text(v) is { Length: > 0 } s ? s : null).ToArray();

    public static AreaEvidence FromCells(string?[] cells) => new(cells[0]!, cells[2]!, cells[3]!, cells[4]!, PartialDate.Parse(cells[5]!),
        cells[6] is { } c ? PartialDate.Parse(c) : null, DateOnly.ParseExact(cells[7]!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), cells[8]);

    /// <summary>What is wrong with a row, field by field (empty when valid).</summary>
    public static Dictionary<string, string[]> Validate(AreaEvidence r, Func<string, bool> knownArea, DateOnly today)
    {
        var e = new FieldErrors();
        if (string.IsNullOrWhiteSpace(r.AreaCode)) e.Add("area_code", "is required");
        else if (!knownArea(r.AreaCode)) e.Add("area_code", $"'{Clip(r.AreaCode)}' is not an English district, upper-tier council, ward, LSOA, sub-ICB location or ICB");
        if (!AreaEvidence.Kinds.Contains(r.Evidence)) e.Add("evidence", $"'{Clip(r.Evidence)}' is not one of {string.Join(", ", AreaEvidence.Kinds)}");
        if (string.IsNullOrWhiteSpace(r.Statement)) e.Add("statement", "is required: what the source says, in your own words");
        else if (r.Statement.Length > 2000) e.Add("statement", "must be at most 2,000 characters");
        if (string.IsNullOrWhiteSpace(r.SourceUrl)) e.Add("source_url", "is required");
        else TeamValidator.Url(e, "source_url", r.SourceUrl);
        if (r.SourceDate.Earliest > today) e.Add("source_date", $"{r.SourceDate} is in the future");
        if (r.LastConfirmed is { } c && c.Earliest > today) e.Add("last_confirmed", $"{c} is in the future");
        if (r.LastConfirmed is { } c2 && c2.Latest < r.SourceDate.Earliest) e.Add("last_confirmed", $"{c2} is before the source's date ({r.SourceDate})");
        if (r.LastChecked > today) e.Add("last_checked", $"{r.LastChecked:yyyy-MM-dd} is in the future");
        if (r.LastChecked < r.SourceDate.Earliest) e.Add("last_checked", $"{r.LastChecked:yyyy-MM-dd} is before the source's date ({r.SourceDate})");
        if (r.Notes?.Length > 4000) e.Add("notes", "must be at most 4,000 characters");
        return e.ToDictionary();
    }

    static string Clip(string s) => s.Length <= 20 ? s : s[..20] + "…";

    /// <summary>The columns a file must have.</summary>
    public static readonly string[] Required = ["area_code", "evidence", "statement", "source_url", "source_date", "last_checked"];

    /// <summary>
    /// Every row of a file, checked, in order: the first problem names its line, area and column,
    /// and a row is one area's evidence of one kind from one source, so a second such row is an error.
    /// </summary>
    public static List<AreaEvidence> ParseAll(IEnumerable<CsvCells> records, Func<string, bool> knownArea, DateOnly today)
    {
        var rows = new List<AreaEvidence>();
        var seen = new HashSet<string>();
        foreach (var r in records)
        {
            var row = Parse(r, knownArea, today);
            if (!seen.Add(row.Key)) throw r.Bad("area_code", $"{row.AreaCode} has this evidence from this source twice");
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The row a record describes, checked; the first problem names its line, area and column.</summary>
    static AreaEvidence Parse(CsvCells r, Func<string, bool> knownArea, DateOnly today)
    {
        var row = new AreaEvidence(r.Text("area_code") ?? "", r.Text("evidence") ?? "", r.Text("statement") ?? "", r.Text("source_url") ?? "",
            r.Partial("source_date") ?? throw r.Bad("source_date", "is required"), r.Partial("last_confirmed"),
            r.Date("last_checked") ?? throw r.Bad("last_checked", "is required"), r.Text("notes"));
        if (Validate(row, knownArea, today) is { Count: > 0 } errors)
        {
            var (field, messages) = errors.First();
            throw r.Bad(field, string.Join("; ", messages));
        }
        return row;
    }
}
