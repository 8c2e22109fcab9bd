namespace Cradle.Core.Register;

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
