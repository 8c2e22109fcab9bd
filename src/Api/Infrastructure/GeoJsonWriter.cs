using System.Text.Json;

namespace Cradle.Api.Infrastructure;

/// <summary>A feature: its id, its geometry as PostGIS wrote it (ST_AsGeoJSON, or null), and its properties.</summary>
public sealed record GeoJsonFeature(string Id, string? Geometry, IReadOnlyList<KeyValuePair<string, object?>> Properties);

/// <summary>
/// GeoJSON written with a Utf8JsonWriter into one buffer: properties serialised value by value,
/// geometry copied as PostGIS wrote it. No string building.
/// </summary>
public static class GeoJsonWriter
{
    public const string MediaType = "application/geo+json";

    static readonly JsonWriterOptions Options = new() { SkipValidation = false };

    /// <summary>A FeatureCollection, with any extra top-level members (OGC's numberMatched, links …) written after the features.</summary>
    public static byte[] Collection(IEnumerable<GeoJsonFeature> features, Action<Utf8JsonWriter>? extra = null)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, Options))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WritePropertyName("features");
            w.WriteStartArray();
            foreach (var f in features) Feature(w, f);
            w.WriteEndArray();
            extra?.Invoke(w);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>One feature as a document of its own, with any extra members.</summary>
    public static byte[] Single(GeoJsonFeature feature, Action<Utf8JsonWriter>? extra = null)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, Options)) Feature(w, feature, extra);
        return ms.ToArray();
    }

    static void Feature(Utf8JsonWriter w, GeoJsonFeature f, Action<Utf8JsonWriter>? extra = null)
    {
        w.WriteStartObject();
        w.WriteString("type", "Feature");
        w.WriteString("id", f.Id);
        w.WritePropertyName("geometry");
        if (f.Geometry is null) w.WriteNullValue(); else w.WriteRawValue(f.Geometry, skipInputValidation: true);
        w.WritePropertyName("properties");
        w.WriteStartObject();
        foreach (var (key, value) in f.Properties)
        {
            w.WritePropertyName(key);
            // JSON has no NaN or infinity: a figure that cannot be computed is null.
            if (value is double d) RealNumbers.Write(w, d); // 0.0, not 0: a real figure stays real in GDAL and QGIS
            else if (value is float x && !float.IsFinite(x)) w.WriteNullValue();
            else JsonSerializer.Serialize(w, value, value?.GetType() ?? typeof(object));
        }
        w.WriteEndObject();
        extra?.Invoke(w);
        w.WriteEndObject();
    }
}
