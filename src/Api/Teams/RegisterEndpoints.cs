using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using Cradle.Api.Infrastructure;
using Cradle.Core.Coverage;
using Cradle.Core.Register;
using Cradle.Data.Register;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Cradle.Api.Model;

namespace Cradle.Api.Teams;

public sealed record ChangeLog(int Count, string? Next, IReadOnlyList<TeamChange> Changes);

/// <summary>A published release of the register: its data version and where its files are.</summary>
public sealed record RegisterReleaseOut(long DataVersion, DateTime At, string TeamsCsv, string AreaEvidenceCsv, string ServiceAreasGeojson, string Datapackage);

public sealed record RegisterIndex(string Licence, string LicenceUrl, string Attribution, long? Latest, IReadOnlyList<RegisterReleaseOut> Releases);

/// <summary>The register's public change log (JSON and Atom), and the register as open data, release by release.</summary>
public static class RegisterEndpoints
{
    public static void MapRegister(this IEndpointRouteBuilder app)
    {
        var teams = app.MapGroup("/api/teams").WithTags("Teams");
        teams.MapGet("/changes", Changes).AllowQuery("limit", "before").ProducesProblem(400)
            .WithSummary("The register's change log, newest first: every change to a team or an area's evidence, with who made it, the fields changed and the source it rests on; and every contribution turned down, with the reason")
            .WithDescription("limit: 1 to 200 (default 50); before: a seq, for the next page (the answer's next link). An Atom feed of the same: GET /api/teams/changes.atom.");
        teams.MapGet("/changes.atom", Atom).AllowQuery().Produces(200, contentType: "application/atom+xml")
            .WithSummary("The register's change log as an Atom feed (the newest 100 changes)");
        var register = app.MapGroup("/api/register").WithTags("Register as open data");
        register.MapGet("/", Index).AllowQuery()
            .WithSummary("The register as open data: its licence and every release (a data version at which the register changed), with the addresses of its files");
        register.MapGet("/{version}/{file}", File).AllowQuery().ProducesProblem(404).Produces(302)
            .Produces(200, contentType: "text/csv").Produces(200, contentType: "application/geo+json").Produces(200, contentType: "application/json")
            .WithSummary("A file of the register as released at a data version: teams.csv, area-evidence.csv, service-areas.geojson or datapackage.json")
            .WithDescription("version: a data version (the release in force at it: the same bytes for good) or latest (a redirect to the newest). " +
                "datapackage.json is a Frictionless Data Package describing the three files with their schema, licence and sources.");
    }

    static async Task<Results<Ok<ChangeLog>, ProblemHttpResult>> Changes(TeamRegister register, string? limit, string? before, CancellationToken ct)
    {
        int n = 50;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out n) || n is < 1 or > 200))
            return ApiProblems.BadParameter("limit", $"'{ModelQuery.Clip(limit)}' is not a whole number from 1 to 200");
        long? beforeSeq = null;
        if (before is not null)
        {
            if (!long.TryParse(before, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var b) || b < 1)
                return ApiProblems.BadParameter("before", $"'{ModelQuery.Clip(before)}' is not a change's seq (a positive whole number)");
            beforeSeq = b;
        }
        var changes = await register.ChangesAsync(n + 1, beforeSeq, ct);
        var page = changes.Take(n).ToList();
        string? next = changes.Count > n ? $"/api/teams/changes?limit={n}&before={page[^1].Seq}" : null;
        return TypedResults.Ok(new ChangeLog(page.Count, next, page));
    }

    static string Describe(TeamChange c)
    {
        if (c.Entity == "contribution") return $"contribution {c.Contribution} about {c.TeamId} rejected";
        var what = c.Entity == "team" ? $"team {c.TeamId}" : $"area evidence for {c.TeamId}";
        var verb = c.Action switch { "create" => "added", "delete" => "removed", "import" => "changed by an import", _ => "changed" };
        var fields = c.Fields.Count > 0 && c.Action is "update" or "import" ? $" ({string.Join(", ", c.Fields)})" : "";
        return $"{what} {verb}{fields}";
    }

    static async Task<IResult> Atom(HttpContext http, TeamRegister register, CancellationToken ct)
    {
        var changes = await register.ChangesAsync(100, null, ct);
        var b = http.Request.PublicBase();
        var feed = new SyndicationFeed("Cradle team register: changes", "Every change to the register of parent-infant relationship teams in England, with its source",
            new Uri($"{b}/api/teams/changes"), $"{b}/api/teams/changes.atom", changes.Count > 0 ? changes[0].At : DateTime.UnixEpoch)
        {
            Copyright = new TextSyndicationContent(RegisterPackage.Attribution),
            Items = changes.Select(c =>
            {
                // Text, never markup: a contribution's words reach a feed reader as words.
                var summary = $"{Describe(c)} by {c.Actor}, data version {c.DataVersion}." +
                    (c.Source is { } s ? $" Source: {s}." : "") + (c.Contribution is { } r ? $" Contribution {r}." : "");
                var item = new SyndicationItem(Describe(c), new TextSyndicationContent(summary), new Uri($"{b}/api/teams/changes?before={c.Seq + 1}&limit=1"),
                    $"tag:cradle,2026:register-change:{c.Seq}", new DateTimeOffset(DateTime.SpecifyKind(c.At, DateTimeKind.Utc)));
                if (c.Source is { } src && Uri.TryCreate(src, UriKind.Absolute, out var u)) item.Links.Add(new SyndicationLink(u, "related", "Source", null, 0));
                item.Authors.Add(new SyndicationPerson { Name = c.Actor });
                return item;
            }).ToList(),
        };
        feed.Authors.Add(new SyndicationPerson { Name = "Cradle" });
        var output = new MemoryStream();
        using (var w = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
            new Atom10FeedFormatter(feed).WriteTo(w);
        return TypedResults.Bytes(output.ToArray(), "application/atom+xml; charset=utf-8");
    }

    static RegisterReleaseOut Out(long version, DateTime at)
    {
        var p = $"/api/register/{version}";
        return new(version, at, $"{p}/teams.csv", $"{p}/area-evidence.csv", $"{p}/service-areas.geojson", $"{p}/datapackage.json");
    }

    static async Task<Ok<RegisterIndex>> Index(TeamRegister register, CancellationToken ct)
    {
        var releases = await register.ReleasesAsync(ct);
        return TypedResults.Ok(new RegisterIndex(RegisterPackage.Licence, RegisterPackage.LicenceUrl, RegisterPackage.Attribution,
            releases.Count > 0 ? releases[0].DataVersion : null, releases.Select(r => Out(r.DataVersion, r.At)).ToList()));
    }

    static readonly string[] Files = ["teams.csv", "area-evidence.csv", "service-areas.geojson", "datapackage.json"];

    static async Task<IResult> File(HttpContext http, TeamRegister register, ModelStore store, string version, string file, CancellationToken ct)
    {
        if (!Files.Contains(file)) return ApiProblems.NotFound("file", $"A release has {string.Join(", ", Files)}; not '{ModelQuery.Clip(file)}'.");
        long current = await store.CurrentVersionAsync(ct);
        if (version == "latest")
        {
            var newest = await register.ReleaseAsync(current, ct);
            return newest is null ? ApiProblems.NotFound("release", "The register has no release yet (it is made by the first import).")
                : TypedResults.Redirect($"/api/register/{newest.DataVersion}/{file}");
        }
        if (!long.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) || v < 1)
            return ApiProblems.BadParameter("version", $"'{ModelQuery.Clip(version)}' is not a data version (a positive whole number) or latest");
        if (v > current) return ApiProblems.NotFound("release", $"Data version {v} is after the current one ({current}).");
        var release = await register.ReleaseAsync(v, ct);
        if (release is null) return ApiProblems.NotFound("release", $"The register had no release at data version {v}.");
        // The release in force at a version is the same bytes for good: cache it for a year.
        http.Response.OnStarting(() => { http.Response.Headers.CacheControl = "public, max-age=31536000, immutable"; return Task.CompletedTask; });
        return file switch
        {
            "teams.csv" => TypedResults.Text(release.TeamsCsv, "text/csv; charset=utf-8", Encoding.UTF8),
            "area-evidence.csv" => TypedResults.Text(release.EvidenceCsv, "text/csv; charset=utf-8", Encoding.UTF8),
            "datapackage.json" => TypedResults.Text(RegisterPackage.Descriptor(release.DataVersion, release.At).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }),
                "application/json; charset=utf-8", Encoding.UTF8),
            _ => TypedResults.Bytes(await ServiceAreas(register.Database, await store.SnapshotAsync(ct), release, ct), GeoJsonWriter.MediaType),
        };
    }

    /// <summary>Each team of the release with its service area: the union of its LSOAs, as the current boundaries draw them.</summary>
    static async Task<byte[]> ServiceAreas(NpgsqlDataSource db, ModelSnapshot s, RegisterRelease release, CancellationToken ct)
    {
        var teams = RegisterFiles.TeamsOfText($"register release {release.DataVersion}, teams.csv", release.TeamsCsv);
        var pairs = teams.SelectMany(t => s.Resolve(t.ServiceAreas).Lsoas.Select(i => (t.Id, Code: s.LsoaCodes[i]))).ToList();
        await using var conn = await db.OpenConnectionAsync(ct);
        var shapes = (await conn.QueryAsync<(string Id, string Geometry)>(new CommandDefinition("""
            select x.id, st_asgeojson(st_transform(st_union(a.geom), 4326), 6)
            from unnest(@ids::text[], @codes::text[]) as x(id, code)
            join cradle.area a on a.level = 'lsoa' and a.code = x.code
            group by x.id
            """, new { ids = pairs.Select(p => p.Id).ToArray(), codes = pairs.Select(p => p.Code).ToArray() }, cancellationToken: ct))).ToDictionary(x => x.Id, x => x.Geometry);
        var header = TeamCsv.Columns;
        var features = teams.Select(t => new GeoJsonFeature(t.Id, shapes.GetValueOrDefault(t.Id),
            header.Zip(TeamCsv.Cells(t)).Select(x => new KeyValuePair<string, object?>(x.First, x.Second)).ToList()));
        return GeoJsonWriter.Collection(features, w =>
        {
            w.WriteNumber("data_version", release.DataVersion);
            w.WriteString("licence", RegisterPackage.Licence);
            w.WriteString("attribution", RegisterPackage.Attribution);
        });
    }
}
