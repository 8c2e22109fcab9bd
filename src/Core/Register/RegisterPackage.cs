using System.Text.Json.Nodes;

namespace Cradle.Core.Register;

/// <summary>
/// The register as open data: a Frictionless Data Package (datapackage.json) describing the two
/// CSV files and the service areas' GeoJSON of one release, with each column's type, meaning and
/// constraints, the licence and the sources. The columns' meanings are written here once, and
/// checked against the CSV's columns, so the package cannot drift from the files.
/// </summary>
public static class RegisterPackage
{
    public const string Licence = "CC-BY-4.0";
    public const string LicenceTitle = "Creative Commons Attribution 4.0 International";
    public const string LicenceUrl = "https://creativecommons.org/licenses/by/4.0/";
    public const string Attribution = "Cradle team register: Cradle's own compilation of facts from the public pages each row cites (source_url), " +
        "licensed CC BY 4.0. Service areas drawn from ONS boundaries: Source: Office for National Statistics licensed under the Open Government Licence v3.0; " +
        "contains OS data © Crown copyright and database right.";

    const string DatePattern = @"^\d{4}(-\d{2}(-\d{2})?)?$";

    static readonly Dictionary<string, (string Type, string Description, JsonObject? Constraints)> TeamFields = new()
    {
        ["id"] = ("string", "The team's identifier: a lower-case slug.", new() { ["required"] = true, ["unique"] = true, ["pattern"] = "^[a-z0-9][a-z0-9-]{1,62}$" }),
        ["name"] = ("string", "The team's name.", new() { ["required"] = true }),
        ["provider"] = ("string", "Who runs the team.", null),
        ["status"] = ("string", "What the latest source that names the team supports: active, in_development, closed or unknown.", new() { ["required"] = true, ["enum"] = new JsonArray("active", "in_development", "closed", "unknown") }),
        ["started"] = ("string", "When the team started, as precisely as a source says (yyyy, yyyy-mm or yyyy-mm-dd).", new() { ["pattern"] = DatePattern }),
        ["ended"] = ("string", "When a closed team ended (yyyy, yyyy-mm or yyyy-mm-dd).", new() { ["pattern"] = DatePattern }),
        ["capacity_families_per_year"] = ("number", "Families a year, only where a source publishes it (capacity_source_url).", new() { ["minimum"] = 0 }),
        ["capacity_source_url"] = ("string", "The page that publishes the capacity.", null),
        ["annual_cost_gbp"] = ("number", "The annual cost in pounds, only where published (cost_source_url).", new() { ["minimum"] = 0 }),
        ["cost_source_url"] = ("string", "The page that publishes the cost.", null),
        ["funder"] = ("string", "Who funds the team, where a source says.", null),
        ["commissioner"] = ("string", "Who commissions the team, where a source says.", null),
        ["service_areas"] = ("string", "The areas the team takes referrals from, separated by ';': LAD 2024 (E06–E09), upper-tier council (E10), ward 2024 (E05) or LSOA 2021 (E01) codes.", new() { ["required"] = true }),
        ["area_note"] = ("string", "What the sources say about the service area, in Cradle's words.", null),
        ["base_lon"] = ("number", "Longitude of the team's base (WGS 84), where known.", null),
        ["base_lat"] = ("number", "Latitude of the team's base (WGS 84), where known.", null),
        ["source_url"] = ("string", "The specific page that says what the row says.", new() { ["required"] = true }),
        ["source_date"] = ("string", "When that source said it (yyyy, yyyy-mm or yyyy-mm-dd).", new() { ["required"] = true, ["pattern"] = DatePattern }),
        ["last_confirmed"] = ("string", "The newest date any source confirms the team is running (yyyy, yyyy-mm or yyyy-mm-dd); a team unconfirmed for over 24 months needs re-confirming.", new() { ["pattern"] = DatePattern }),
        ["last_checked"] = ("date", "The day someone last checked the row against its sources.", new() { ["required"] = true }),
        ["definition_fit"] = ("string", "meets the Parent-Infant Foundation's definition of a specialised team, or uncertain.", new() { ["required"] = true, ["enum"] = new JsonArray("meets", "uncertain") }),
        ["notes"] = ("string", "What the sources say, in Cradle's own words.", null),
    };

    static readonly Dictionary<string, (string Type, string Description, JsonObject? Constraints)> EvidenceFields = new()
    {
        ["area_code"] = ("string", "A district, upper-tier council, ward, LSOA, sub-ICB location or ICB code.", new() { ["required"] = true }),
        ["area_name"] = ("string", "The area's name, for reading (not part of the row).", null),
        ["evidence"] = ("string", "confirmed_none (a source says there is no team) or team_claimed_unnamed (a source says there is one without naming it).", new() { ["required"] = true, ["enum"] = new JsonArray("confirmed_none", "team_claimed_unnamed") }),
        ["statement"] = ("string", "What the source says, in Cradle's words.", new() { ["required"] = true }),
        ["source_url"] = ("string", "The specific page.", new() { ["required"] = true }),
        ["source_date"] = ("string", "When the source said it.", new() { ["required"] = true, ["pattern"] = DatePattern }),
        ["last_confirmed"] = ("string", "The newest date a source confirms it.", new() { ["pattern"] = DatePattern }),
        ["last_checked"] = ("date", "The day someone last checked it.", new() { ["required"] = true }),
        ["notes"] = ("string", "Notes, in Cradle's words.", null),
    };

    /// <summary>What a register field means, and its allowed values where it has a list: one description, for the package and the OGC teams collection.</summary>
    public static (string Description, IReadOnlyList<string>? Enum) Describe(string field)
    {
        var f = TeamFields[field];
        return (f.Description, f.Constraints?["enum"] is JsonArray e ? e.Select(x => x!.GetValue<string>()).ToList() : null);
    }

    static JsonObject Schema(string[] columns, Dictionary<string, (string Type, string Description, JsonObject? Constraints)> fields, string? primaryKey)
    {
        var missing = columns.Where(c => !fields.ContainsKey(c)).Concat(fields.Keys.Where(k => !columns.Contains(k))).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"the data package does not describe the register's columns exactly: {string.Join(", ", missing)}");
        var list = new JsonArray();
        foreach (var c in columns)
        {
            var (type, description, constraints) = fields[c];
            var f = new JsonObject { ["name"] = c, ["type"] = type, ["description"] = description };
            if (constraints is not null) f["constraints"] = constraints.DeepClone();
            list.Add(f);
        }
        var schema = new JsonObject { ["fields"] = list, ["missingValues"] = new JsonArray("") };
        if (primaryKey is not null) schema["primaryKey"] = primaryKey;
        return schema;
    }

    /// <summary>The descriptor of the release at <paramref name="dataVersion"/>; resource paths are relative to it.</summary>
    public static JsonObject Descriptor(long dataVersion, DateTime releasedAt) => new()
    {
        ["profile"] = "data-package",
        ["name"] = "cradle-team-register",
        ["id"] = $"cradle-team-register-v{dataVersion}",
        ["title"] = "Specialised parent-infant relationship teams in England: the Cradle register",
        ["description"] = "Each team with its status, service area, provider, capacity and cost where published, and three dates (source_date, " +
            "last_confirmed, last_checked), each fact with the page it rests on; and what dated sources say where the register has no team. " +
            "An incomplete register: the Parent-Infant Foundation's own list is not public. Corrections: POST /api/contributions.",
        ["version"] = dataVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["created"] = releasedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["licenses"] = new JsonArray(new JsonObject { ["name"] = Licence, ["path"] = LicenceUrl, ["title"] = LicenceTitle }),
        ["sources"] = new JsonArray(
            new JsonObject { ["title"] = "The public pages each row cites (source_url, capacity_source_url, cost_source_url)" },
            new JsonObject { ["title"] = "Office for National Statistics boundaries (service areas), Open Government Licence v3.0", ["path"] = "https://geoportal.statistics.gov.uk/" }),
        ["contributors"] = new JsonArray(new JsonObject { ["title"] = "Cradle", ["role"] = "publisher" }),
        ["resources"] = new JsonArray(
            new JsonObject
            {
                ["name"] = "teams", ["path"] = "teams.csv", ["profile"] = "tabular-data-resource", ["format"] = "csv", ["mediatype"] = "text/csv", ["encoding"] = "utf-8",
                ["title"] = "Teams", ["schema"] = Schema(TeamCsv.Columns, TeamFields, "id"),
            },
            new JsonObject
            {
                ["name"] = "area-evidence", ["path"] = "area-evidence.csv", ["profile"] = "tabular-data-resource", ["format"] = "csv", ["mediatype"] = "text/csv", ["encoding"] = "utf-8",
                ["title"] = "What dated sources say where the register has no team", ["schema"] = Schema(AreaEvidenceCsv.Columns, EvidenceFields, null),
            },
            new JsonObject
            {
                ["name"] = "service-areas", ["path"] = "service-areas.geojson", ["format"] = "geojson", ["mediatype"] = "application/geo+json", ["encoding"] = "utf-8",
                ["title"] = "Each team's service area (the union of its LSOAs 2021, WGS 84), with the team's row",
            }),
    };
}
