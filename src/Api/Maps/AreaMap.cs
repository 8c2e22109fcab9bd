using Cradle.Api.Infrastructure;
using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Dapper;
using NetTopologySuite.IO;
using Npgsql;
using SkiaSharp;
using Cradle.Api.Model;

namespace Cradle.Api.Maps;

/// <summary>The map of an area and its neighbours (the use case behind GET /maps and the reports' maps): what it shows, ready to draw.</summary>
public static class AreaMap
{
    /// <summary>What the map of an area and its neighbours for a figure shows.</summary>
    /// <param name="proposed">The LSOAs (indices) of each new team of a scenario, to be drawn as proposed.</param>
    public static async Task<MapRequest> RequestAsync(ModelStore store, NpgsqlDataSource db, ModelSnapshot s, string level, string code, Figure m, int w, int h,
        ModelParameters p, IReadOnlyList<IReadOnlyList<int>> proposed, CancellationToken ct)
    {
        var run = store.Baseline(s, p);
        var lv = s.Levels[level];
        int index = lv.Index[code];
        var figures = store.Figures(s, p, level).Areas;
        var dep = store.Deprivation(s, level, p);

        await using var conn = await db.OpenConnectionAsync(ct);
        // The area, and its neighbours in a window around it, generalised to about a pixel.
        // Above district level, the districts inside too (outlined and named), in the same query and generalised alike.
        var lads = s.Levels["lad"];
        var inside = level != "lad" && s.AreasWithin("lad", code) is { } within ? within.Select(i => lads.Codes[i]).ToArray() : [];
        var rows = (await conn.QueryAsync<(string Level, string Code, byte[] Wkb)>(new CommandDefinition("""
            with focus as (select geom, greatest(st_xmax(geom) - st_xmin(geom), st_ymax(geom) - st_ymin(geom)) as size from cradle.area where level = @level and code = @code)
            select a.level, a.code, st_asbinary(st_simplifypreservetopology(a.geom, f.size / @px))
            from cradle.area a, focus f
            where (a.level = @level and a.country = 'E' and a.geom && st_expand(f.geom, f.size * 0.6)) or (a.level = 'lad' and a.code = any(@inside))
            """, new { level, code, inside, px = (double)Math.Max(w, h) }, cancellationToken: ct))).ToList();
        var reader = new WKBReader();
        var inner = rows.Where(r => r.Level == "lad" && level != "lad")
            .Select(r => new MapArea(r.Code, lads.Names[lads.Index[r.Code]], reader.Read(r.Wkb), null, TeamState.NotKnown, false)).ToList();
        var areas = rows.Where(r => r.Level == level && lv.Index.ContainsKey(r.Code)).Select(r =>
        {
            int i = lv.Index[r.Code];
            return new MapArea(r.Code, figures[i].Name, reader.Read(r.Wkb), m.Value!(figures[i], dep[i]), figures[i].TeamState, r.Code == code);
        }).ToList();
        // The service areas of the teams that reach any area shown, in one query.
        var shown = areas.Select(a => lv.Index[a.Code]).ToHashSet();
        var pairs = run.Teams.Where(t => t.Lsoas.Any(i => lv.LsoaArea[i] >= 0 && shown.Contains(lv.LsoaArea[i])))
            .SelectMany(t => t.Lsoas.Select(i => (t.Id, Code: s.LsoaCodes[i]))).ToList();
        var teams = await Outlines(conn, reader, pairs, ct);
        var proposedAreas = await Outlines(conn, reader, proposed.SelectMany((lsoas, k) => lsoas.Select(i => ($"proposed-{k}", Code: s.LsoaCodes[i]))).ToList(), ct);

        var palette = Figures.PaletteOf(m).Colours;
        var breaks = store.Breaks(s, m)[level];
        var classes = breaks.Select((b, i) => new MapClass(b, i + 1 < breaks.Length ? breaks[i + 1] : double.PositiveInfinity, SKColor.Parse(palette[i]),
            i + 1 < breaks.Length ? $"{m.Text(b)} – {m.Text(breaks[i + 1])}" : $"{m.Text(b)} and over")).ToList();
        return new MapRequest($"{m.Label}: {figures[index].Name}", $"{AreaLevels.Get(level).Singular} and neighbours · data version {s.DataVersion}",
            m.Unit, areas, teams, classes, w, h, MapEndpoints.Attribution + (s.DerivedIcbLookup ? " ICBs of April 2026 derived by Cradle." : ""), proposedAreas, inner);
    }

    /// <summary>Each team's area, the union of its LSOAs, in one query (none without teams).</summary>
    static async Task<List<NetTopologySuite.Geometries.Geometry>> Outlines(NpgsqlConnection conn, WKBReader reader, List<(string Id, string Code)> pairs, CancellationToken ct) =>
        pairs.Count == 0 ? [] : (await conn.QueryAsync<byte[]>(new CommandDefinition("""
            select st_asbinary(st_union(a.geom)) from unnest(@ids::text[], @codes::text[]) as x(id, code)
            join cradle.area a on a.level = 'lsoa' and a.code = x.code group by x.id
            """, new { ids = pairs.Select(x => x.Id).ToArray(), codes = pairs.Select(x => x.Code).ToArray() }, cancellationToken: ct)))
            .Select(wkb => reader.Read(wkb)).ToList();
}
