using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;

namespace Cradle.Geo.Sources;

/// <summary>
/// A GeoJSON FeatureCollection, plain or gzipped. RFC 7946 files are WGS 84 lon/lat; a legacy
/// <c>crs</c> member (as GDAL writes for EPSG:27700) is honoured; an unknown one is an error.
/// </summary>
public sealed class GeoJsonFile : SourceFile
{
    readonly JsonDocument _doc;
    readonly JsonElement _features;
    readonly string[] _columns;
    static readonly GeometryFactory Factory = new();

    public GeoJsonFile(string path) : base(path)
    {
        var bytes = ReadAllBytes(path);
        try
        {
            _doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } l ? $"line {l + 1}, byte {e.BytePositionInLine + 1}" : null;
            var why = AtEnd(bytes, e.LineNumber)
                ? "the JSON ends early (is the file cut short?)"
                : "not valid JSON: " + e.Message.Split(" LineNumber")[0];
            throw new DataFileException(path, where, why);
        }
        var root = _doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var t) || t.GetString() != "FeatureCollection")
            throw new DataFileException(path, null, "not a GeoJSON FeatureCollection");
        if (!root.TryGetProperty("features", out _features) || _features.ValueKind != JsonValueKind.Array)
            throw new DataFileException(path, null, "the FeatureCollection has no \"features\" array");
        Crs = ReadCrs(path, root);

        var columns = new List<string>();
        var seen = new HashSet<string>();
        foreach (var f in _features.EnumerateArray())
            if (f.ValueKind == JsonValueKind.Object && f.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object)
                foreach (var prop in p.EnumerateObject())
                    if (seen.Add(prop.Name)) columns.Add(prop.Name);
        _columns = columns.ToArray();
    }

    /// <summary>Whether a parse error sits on the file's last line with content: a truncated file, not a typo.</summary>
    static bool AtEnd(byte[] bytes, long? errorLine)
    {
        if (errorLine is null) return true;
        int end = bytes.Length;
        while (end > 0 && bytes[end - 1] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') end--;
        long lastLine = 0;
        for (int i = 0; i < end; i++) if (bytes[i] == (byte)'\n') lastLine++;
        return errorLine >= lastLine;
    }

    public override IReadOnlyList<string> Columns => _columns;
    public override bool IsSpatial => true;
    public int FeatureCount => _features.GetArrayLength();

    static KnownCrs ReadCrs(string path, JsonElement root)
    {
        if (!root.TryGetProperty("crs", out var crs) || crs.ValueKind == JsonValueKind.Null)
            return KnownCrs.Wgs84; // RFC 7946
        string? name = null;
        if (crs.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
        {
            if (props.TryGetProperty("name", out var n)) name = n.GetString();
            else if (props.TryGetProperty("code", out var c)) name = "EPSG:" + c.ToString();
        }
        return KnownCrs.FromName(name ?? crs.ToString())
            ?? throw new DataFileException(path, "crs member", $"unknown CRS '{name ?? crs.ToString()}'; Cradle reads {KnownCrs.Supported}");
    }

    public override IEnumerable<RawRecord> Records()
    {
        int index = 0;
        foreach (var f in _features.EnumerateArray())
        {
            index++;
            string where = $"feature {index}";
            if (f.ValueKind != JsonValueKind.Object)
                throw new DataFileException(Path, where, "a feature must be a JSON object");
            var cells = new string?[_columns.Length];
            if (f.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object)
                for (int i = 0; i < _columns.Length; i++)
                    if (p.TryGetProperty(_columns[i], out var v)) cells[i] = CellText(v);
            // The document is read-only once parsed, so features decode safely on other threads.
            Func<Geometry?> geometry = f.TryGetProperty("geometry", out var g) && g.ValueKind != JsonValueKind.Null
                ? () => ParseGeometry(g, Path, where)
                : RawRecord.NoGeometry;
            yield return new RawRecord(where, cells, geometry, index);
        }
    }

    static string? CellText(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => v.GetRawText(),
    };

    /// <summary>GeoJSON geometry to NTS, with messages that say what is malformed.</summary>
    public static Geometry ParseGeometry(JsonElement g, string path, string where)
    {
        if (g.ValueKind != JsonValueKind.Object || !g.TryGetProperty("type", out var typeEl) || typeEl.ValueKind != JsonValueKind.String)
            throw new DataFileException(path, where, "the geometry has no \"type\"");
        var type = typeEl.GetString()!;
        if (type == "GeometryCollection")
        {
            if (!g.TryGetProperty("geometries", out var gs) || gs.ValueKind != JsonValueKind.Array)
                throw new DataFileException(path, where, "a GeometryCollection without \"geometries\"");
            return Factory.CreateGeometryCollection(gs.EnumerateArray().Select(x => ParseGeometry(x, path, where)).ToArray());
        }
        if (!g.TryGetProperty("coordinates", out var c) || c.ValueKind != JsonValueKind.Array)
            throw new DataFileException(path, where, $"the {type} has no \"coordinates\" array");
        try
        {
            return type switch
            {
                "Point" => c.GetArrayLength() == 0 ? Factory.CreatePoint() : Factory.CreatePoint(Position(c)),
                "MultiPoint" => Factory.CreateMultiPoint(c.EnumerateArray().Select(x => Factory.CreatePoint(Position(x))).ToArray()),
                "LineString" => Factory.CreateLineString(Positions(c)),
                "MultiLineString" => Factory.CreateMultiLineString(c.EnumerateArray().Select(x => Factory.CreateLineString(Positions(x))).ToArray()),
                "Polygon" => Polygon(c),
                "MultiPolygon" => Factory.CreateMultiPolygon(c.EnumerateArray().Select(Polygon).ToArray()),
                _ => throw new FormatException($"unknown geometry type '{type}'"),
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new DataFileException(path, where, $"malformed {type}: {e.Message}");
        }
    }

    static Polygon Polygon(JsonElement rings)
    {
        if (rings.ValueKind != JsonValueKind.Array) throw new FormatException("a polygon must be an array of rings");
        if (rings.GetArrayLength() == 0) return Factory.CreatePolygon();
        var all = rings.EnumerateArray().Select(r =>
        {
            var pts = Positions(r);
            if (pts.Length < 4) throw new FormatException($"a ring has {pts.Length} positions; at least 4 are needed");
            if (!pts[0].Equals2D(pts[^1])) throw new FormatException("a ring is not closed (its first and last positions differ)");
            return Factory.CreateLinearRing(pts);
        }).ToArray();
        return Factory.CreatePolygon(all[0], all[1..]);
    }

    static Coordinate[] Positions(JsonElement a)
    {
        if (a.ValueKind != JsonValueKind.Array) throw new FormatException("expected an array of positions");
        var result = new Coordinate[a.GetArrayLength()];
        int i = 0;
        foreach (var p in a.EnumerateArray()) result[i++] = Position(p);
        return result;
    }

    static Coordinate Position(JsonElement p)
    {
        if (p.ValueKind != JsonValueKind.Array || p.GetArrayLength() < 2)
            throw new FormatException("a position must be an array of at least two numbers");
        if (p[0].ValueKind != JsonValueKind.Number || p[1].ValueKind != JsonValueKind.Number)
            throw new FormatException($"a position holds {p.GetRawText()}, not numbers");
        double x = p[0].GetDouble(), y = p[1].GetDouble();
        if (!double.IsFinite(x) || !double.IsFinite(y)) throw new FormatException("a coordinate is not finite");
        return new Coordinate(x, y);
    }

    public override void Dispose() => _doc.Dispose();
}
