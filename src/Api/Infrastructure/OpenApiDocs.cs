using System.Globalization;
using System.Text.Json.Nodes;
using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cradle.Api.Infrastructure;

/// <summary>Marks an endpoint that needs a bearer API key: endpoint filters are not metadata, so the document could not tell.</summary>
public sealed class RequiresApiKey
{
    public static readonly RequiresApiKey Instance = new();
}

/// <summary>
/// What makes the OpenAPI document drive tools (Redocly, Prism, generators): the bearer scheme on
/// writes, request bodies with schemas and examples, every parameter typed and described from one
/// table, every response's media types, operation ids, tag descriptions and the licences. The
/// handlers keep taking query values as text, to answer a bad one in their own words.
/// </summary>
/// <summary>See <see cref="OpenApiDocs.AlsoProduces"/>.</summary>
public sealed record AlsoProducesMetadata(int StatusCode, string[] MediaTypes);

public static class OpenApiDocs
{
    public const string BearerScheme = "bearer";

    /// <summary>The key check, its marker for the document, and the 401 and 429 (too many failed keys) it answers.</summary>
    public static RouteHandlerBuilder RequireKey(this RouteHandlerBuilder b) =>
        b.AddEndpointFilter<RequireApiKey>().WithMetadata(RequiresApiKey.Instance).ProducesProblem(401).ProducesProblem(429);

    /// <summary>
    /// The JSON body a handler reads with <see cref="JsonBody"/>. Not .Accepts&lt;T&gt;(): routing would then refuse a wrong
    /// Content-Type itself, with an empty 415, before the key check and Cradle's own problem.
    /// </summary>
    public static RouteHandlerBuilder JsonBodyOf<T>(this RouteHandlerBuilder b, string example, bool required = true, string? description = null) =>
        b.ProducesProblem(400).ProducesProblem(408).ProducesProblem(413).ProducesProblem(415)
         .AddOpenApiOperationTransformer(async (operation, context, ct) =>
         {
             var id = typeof(T).Name;
             var document = context.Document!;
             if (document.Components?.Schemas?.ContainsKey(id) != true)
             {
                 var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct);
                 PartialDatesAsText(schema, typeof(T), 0);
                 document.AddComponent(id, schema);
             }
             operation.RequestBody = new OpenApiRequestBody
             {
                 Required = required,
                 Description = description ?? "A JSON document (application/json, UTF-8); unknown members are refused.",
                 Content = new Dictionary<string, OpenApiMediaType>
                 {
                     ["application/json"] = new() { Schema = new OpenApiSchemaReference(id, document), Example = JsonNode.Parse(example) },
                 },
             };
         });

    /// <summary>
    /// The schema made for a body inlines its nested types without the schema transformers, leaving a partial date as {}:
    /// each is set here, found by the body type's own properties.
    /// </summary>
    static void PartialDatesAsText(IOpenApiSchema? schema, Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (schema is not OpenApiSchema s || depth > 6 || type == typeof(string) || type.IsPrimitive) return;
        foreach (var alternative in s.OneOf ?? []) PartialDatesAsText(alternative, type, depth + 1);
        if (type.IsArray) { PartialDatesAsText(s.Items, type.GetElementType()!, depth + 1); return; }
        foreach (var property in type.GetProperties())
        {
            var name = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
            if (s.Properties is null || !s.Properties.TryGetValue(name, out var inner)) continue;
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (t == typeof(Cradle.Core.Register.PartialDate))
                s.Properties[name] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String | (t != property.PropertyType ? JsonSchemaType.Null : 0),
                    Pattern = PartialDatePattern, Description = PartialDateText,
                };
            else PartialDatesAsText(inner, t, depth + 1);
        }
    }

    const string PartialDatePattern = @"^\d{4}(-\d{2}(-\d{2})?)?$";
    const string PartialDateText = "A date as precisely as a source gives it: yyyy, yyyy-mm or yyyy-mm-dd.";

    static OpenApiSchema Binary() => new() { Type = JsonSchemaType.String, Format = "binary" };
    static OpenApiSchema Text() => new() { Type = JsonSchemaType.String };
    static OpenApiSchema AnyObject(string description) => new() { Type = JsonSchemaType.Object, Description = description };

    /// <summary>The schema of an answer declared by media type alone (Produces(status, contentType: …)).</summary>
    static IOpenApiSchema SchemaFor(string mediaType, OpenApiDocument document) => mediaType switch
    {
        "image/png" or "application/pdf" or "application/vnd.mapbox-vector-tile" or ReportDocx => Binary(),
        "text/csv" or "text/html" or "application/atom+xml" => Text(),
        "application/geo+json" => new OpenApiSchemaReference(GeoJsonCollection, document),
        "application/schema+json" => AnyObject("A JSON Schema (draft 2020-12)."),
        _ => AnyObject("A JSON document of the shape its standard gives (TileJSON 3.0, MapLibre style, OGC API – Features)."),
    };

    const string ReportDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    const string GeoJsonCollection = "GeoJsonFeatureCollection";

    /// <summary>A partial date is written as text: yyyy, yyyy-mm or yyyy-mm-dd (the framework would describe the struct's members).</summary>
    public static Task Schema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonTypeInfo.Type == typeof(Cradle.Core.Register.PartialDate))
        {
            schema.Type = JsonSchemaType.String;
            schema.Properties?.Clear();
            schema.Required?.Clear();
            schema.Pattern = PartialDatePattern;
            schema.Description = PartialDateText;
        }
        return Task.CompletedTask;
    }

    /// <summary>A media type an operation answers beside the one its typed result declares (CSV or GeoJSON beside JSON):
    /// the framework keeps one declaration a status, so these are kept apart and added to the document here.</summary>
    public static RouteHandlerBuilder AlsoProduces(this RouteHandlerBuilder b, int status, params string[] mediaTypes) =>
        b.WithMetadata(new AlsoProducesMetadata(status, mediaTypes));

    /// <summary>Every operation: its id, its security, its parameters typed and described, and the media types the framework left out.</summary>
    public static Task Operation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var route = context.Description.RelativePath ?? "";
        var method = context.Description.HttpMethod ?? "GET";
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document!;

        operation.OperationId ??= OperationId(method, route);
        // Every operation says: the keyed ones name the scheme, the rest need none (security: []).
        operation.Security = metadata.OfType<RequiresApiKey>().Any()
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }]
            : [];

        foreach (var p in operation.Parameters ?? [])
            if (p is OpenApiParameter parameter && ParameterDocs.Find(route, parameter.Name!) is { } doc)
            {
                parameter.Schema = doc.Schema();
                parameter.Description = doc.Description;
                if (doc.Required) parameter.Required = true;
            }
        foreach (var extra in ParameterDocs.Unbound(route, method))
            (operation.Parameters ??= []).Add(extra);

        // A response declared by media type only (PNG, PDF, CSV beside JSON…) gets its content here: the framework writes
        // content only for a declared CLR type, and keeps one declaration a status.
        var declared = metadata.OfType<IProducesResponseTypeMetadata>().Where(p => p.Type is null || p.Type == typeof(void))
            .Select(p => (p.StatusCode, ContentTypes: p.ContentTypes))
            .Concat(metadata.OfType<AlsoProducesMetadata>().Select(p => (p.StatusCode, ContentTypes: (IEnumerable<string>)p.MediaTypes)));
        foreach (var produces in declared)
        {
            var status = produces.StatusCode.ToString(CultureInfo.InvariantCulture);
            operation.Responses ??= [];
            if (!operation.Responses.TryGetValue(status, out var existing))
                operation.Responses[status] = existing = new OpenApiResponse { Description = ReasonPhrase(produces.StatusCode) };
            if (existing is not OpenApiResponse response) continue;
            foreach (var mediaType in produces.ContentTypes.Where(m => m is not "application/problem+json"))
            {
                response.Content ??= new Dictionary<string, OpenApiMediaType>();
                if (!response.Content.ContainsKey(mediaType)) response.Content[mediaType] = new OpenApiMediaType { Schema = SchemaFor(mediaType, document) };
            }
        }
        return Task.CompletedTask;
    }

    static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } r ? r : status.ToString(CultureInfo.InvariantCulture);

    /// <summary>get + the route in camel case, {x} as "ByX" and a suffix as a word: unique because routes are.</summary>
    public static string OperationId(string method, string route)
    {
        var words = new List<string> { method.ToLowerInvariant() };
        foreach (var segment in route.Split('/', StringSplitOptions.RemoveEmptyEntries))
            foreach (var part in System.Text.RegularExpressions.Regex.Matches(segment, @"\{[^}]+\}|[A-Za-z0-9]+").Select(m => m.Value))
                words.Add(part.StartsWith('{') ? "By" + Pascal(part.Trim('{', '}')) : Pascal(part));
        return string.Concat(words);
    }

    static string Pascal(string s) => string.Concat(s.Split('_', '-').Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>The document: server without a trailing slash, licences, the bearer scheme, the shared GeoJSON schema, tags described.</summary>
    public static Task Document(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info.Title = "Cradle API";
        document.Info.Description = $"Need, coverage and unmet need for parent-infant relationship teams in England, by {string.Join(", ", AreaLevels.All.Select(l => l.Singular.ToLowerInvariant()))}; the team register and what is known where there is none; scenarios and a planner. Data: ONS, MHCLG and DWP under the Open Government Licence v3.0; the team register under CC BY 4.0. Estimates are indicative.";
        document.Info.License = new OpenApiLicense { Name = "Open Government Licence v3.0 (the official data); the team register CC BY 4.0", Identifier = "OGL-UK-3.0" };
        foreach (var server in document.Servers ?? [])
            if (server.Url is { Length: > 1 } url && url.EndsWith('/')) server.Url = url.TrimEnd('/');

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "an API key made with `cradle keys add`",
            Description = "Writes to the register and the review queue: `Authorization: Bearer <key>`. 401 without a valid key; 429 after too many failed keys from one address.",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        // Any JSON but null (a row as it was, before or after a change): the framework writes {} and wraps a nullable one
        // in oneOf [null, {}], which null matches twice, so every answer with a null was refused.
        if (document.Components.Schemas.ContainsKey("JsonElement"))
            document.Components.Schemas["JsonElement"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object | JsonSchemaType.Array | JsonSchemaType.String | JsonSchemaType.Number | JsonSchemaType.Boolean,
                Description = "A JSON value other than null.",
            };
        document.Components.Schemas[GeoJsonCollection] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "A GeoJSON FeatureCollection (RFC 7946), coordinates in WGS 84; each feature's properties are the CSV's columns (GET /ogc/collections/{id}/schema).",
            Required = new HashSet<string> { "type", "features" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("FeatureCollection")!] },
                ["features"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "type", "geometry", "properties" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Feature")!] },
                            ["id"] = new OpenApiSchema { Type = JsonSchemaType.String },
                            ["geometry"] = new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.Null },
                            ["properties"] = new OpenApiSchema { Type = JsonSchemaType.Object },
                        },
                    },
                },
            },
        };
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var text)) tag.Description = text;
        return Task.CompletedTask;
    }

    static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Areas"] = "Need, coverage and unmet need for every area of a level, one area with its parents, search, and the areas with most unmet need (JSON, CSV or GeoJSON).",
        ["Teams"] = "The register of parent-infant relationship teams and what is known where there is none; writes need a key.",
        ["Register as open data"] = "The register's change log, its Atom feed and its immutable releases (CC BY 4.0).",
        ["Contributions"] = "Corrections and new teams from anyone, reviewed by a key holder.",
        ["Model"] = "The need model, its parameters and sources, and the catalog of levels, figures and palettes.",
        ["Scenarios"] = "What if teams were funded here, or closed: the figures recomputed.",
        ["Planner"] = "Where the next teams would meet most unmet need.",
        ["Maps"] = "Choropleth images of an area and its neighbours.",
        ["Reports"] = "The case for an area, for a board: PDF, Word and HTML.",
        ["Tiles"] = "Mapbox vector tiles, TileJSON and a MapLibre style (QGIS 3.22 reads it).",
        ["OGC API Features"] = "The areas and teams for GIS clients (GDAL, QGIS): OGC API – Features Parts 1, 3 (queryables) and 5 (schemas).",
        ["Datasets"] = "The official datasets loaded, with their sources, licences and the data version.",
        ["Health"] = "Liveness and readiness.",
        ["Viewer"] = "The web map viewer's settings.",
    };
}

/// <summary>
/// The one table of parameter documentation: the schema a value must fit (ranges and enums from the
/// catalog), what it means, and whether it is needed. Keyed by name, with "route|name" overrides.
/// The handlers check the same rules and answer 400 problem+json naming the parameter.
/// </summary>
public static class ParameterDocs
{
    public sealed record Doc(Func<OpenApiSchema> Schema, string Description, bool Required = false);

    static string N(double x) => x.ToString(CultureInfo.InvariantCulture);

    static OpenApiSchema Int(int min, int? max = null, int? byDefault = null) => new()
    {
        Type = JsonSchemaType.Integer, Minimum = N(min), Maximum = max is { } m ? N(m) : null,
        Default = byDefault is { } d ? JsonValue.Create(d) : null,
    };

    static OpenApiSchema Num(double min, double max, double? byDefault = null) => new()
    {
        Type = JsonSchemaType.Number, Minimum = N(min), Maximum = N(max), Default = byDefault is { } d ? JsonValue.Create(d) : null,
    };

    static OpenApiSchema OneOf(IEnumerable<string> values, string? byDefault = null) => new()
    {
        Type = JsonSchemaType.String, Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v)!)],
        Default = byDefault is null ? null : JsonValue.Create(byDefault),
    };

    static OpenApiSchema Str(string? pattern = null, int? min = null, int? max = null, string? format = null) =>
        new() { Type = JsonSchemaType.String, Pattern = pattern, MinLength = min, MaxLength = max, Format = format };

    const string CodePattern = "^([A-Z][0-9]{8}|[A-Z0-9]{3}|[A-Z0-9]{5})$";

    static readonly Dictionary<string, Doc> Docs = new()
    {
        // Areas and levels
        ["level"] = new(() => OneOf(AreaLevels.Ids(), "lad"), "The level of areas (GET /api/catalog describes each).", true),
        ["api/areas|level"] = new(() => OneOf(AreaLevels.Ids(), "lad"), "The level of areas (GET /api/catalog describes each)."),
        ["api/gaps|level"] = new(() => OneOf(AreaLevels.Ids(l => l.Gaps), "lad"), "The level of areas to rank."),
        ["maps/{level}/{code}.png|level"] = new(() => OneOf(AreaLevels.Ids(l => l.Maps)), "The level of the area.", true),
        ["reports/{level}/{code}.pdf|level"] = new(() => OneOf(AreaLevels.Ids(l => l.Reports)), "The level of the area.", true),
        ["reports/{level}/{code}.docx|level"] = new(() => OneOf(AreaLevels.Ids(l => l.Reports)), "The level of the area.", true),
        ["reports/{level}/{code}.html|level"] = new(() => OneOf(AreaLevels.Ids(l => l.Reports)), "The level of the area.", true),
        ["code"] = new(() => Str(CodePattern), "An area's ONS GSS code (a letter and eight digits), or the ODS code of a sub-ICB location without one.", true),
        ["within"] = new(() => Str(CodePattern), "Only the areas inside this area (an ICB, region or council code); an area partly inside is marked partial."),
        ["format"] = new(() => OneOf(["json", "csv", "geojson"], "json"), "json (default), csv, or geojson with each area's boundary."),
        ["api/teams|format"] = new(() => OneOf(["json", "csv"], "json"), "json (default) or csv."),
        ["api/area-evidence|format"] = new(() => OneOf(["json", "csv"], "json"), "json (default) or csv."),
        ["q"] = new(() => Str(min: 2, max: 100), "2 to 100 characters of an area's name or code.", true),
        ["limit"] = new(() => Int(1, 50, 10), "How many hits."),
        ["api/gaps|limit"] = new(() => Int(1, 10_000, 20), "How many of the areas with most unmet need."),
        ["api/teams/changes|limit"] = new(() => Int(1, 200, 50), "Changes per page."),
        ["ogc/collections/{id}/items|limit"] = new(() => Int(1, 10_000, 10), "Features per page (next links page on)."),
        ["as_of"] = new(() => Str(format: "date"), "The day whose NHS boundaries to use (yyyy-mm-dd): the ICBs in force then."),
        ["icb_vintage"] = new(() => OneOf(AreaLevels.Vintages("icb").Select(l => l.Id)), "The ICB boundaries to use, by their level id; not with as_of."),
        // The model
        ["need_model"] = new(() => OneOf(ModelParameters.NeedModels, "risk"), "How need is estimated: risk (default; rises with income deprivation), flat, or deprivation (a multiplier)."),
        ["risk_odds_ratio"] = new(() => Num(1, 20, 5), "Odds of need for an infant in an income-deprived household against one not; only with need_model=risk."),
        ["gradient"] = new(() => Num(0, 0.9), "How steeply need rises with deprivation; only with need_model=deprivation."),
        ["need_weight"] = new(() => OneOf(["imd", "child_poverty"]), "What deprivation weights need; only with need_model=deprivation."),
        ["deprivation"] = new(() => OneOf(["iod2025", "imd2019"], "iod2025"), "Which English Indices of Deprivation."),
        ["population"] = new(() => OneOf(ModelParameters.Populations), "Which ONS population estimates give births and infants."),
        ["uncertain_teams"] = new(() => OneOf(["include", "exclude"]), "Whether teams that may not meet the definition count."),
        ["evidence_max_age_years"] = new(() => Num(0.5, 20, 3), "How old a statement of \"no team\" may be and still count, in years."),
        // Teams and the register
        ["reconfirm_after_months"] = new(() => Int(1, 240, 24), "Months without confirmation after which a team needs re-confirming."),
        ["needs_reconfirming"] = new(() => new OpenApiSchema { Type = JsonSchemaType.Boolean }, "Only the teams that do (true) or do not (false) need re-confirming."),
        ["before"] = new(() => Int(1), "Changes before this seq (the next link gives it)."),
        ["state"] = new(() => OneOf([.. Cradle.Data.Register.Contributions.States, "all"], "submitted"), "Which contributions to list."),
        ["id"] = new(() => Str("^[a-z0-9][a-z0-9-]{1,62}$"), "A team's id in the register.", true),
        ["reference"] = new(() => Str("^C-[A-Z0-9]{8}$"), "A contribution's reference, as its 202 gave it.", true),
        ["version"] = new(() => Str("^([1-9][0-9]*|latest)$"), "A data version (a positive whole number), or latest.", true),
        ["file"] = new(() => OneOf(["teams.csv", "area-evidence.csv", "service-areas.geojson", "datapackage.json"]), "Which file of the release.", true),
        // Maps and reports
        ["metric"] = new(() => OneOf(Figures.All.Where(f => f.Map).Select(f => f.Id), "unmet_need_per_1000_births"), "The figure to map."),
        ["width"] = new(() => Int(300, 4000, 1200), "Image width in pixels."),
        ["height"] = new(() => Int(300, 4000, 900), "Image height in pixels."),
        ["scenario"] = new(() => Str(max: 4000), "New teams for the case, as the viewer writes them (see the report's own page)."),
        ["close"] = new(() => Str("^[a-z0-9-]+(,[a-z0-9-]+){0,99}$"), "Register team ids to take out in the first option, separated by ','."),
        ["option2"] = new(() => Str(max: 4000), "A second option's new teams, written as scenario."),
        ["option3"] = new(() => Str(max: 4000), "A third option's new teams, written as scenario."),
        ["option_names"] = new(() => Str(max: 250), "Up to three option names separated by '|', each at most 80 characters."),
        ["benefit_per_family_low"] = new(() => Num(0, 10_000_000), "The low estimate of the benefit a family served brings, pounds (indicative)."),
        ["benefit_per_family_central"] = new(() => Num(0, 10_000_000), "The central estimate, pounds (indicative)."),
        ["benefit_per_family_high"] = new(() => Num(0, 10_000_000), "The high estimate, pounds (indicative)."),
        // Tiles
        ["layer"] = new(() => OneOf(Cradle.Data.Tiles.TileStore.Layers.Select(l => l.Id)), "The tile layer.", true),
        ["z"] = new(() => Int(0, 22), "Zoom.", true),
        ["x"] = new(() => Int(0), "Column, 0 to 2^z − 1.", true),
        ["y"] = new(() => Int(0), "Row, 0 to 2^z − 1.", true),
        // OGC API – Features
        ["ogc/collections/{id}|id"] = new(() => OneOf(Cradle.Api.Ogc.OgcCollections.All.Select(c => c.Id)), "The collection.", true),
        ["ogc/collections/{id}/items|id"] = new(() => OneOf(Cradle.Api.Ogc.OgcCollections.All.Select(c => c.Id)), "The collection.", true),
        ["ogc/collections/{id}/items/{featureId}|id"] = new(() => OneOf(Cradle.Api.Ogc.OgcCollections.All.Select(c => c.Id)), "The collection.", true),
        ["ogc/collections/{id}/schema|id"] = new(() => OneOf(Cradle.Api.Ogc.OgcCollections.All.Select(c => c.Id)), "The collection.", true),
        ["ogc/collections/{id}/queryables|id"] = new(() => OneOf(Cradle.Api.Ogc.OgcCollections.All.Select(c => c.Id)), "The collection.", true),
        ["featureId"] = new(() => Str(min: 1, max: 64), "An area's code, or a team's id.", true),
        ["bbox"] = new(() => Str(@"^-?[0-9.]+(,-?[0-9.]+){3}(,-?[0-9.]+,-?[0-9.]+)?$"), "min lon, min lat, max lon, max lat in CRS84 (or six numbers with heights, which are ignored)."),
        ["datetime"] = new(() => Str(@"^(\.\.|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[^/]+)?)(/(\.\.|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[^/]+)?)?)?$"), "An RFC 3339 instant or date, or an interval start/end with '..' open: areas whose boundaries, and teams that ran, then."),
        ["offset"] = new(() => Int(0, null, 0), "Features to skip (the next link gives it)."),
        ["profile"] = new(() => OneOf(["geojson"]), "geojson: a GeoJSON Feature's JSON Schema (what GDAL 3.6 reads); leave out for Part 5's."),
    };

    public static Doc? Find(string route, string name) => Docs.GetValueOrDefault($"{route}|{name}") ?? Docs.GetValueOrDefault(name);

    /// <summary>Parameters the handlers read from the request itself, which the framework cannot see.</summary>
    public static IEnumerable<OpenApiParameter> Unbound(string route, string method)
    {
        if (route == "ogc" || route.StartsWith("ogc/", StringComparison.Ordinal))
            yield return new OpenApiParameter { Name = "f", In = ParameterLocation.Query, Description = "The format; only JSON (GeoJSON for features) is offered.",
                Schema = OneOf(["json", "geojson", "application/json", "application/geo+json"]) };
        if (route == "ogc/collections/{id}/items")
            foreach (var q in Cradle.Api.Ogc.OgcCollections.All.SelectMany(c => c.Queryables).DistinctBy(q => q.Name))
                yield return new OpenApiParameter { Name = q.Name, In = ParameterLocation.Query,
                    Description = $"A queryable (GET …/queryables): only the features whose {q.Name} equals this. {q.Description}",
                    Schema = q.Enum is { } e ? OneOf(e) : q.Type == "boolean" ? new OpenApiSchema { Type = JsonSchemaType.Boolean } : Str(min: 1, max: 100) };
        if (route == "tiles/{layer}/{z}/{x}/{y}.mvt")
            yield return new OpenApiParameter { Name = "v", In = ParameterLocation.Query, Schema = Str("^[0-9]+\\.[0-9]{8}$"),
                Description = "The edition tag TileJSON's URLs carry (data version and day): the answer is then cacheable for good." };
        if (route == "api/teams/{id}" && method is "PUT" or "DELETE")
            yield return new OpenApiParameter { Name = "If-Match", In = ParameterLocation.Header, Schema = Str(@"^(\*|(W/)?""[^""]*"")$"),
                Description = "The ETag of the GET the change was made from: 412, and nothing written, if the team changed since. Without it the write replaces whatever is there." };
    }
}
