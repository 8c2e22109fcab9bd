using System.Globalization;

namespace Cradle.Core.Register;

/// <summary>
/// The cells of one register record, read by column name; a bad value names the file, the line
/// (<paramref name="where"/>) and the column. Reading the file itself is the data project's job.
/// </summary>
public sealed class CsvCells(string path, string where, string?[] cells, IReadOnlyDictionary<string, int> index)
{
    public string Where => where;

    public string? Text(string c) => index.TryGetValue(c, out var i) && i >= 0 && cells[i] is { Length: > 0 } s && s.Trim() is { Length: > 0 } t ? t : null;

    public double? Number(string c)
    {
        var s = Text(c);
        if (s is null) return null;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
            : throw Bad(c, $"'{s}' is not a number");
    }

    public DateOnly? Date(string c)
    {
        var s = Text(c);
        if (s is null) return null;
        return DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
            : throw Bad(c, $"'{s}' is not a date (yyyy-mm-dd)");
    }

    public PartialDate? Partial(string c)
    {
        var s = Text(c);
        if (s is null) return null;
        return PartialDate.TryParse(s, out var d) ? d : throw Bad(c, $"'{s}' is not a date (yyyy, yyyy-mm or yyyy-mm-dd)");
    }

    public DataFileException Bad(string column, string message)
    {
        var id = Text("id") is { } i ? $" (team '{i}')" : Text("area_code") is { } a ? $" (area {a})" : "";
        return new DataFileException(path, $"{where}{id}, column '{column}'", message);
    }

    /// <summary>
    /// The column index of each wanted column (−1 when absent), given the file's header names as
    /// the reader normalised them; a missing required column or an unknown one is an error.
    /// </summary>
    public static Dictionary<string, int> Index(string path, IReadOnlyList<string> header, IEnumerable<string> columns, params string[] required)
    {
        var names = header.ToList();
        var index = columns.ToDictionary(c => c, c => names.IndexOf(c));
        var missing = required.Where(c => index[c] < 0).ToList();
        if (missing.Count > 0) throw new DataFileException(path, "header", $"missing column(s) {string.Join(", ", missing)}");
        var unknown = names.Where(n => n.Length > 0 && !index.ContainsKey(n)).ToList();
        if (unknown.Count > 0) throw new DataFileException(path, "header", $"unknown column(s) {string.Join(", ", unknown)}; the columns are {string.Join(", ", index.Keys)}");
        return index;
    }
}

/// <summary>The register's CSV form (data/teams/teams.csv): one team a row, service areas separated by ';'.</summary>
public static class TeamCsv
{
    public static readonly string[] Columns =
    [
        "id", "name", "provider", "status", "started", "ended",
        "capacity_families_per_year", "capacity_source_url", "annual_cost_gbp", "cost_source_url", "funder", "commissioner",
        "service_areas", "area_note", "base_lon", "base_lat", "source_url", "source_date", "last_confirmed", "last_checked",
        "definition_fit", "notes",
    ];

    static object?[] Values(Team t) =>
        [t.Id, t.Name, t.Provider, t.Status, t.Started?.ToString(), t.Ended?.ToString(),
            t.CapacityFamiliesPerYear, t.CapacitySourceUrl, t.AnnualCostGbp, t.CostSourceUrl, t.Funder, t.Commissioner,
            string.Join(';', t.ServiceAreas), t.AreaNote, t.BaseLon, t.BaseLat, t.SourceUrl, t.SourceDate?.ToString(), t.LastConfirmed?.ToString(),
            t.LastChecked, t.DefinitionFit, t.Notes];

    /// <summary>A team's cells as the CSV writes them (null for empty): the form in which imports compare rows.</summary>
    public static string?[] Cells(Team t) => Values(t).Select(v => CsvWriter.Text(v) is { Length: > 0 } s ? s : null).ToArray();

    /// <summary>The team that cells (in <see cref="Columns"/> order) describe; a malformed cell names its column.</summary>
    public static Team FromCells(string?[] cells, string where = "merged row") =>
        Parse(new CsvCells("teams", where, cells, Columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i)));

    public static string Write(IEnumerable<Team> teams)
    {
        var sb = new System.Text.StringBuilder();
        CsvWriter.Row(sb, Columns);
        foreach (var t in teams) CsvWriter.Row(sb, Values(t));
        return sb.ToString();
    }

    /// <summary>The columns a file must have.</summary>
    public static readonly string[] Required = ["id", "name", "status", "service_areas", "source_url", "source_date", "last_checked", "definition_fit"];

    /// <summary>The team a record describes; a malformed value names its line, the team and the column.</summary>
    public static Team Parse(CsvCells r) => new(r.Text("id") ?? "", r.Text("name") ?? "", r.Text("provider"), r.Text("status") ?? "",
        r.Partial("started"), r.Partial("ended"),
        r.Number("capacity_families_per_year"), r.Text("capacity_source_url"), r.Number("annual_cost_gbp"), r.Text("cost_source_url"),
        r.Text("funder"), r.Text("commissioner"),
        (r.Text("service_areas") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        r.Text("area_note"), r.Number("base_lon"), r.Number("base_lat"), r.Text("source_url"), r.Partial("source_date"),
        r.Partial("last_confirmed"), r.Date("last_checked"), r.Text("definition_fit") ?? "", r.Text("notes"));
}
