using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Cradle.Api.Areas;
using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Cradle.Core.Register;

namespace Cradle.Api.Ogc;

/// <summary>A property of a collection's features: its name, JSON Schema type and meaning; a queryable one filters items by equality.</summary>
public sealed record OgcProperty(string Name, string Type, string Description, bool Queryable = false, IReadOnlyList<string>? Enum = null);

/// <summary>
/// One OGC collection: a catalog level's areas, or the teams. Its properties are declared once
/// (<see cref="AreaOutput.Columns"/>, <see cref="TeamColumns"/>) and give the features, the schema
/// (OGC API – Features Part 5, and GDAL 3.6's GeoJSON feature schema) and the queryables.
/// </summary>
public sealed record OgcCollection(string Id, string Title, AreaLevel? Level, IReadOnlyList<OgcProperty> Properties)
{
    public IEnumerable<OgcProperty> Queryables => Properties.Where(p => p.Queryable);

    /// <summary>The geometry every feature has: one type per collection, so a client makes one layer.</summary>
    public const string GeometryType = "MultiPolygon";
}

/// <summary>A team's properties as the teams collection serves them, declared once.</summary>
public sealed record TeamColumn(string Name, string Type, string Description, Func<Team, DateOnly, object?> Value, bool Queryable = false, IReadOnlyList<string>? Enum = null);

public static class OgcCollections
{
    static readonly string[] AreaQueryables = ["region_code", "team_state", "no_team"];

    /// <summary>A register field, described as the register's data package describes it.</summary>
    static TeamColumn Field(string name, string type, Func<Team, DateOnly, object?> value, bool queryable = false)
    {
        var (description, values) = RegisterPackage.Describe(name);
        return new(name, type, description, value, queryable, values);
    }

    public static readonly IReadOnlyList<TeamColumn> TeamColumns =
    [
        Field("id", "string", (t, _) => t.Id),
        Field("name", "string", (t, _) => t.Name),
        Field("provider", "string", (t, _) => t.Provider),
        Field("status", "string", (t, _) => t.Status, queryable: true),
        Field("definition_fit", "string", (t, _) => t.DefinitionFit, queryable: true),
        Field("started", "string", (t, _) => t.Started?.ToString()),
        Field("ended", "string", (t, _) => t.Ended?.ToString()),
        Field("capacity_families_per_year", "number", (t, _) => t.CapacityFamiliesPerYear),
        new("capacity_assumed", "boolean", "True where no capacity is published and the model assumes its default.", (t, _) => t.CapacityFamiliesPerYear is null),
        Field("annual_cost_gbp", "number", (t, _) => t.AnnualCostGbp),
        Field("funder", "string", (t, _) => t.Funder),
        Field("commissioner", "string", (t, _) => t.Commissioner),
        Field("service_areas", "string", (t, _) => string.Join(';', t.ServiceAreas)),
        Field("area_note", "string", (t, _) => t.AreaNote),
        Field("source_url", "string", (t, _) => t.SourceUrl),
        Field("source_date", "string", (t, _) => t.SourceDate?.ToString()),
        new("last_confirmed", "string", "The newest date any source confirms the team is running; the source's date where none is given.", (t, _) => t.ConfirmedOn?.ToString()),
        Field("last_checked", "string", (t, _) => t.LastChecked?.ToString("yyyy-MM-dd")),
        new("needs_reconfirming", "boolean", $"True when a team that is not closed has had no confirmation for more than {Team.DefaultReconfirmAfterMonths} months.",
            (t, today) => t.NeedsReconfirming(today, Team.DefaultReconfirmAfterMonths), Queryable: true),
    ];

    /// <summary>One collection per catalog level that has one, and the teams.</summary>
    public static readonly IReadOnlyList<OgcCollection> All =
    [
        .. AreaLevels.All.Where(l => l.Ogc).Select(l => new OgcCollection(l.Id,
            $"{l.Plural} ({l.Vintage}) with need, coverage, unmet need and what is known about teams", l,
            AreaOutput.Columns.Select(c => new OgcProperty(c.Name, c.Type, c.Description, AreaQueryables.Contains(c.Name),
                c.Name == "team_state" ? Enum.GetValues<TeamState>().Select(s => s.Id()).ToList() : null)).ToList())),
        new OgcCollection("teams", "Parent-infant relationship teams: service areas", null,
            TeamColumns.Select(c => new OgcProperty(c.Name, c.Type, c.Description, c.Queryable, c.Enum)).ToList()),
    ];

    public static OgcCollection? Find(string id) => All.FirstOrDefault(c => c.Id == id);

    /// <summary>Every queryable's name, across collections: what the items endpoint's query may name.</summary>
    public static readonly IReadOnlySet<string> QueryableNames = All.SelectMany(c => c.Queryables).Select(q => q.Name).ToHashSet();

    static JsonObject PropertySchema(OgcProperty p)
    {
        var o = new JsonObject { ["title"] = p.Name, ["description"] = p.Description, ["type"] = p.Type };
        if (p.Enum is { } e) o["enum"] = new JsonArray(e.Select(x => (JsonNode)x).ToArray());
        return o;
    }

    /// <summary>
    /// The features' schema as OGC API – Features Part 5 describes it: the properties flat, the
    /// geometry and id marked by x-ogc-role. Nulls occur where a description says so.
    /// </summary>
    public static JsonObject Part5Schema(OgcCollection c, string id)
    {
        var properties = new JsonObject
        {
            ["geometry"] = new JsonObject { ["format"] = "geometry-multipolygon", ["x-ogc-role"] = "primary-geometry" },
        };
        foreach (var p in c.Properties)
        {
            var s = PropertySchema(p);
            if (p.Name == (c.Level is null ? "id" : "code")) s["x-ogc-role"] = "id";
            properties[p.Name] = s;
        }
        return SchemaDocument(id, c.Title, properties);
    }

    /// <summary>A JSON Schema (2020-12) document of an object with these properties.</summary>
    static JsonObject SchemaDocument(string id, string title, JsonObject properties) => new()
    {
        ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
        ["$id"] = id,
        ["title"] = title,
        ["type"] = "object",
        ["properties"] = properties,
    };

    /// <summary>
    /// The same as a GeoJSON Feature's JSON Schema, the shape GDAL 3.6 reads from a "describedBy"
    /// link: it types each field from here rather than guessing from the first page (which made
    /// a coverage of 0 an integer and truncated every later value).
    /// </summary>
    public static JsonObject FeatureSchema(OgcCollection c, string id)
    {
        var properties = new JsonObject();
        foreach (var p in c.Properties) properties[p.Name] = PropertySchema(p);
        var schema = SchemaDocument(id, c.Title, new JsonObject
            {
                ["type"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("Feature") },
                ["id"] = new JsonObject { ["type"] = "string" },
                ["geometry"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject { ["type"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(OgcCollection.GeometryType) } },
                },
                ["properties"] = new JsonObject { ["type"] = "object", ["properties"] = properties },
            });
        schema["required"] = new JsonArray("type", "geometry", "properties");
        return schema;
    }

    /// <summary>The properties items may be filtered on (Part 3's queryables document), each by equality.</summary>
    public static JsonObject QueryablesSchema(OgcCollection c, string id)
    {
        var properties = new JsonObject();
        foreach (var p in c.Queryables) properties[p.Name] = PropertySchema(p);
        var schema = SchemaDocument(id, $"What {c.Id} can be filtered on (name=value in the items query)", properties);
        schema["additionalProperties"] = false;
        return schema;
    }

    /// <summary>Whether a value equals a filter's text: strings as given, booleans as true/false.</summary>
    public static bool Matches(object? value, string wanted) => value switch
    {
        null => false,
        bool b => string.Equals(wanted, b ? "true" : "false", StringComparison.OrdinalIgnoreCase),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture) == wanted,
        _ => value.ToString() == wanted,
    };

    static readonly ConditionalWeakTable<ModelSnapshot, ConcurrentDictionary<string, int[]>> Orders = new();

    /// <summary>A level's areas in code order (ordinal), worked out once per data version: a page at any offset is a slice of it.</summary>
    public static int[] InCodeOrder(ModelSnapshot s, string level) =>
        Orders.GetOrCreateValue(s).GetOrAdd(level, l =>
        {
            var codes = s.Levels[l].Codes;
            var order = Enumerable.Range(0, codes.Length).ToArray();
            Array.Sort(order, (a, b) => string.CompareOrdinal(codes[a], codes[b]));
            return order;
        });
}

/// <summary>
/// The datetime parameter of OGC API – Features: an instant or an interval "start/end" (".." or
/// nothing for an open end), RFC 3339 date-times or dates. A date alone means the whole day.
/// </summary>
public sealed record TimeWindow(DateTime? Start, DateTime? End)
{
    static readonly string[] Formats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"];

    static bool TryParseBound(string text, bool end, out DateTime? value)
    {
        value = null;
        if (text is ".." or "") return true;
        if (!DateTime.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)) return false;
        value = text.Length == 10 && end ? t.AddDays(1).AddTicks(-1) : t;
        return true;
    }

    /// <summary>The window, or a message saying what is wrong with the text.</summary>
    public static (TimeWindow? Window, string? Problem) Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length > 2) return (null, "give an instant or one interval start/end");
        if (parts.Length == 1)
        {
            if (text is ".." or "" || !TryParseBound(text, false, out var a) || !TryParseBound(text, true, out var b))
                return (null, $"'{text}' is not an RFC 3339 date-time or date (2026-04-01 or 2026-04-01T00:00:00Z)");
            return (new TimeWindow(a, b), null);
        }
        if (!TryParseBound(parts[0], false, out var start)) return (null, $"the start '{parts[0]}' is not an RFC 3339 date-time, date or '..'");
        if (!TryParseBound(parts[1], true, out var finish)) return (null, $"the end '{parts[1]}' is not an RFC 3339 date-time, date or '..'");
        if (start > finish) return (null, "the interval ends before it starts");
        return (new TimeWindow(start, finish), null);
    }

    /// <summary>Whether the window meets a span of whole days (null: open on that side).</summary>
    public bool Meets(DateOnly? from, DateOnly? to) =>
        (End is null || from is null || from.Value.ToDateTime(TimeOnly.MinValue) <= End) &&
        (Start is null || to is null || to.Value.ToDateTime(TimeOnly.MaxValue) >= Start);
}
