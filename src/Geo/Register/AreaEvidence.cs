using Cradle.Geo.Sources;

namespace Cradle.Geo.Register;

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
    DateOnly LastVerified,
    string? Notes)
{
    public static readonly string[] Kinds = ["confirmed_none", "team_claimed_unnamed"];

    /// <summary>A statement of "no team" counts only while it is recent: an old one no longer says what is there now.</summary>
    public bool StillCurrent(DateOnly asOf, double maxAgeYears) => SourceDate.Earliest >= PartialDate.YearsBefore(asOf, maxAgeYears);

    /// <summary>Whether the statement counts on this day: a claimed but unnamed team always (it changes no state); a statement of none while recent.</summary>
    public bool IsCurrent(DateOnly asOf, double maxAgeYears) => Evidence != "confirmed_none" || StillCurrent(asOf, maxAgeYears);
}

public static class AreaEvidenceCsv
{
    public static readonly string[] Columns = ["area_code", "area_name", "evidence", "statement", "source_url", "source_date", "last_verified", "notes"];

    public static string Write(IEnumerable<AreaEvidence> rows, Func<string, string?> nameOf)
    {
        var sb = new System.Text.StringBuilder();
        CsvWriter.Row(sb, Columns);
        foreach (var r in rows)
            CsvWriter.Row(sb, [r.AreaCode, nameOf(r.AreaCode), r.Evidence, r.Statement, r.SourceUrl, r.SourceDate.ToString(), r.LastVerified, r.Notes]);
        return sb.ToString();
    }

    /// <summary>Reads and checks every row; the first problem names its line, area and column.</summary>
    public static List<AreaEvidence> Read(string path, Func<string, bool> knownArea, DateOnly today)
    {
        using var csv = new CsvFile(path);
        var index = CsvCells.Index(path, csv, Columns, "area_code", "evidence", "statement", "source_url", "source_date", "last_verified");
        var rows = new List<AreaEvidence>();
        var seen = new HashSet<(string, string, string)>();
        foreach (var record in csv.Records())
        {
            var r = new CsvCells(path, record, index);
            var code = r.Text("area_code") ?? throw r.Bad("area_code", "is required");
            if (!knownArea(code)) throw r.Bad("area_code", $"'{code}' is not an English district, upper-tier council, ward, LSOA, sub-ICB location or ICB");
            var kind = r.Text("evidence") ?? "";
            if (!AreaEvidence.Kinds.Contains(kind)) throw r.Bad("evidence", $"'{kind}' is not one of {string.Join(", ", AreaEvidence.Kinds)}");
            var statement = r.Text("statement") ?? throw r.Bad("statement", "is required: what the source says, in your own words");
            var url = r.Text("source_url") ?? throw r.Bad("source_url", "is required");
            var errors = new FieldErrors();
            TeamValidator.Url(errors, "source_url", url);
            if (errors.Count > 0) throw r.Bad("source_url", string.Join("; ", errors.ToDictionary()["source_url"]));
            var date = r.Partial("source_date") ?? throw r.Bad("source_date", "is required");
            if (date.Earliest > today) throw r.Bad("source_date", $"{date} is in the future");
            var verified = r.Date("last_verified") ?? throw r.Bad("last_verified", "is required");
            if (verified > today) throw r.Bad("last_verified", $"{verified:yyyy-MM-dd} is in the future");
            if (verified < date.Earliest) throw r.Bad("last_verified", $"{verified:yyyy-MM-dd} is before the source's date ({date})");
            if (!seen.Add((code, kind, url))) throw r.Bad("area_code", $"{code} has this evidence from this source twice");
            rows.Add(new AreaEvidence(code, kind, statement, url, date, verified, r.Text("notes")));
        }
        return rows;
    }
}
