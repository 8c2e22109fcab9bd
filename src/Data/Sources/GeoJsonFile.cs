using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using Cradle.Core;

namespace Cradle.Data.Sources;

/// <summary>
/// A GeoJSON FeatureCollection, plain or gzipped. RFC 7946 files are WGS 84 lon/lat; a legacy
/// <c>crs</c> member (as GDAL writes for EPSG:27700) is honoured; an unknown one is an error.
/// </summary>
/// <remarks>
/// One pass of <see cref="Utf8JsonReader"/> checks the whole document and notes where each feature
/// lies; records then read their properties from those bytes, and geometries are decoded on
/// whichever thread asks (the loader's workers). No document tree of the whole file is built: on
/// the 16.7 MB LSOA file that tree took 0.2 s on one thread before any work could be shared.
/// </remarks>
public sealed class GeoJsonFile : SourceFile
{
    static readonly JsonReaderOptions Options = new() { MaxDepth = 256 };
    static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };
    readonly byte[] _bytes;
    /// <summary>Where a feature's parts lie in the file's bytes (lengths 0 when absent or null).</summary>
    readonly record struct FeatureSpan(bool IsObject, int PropertiesStart, int PropertiesLength, int GeometryStart, int GeometryLength);

    readonly List<FeatureSpan> _features = [];
    readonly string[] _columns;
    readonly Dictionary<string, int> _columnIndex;
    static readonly GeometryFactory Factory = new();

    public GeoJsonFile(string path) : base(path)
    {
        _bytes = ReadAllBytes(path);
        var columns = new List<string>();
        try
        {
            Crs = Scan(columns);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } l ? $"line {l + 1}, byte {e.BytePositionInLine + 1}" : null;
            var why = AtEnd(_bytes, e.LineNumber, e.BytePositionInLine)
                ? "the JSON ends early (is the file cut short?)"
                : "not valid JSON: " + e.Message.Split(" LineNumber")[0];
            throw new DataFileException(path, where, why);
        }
        _columns = columns.ToArray();
        _columnIndex = _columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
    }

    /// <summary>Checks the document, finds the features and the union of their property names, and reads the CRS.</summary>
    KnownCrs Scan(List<string> columns)
    {
        var r = new Utf8JsonReader(_bytes, Options);
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject) { Drain(ref r); throw NotACollection(); }
        bool collection = false, hasFeatures = false;
        KnownCrs crs = KnownCrs.Wgs84; // RFC 7946
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var name = r.GetString();
            r.Read();
            switch (name)
            {
                case "type":
                    collection = r.TokenType == JsonTokenType.String && r.ValueTextEquals("FeatureCollection");
                    r.Skip();
                    break;
                case "crs":
                    using (var doc = JsonDocument.ParseValue(ref r)) crs = ReadCrs(Path, doc.RootElement);
                    break;
                case "features" when r.TokenType == JsonTokenType.StartArray:
                    hasFeatures = true;
                    while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                    {
                        if (r.TokenType == JsonTokenType.StartObject) _features.Add(ScanFeature(ref r, columns, seen));
                        else { r.Skip(); _features.Add(default); }
                    }
                    break;
                default:
                    r.Skip();
                    break;
            }
        }
        Drain(ref r); // the rest must be well-formed too (and nothing may follow the object)
        if (!collection) throw NotACollection();
        if (!hasFeatures) throw new DataFileException(Path, null, "the FeatureCollection has no \"features\" array");
        return crs;
    }

    DataFileException NotACollection() => new(Path, null, "not a GeoJSON FeatureCollection");

    static void Drain(ref Utf8JsonReader r) { while (r.Read()) { } }

    /// <summary>At a feature's start: notes where its properties and geometry lie and adds its
    /// property names; leaves the reader at the feature's end.</summary>
    static FeatureSpan ScanFeature(ref Utf8JsonReader r, List<string> columns, HashSet<string> seen)
    {
        int ps = 0, pl = 0, gs = 0, gl = 0;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            bool properties = r.ValueTextEquals("properties"), geometry = !properties && r.ValueTextEquals("geometry");
            r.Read();
            int start = (int)r.TokenStartIndex;
            if (properties && r.TokenType == JsonTokenType.StartObject)
            {
                while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                {
                    var name = r.GetString()!;
                    if (seen.Add(name)) columns.Add(name);
                    r.Read();
                    r.Skip();
                }
                (ps, pl) = (start, (int)r.BytesConsumed - start);
            }
            else if (geometry && r.TokenType != JsonTokenType.Null)
            {
                r.Skip();
                (gs, gl) = (start, (int)r.BytesConsumed - start);
            }
            else r.Skip();
        }
        return new FeatureSpan(true, ps, pl, gs, gl);
    }

    /// <summary>Whether a parse error sits at the very end of the content: a truncated file, not a typo.</summary>
    static bool AtEnd(byte[] bytes, long? errorLine, long? errorByte)
    {
        if (errorLine is null) return true;
        int end = bytes.Length;
        while (end > 0 && bytes[end - 1] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') end--;
        long line = 0, lineStart = 0;
        for (int i = 0; i < end && line < errorLine; i++)
            if (bytes[i] == (byte)'\n') { line++; lineStart = i + 1; }
        return line == errorLine && lineStart + (errorByte ?? 0) >= end;
    }

    public override IReadOnlyList<string> Columns => _columns;
    public override bool IsSpatial => true;
    public int FeatureCount => _features.Count;

    static KnownCrs ReadCrs(string path, JsonElement crs)
    {
        if (crs.ValueKind == JsonValueKind.Null) return KnownCrs.Wgs84;
        string? name = null;
        if (crs.ValueKind == JsonValueKind.Object && crs.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
        {
            if (props.TryGetProperty("name", out var n)) name = n.ValueKind == JsonValueKind.String ? n.GetString() : n.GetRawText();
            else if (props.TryGetProperty("code", out var c)) name = "EPSG:" + c.ToString();
        }
        return KnownCrs.FromName(name ?? crs.ToString())
            ?? throw new DataFileException(path, "crs member", $"unknown CRS '{name ?? crs.ToString()}'; Cradle reads {KnownCrs.Supported}");
    }

    public override IEnumerable<RawRecord> Records()
    {
        for (int i = 0; i < _features.Count; i++)
        {
            int index = i + 1;
            string where = $"feature {index}";
            var (cells, geometry) = ReadFeature(_features[i], where);
            yield return new RawRecord(where, cells, geometry, index);
        }
    }

    /// <summary>A feature's cells, and its geometry to decode later (on whichever thread asks).</summary>
    (string?[] Cells, Func<Geometry?> Geometry) ReadFeature(FeatureSpan f, string where)
    {
        if (!f.IsObject) throw new DataFileException(Path, where, "a feature must be a JSON object");
        var cells = new string?[_columns.Length];
        if (f.PropertiesLength > 0)
        {
            var r = new Utf8JsonReader(_bytes.AsSpan(f.PropertiesStart, f.PropertiesLength), Options);
            r.Read();
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                bool wanted = _columnIndex.TryGetValue(r.GetString()!, out int column);
                r.Read();
                if (wanted) cells[column] = CellText(ref r);
                else r.Skip();
            }
        }
        if (f.GeometryLength == 0) return (cells, RawRecord.NoGeometry);
        // The bytes were checked by the scan; each worker builds its own small document.
        return (cells, () =>
        {
            using var doc = JsonDocument.Parse(_bytes.AsMemory(f.GeometryStart, f.GeometryLength), DocumentOptions);
            return ParseGeometry(doc.RootElement, Path, where);
        });
    }

    /// <summary>A property value as the cell text the readers share: numbers as written, objects and arrays as JSON.</summary>
    static string? CellText(ref Utf8JsonReader r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Null: return null;
            case JsonTokenType.String: return r.GetString();
            case JsonTokenType.Number: return System.Text.Encoding.UTF8.GetString(r.ValueSpan);
            case JsonTokenType.True: return "true";
            case JsonTokenType.False: return "false";
            default:
                using (var doc = JsonDocument.ParseValue(ref r)) return doc.RootElement.GetRawText();
        }
    }

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

}
