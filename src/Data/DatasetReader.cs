using System.Globalization;
using System.Text.RegularExpressions;
using Cradle.Data.Sources;
using NetTopologySuite.Geometries;
using Cradle.Core;

namespace Cradle.Data;

/// <summary>A row ready for the store: typed values in manifest field order, and the cleaned
/// geometry, also as EWKB when <see cref="ReadOptions.EncodeEwkb"/> asked for it.</summary>
public sealed record DatasetRow(int SourceRow, object?[] Values, MultiPolygon? Geometry, byte[]? Ewkb = null);

/// <param name="CheckValidity">False leaves the OGC validity of polygons to the caller (the
/// loader has PostGIS check it after the copy); every other check still runs.</param>
/// <param name="EncodeEwkb">Encode each geometry as EWKB on the worker threads, so that the
/// single thread writing the COPY stream only copies bytes.</param>
public sealed record ReadOptions(bool CheckValidity = true, bool EncodeEwkb = false)
{
    public static readonly ReadOptions Default = new();
}

/// <summary>Counts from reading one dataset, for the summary and the datasets record.</summary>
public sealed class ReadStats
{
    public int Rows;
    public int England;
    public int Repaired;
    public string? Crs;
}

/// <summary>
/// Reads one manifest dataset from its file: maps headers to fields, parses and checks every
/// value, reprojects to EPSG:27700 and cleans geometry, and refuses duplicate keys. Every
/// problem names the file, the row or feature, and the field.
/// </summary>
public static class DatasetReader
{
    public static IEnumerable<DatasetRow> Read(DatasetSpec spec, SourceFile source, ReadStats stats, ReadOptions? options = null)
    {
        options ??= ReadOptions.Default;
        var fields = spec.Fields;
        var columns = HeaderMatch.Resolve(source.Path, source.Columns, fields);
        if (spec.Kind == DatasetKind.Boundaries && !source.IsSpatial)
            throw new DataFileException(source.Path, null, "a boundary dataset needs a spatial file (GeoJSON, Shapefile or GeoPackage)");
        var patterns = fields.Select(f => f.Pattern is null ? null : new Regex(f.Pattern, RegexOptions.CultureInvariant)).ToArray();
        stats.Crs = source.Crs?.Name;
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var keyIndexes = fields.Select((f, i) => (f, i)).Where(x => x.f.Key).Select(x => x.i).ToArray();
        int englandIndex = keyIndexes[0];

        // Values and keys, in file order (the duplicate check needs every earlier key).
        IEnumerable<(RawRecord Record, object?[] Values, string Where)> Parsed()
        {
            foreach (var record in source.Records())
            {
                var values = new object?[fields.Count];
                string where = record.Where;
                try
                {
                    for (int i = 0; i < fields.Count; i++)
                    {
                        var raw = columns[i] >= 0 ? record.Cells[columns[i]] : null;
                        values[i] = Parse(fields[i], patterns[i], raw?.Trim(), source.Path, where);
                    }
                    string key = string.Join("|", keyIndexes.Select(i => values[i]));
                    // Name features by their code too: "feature 12 (E06000001)" is findable in QGIS.
                    if (source.IsSpatial) where = $"{record.Where} ({values[englandIndex]})";
                    if (!keys.TryAdd(key, where))
                        throw new DataFileException(source.Path, where,
                            $"duplicate {string.Join("+", keyIndexes.Select(i => fields[i].Name))} '{key}', first seen at {keys[key]}");
                }
                catch (DataFileException e) { throw new RecordFailure(record.Number, e); }
                yield return (record, values, where);
            }
        }

        DatasetRow Row((RawRecord Record, object?[] Values, string Where) p, MultiPolygon? geometry, byte[]? ewkb = null)
        {
            Interlocked.Increment(ref stats.Rows);
            if (p.Values[englandIndex] is string code && code.StartsWith('E')) Interlocked.Increment(ref stats.England);
            return new DatasetRow(p.Record.Number, p.Values, geometry, ewkb);
        }

        if (spec.Kind != DatasetKind.Boundaries)
        {
            using var rows = Parsed().GetEnumerator();
            while (Next(rows, out var p)) yield return Row(p, null);
            yield break;
        }

        // Reprojection, validation and repair are the costly part: on every core, in file order.
        // ProjNet transforms keep state, so each thread has its own.
        using var transforms = new ThreadLocal<Reprojection?>(() => source.Crs?.ToBritishNationalGrid() is { } mt ? new Reprojection(mt) : null);
        var cleaned = Parsed().AsParallel().AsOrdered().WithDegreeOfParallelism(Environment.ProcessorCount)
            .Select(p =>
            {
                try
                {
                    var g = Clean(spec, source, p.Record.ReadGeometry(), p.Where, transforms.Value, stats, options.CheckValidity);
                    return (p, Geometry: g, Ewkb: options.EncodeEwkb ? ToEwkb(g) : null);
                }
                catch (DataFileException e) { throw new RecordFailure(p.Record.Number, e); }
            });
        using var e = cleaned.GetEnumerator();
        while (Next(e, out var c)) yield return Row(c.p, c.Geometry, c.Ewkb);
    }

    /// <summary>A record's failure with its position, so that the first one in the file is the one reported.</summary>
    sealed class RecordFailure(int number, DataFileException inner) : Exception(inner.Message, inner)
    {
        public int Number { get; } = number;
        public DataFileException Failure { get; } = inner;
    }

    static bool Next<T>(IEnumerator<T> e, out T value)
    {
        try
        {
            bool more = e.MoveNext();
            value = more ? e.Current : default!;
            return more;
        }
        catch (RecordFailure f) { throw f.Failure; }
        catch (AggregateException a) when (a.Flatten().InnerExceptions.All(x => x is RecordFailure or DataFileException))
        {
            // Records still in flight come before the one the source failed on, so they win.
            var inner = a.Flatten().InnerExceptions;
            throw inner.OfType<RecordFailure>().MinBy(x => x.Number)?.Failure ?? inner.OfType<DataFileException>().First();
        }
    }

    /// <summary>PostGIS's binary form, SRID included: what geometry_recv reads from a binary COPY.
    /// A writer per call, as the worker threads share nothing.</summary>
    static byte[] ToEwkb(Geometry g) => new NetTopologySuite.IO.PostGisWriter { HandleOrdinates = Ordinates.XY }.Write(g);

    static MultiPolygon Clean(DatasetSpec spec, SourceFile source, Geometry? g, string where, Reprojection? transform, ReadStats stats, bool checkValidity)
    {
        if (g is { IsEmpty: false } && source.Crs?.Epsg is 27700 or 3857 && LooksLikeDegrees(g.EnvelopeInternal))
            throw new DataFileException(source.Path, where,
                $"the coordinates look like degrees (longitude/latitude) but the file says {source.Crs}: is the declared CRS right?");
        if (g is not null && transform is not null && !g.IsEmpty) g = transform.Apply(g);
        var (clean, repaired) = PolygonCleaner.Clean(g, spec.MaxRepairAreaChange, source.Path, where, checkValidity);
        if (repaired) Interlocked.Increment(ref stats.Repaired);
        return clean;
    }

    static object? Parse(FieldSpec f, Regex? pattern, string? raw, string file, string where)
    {
        if (string.IsNullOrEmpty(raw))
            return f.Optional ? null : throw new DataFileException(file, $"{where}, column '{f.Headers[0]}'", $"empty value for {f.Name}");
        switch (f.Type)
        {
            case FieldType.Code:
            case FieldType.Text:
                if (pattern is not null && !pattern.IsMatch(raw))
                    throw new DataFileException(file, $"{where}, column '{f.Headers[0]}'", $"'{Clip(raw)}' is not a valid {f.Name} (expected {f.Pattern})");
                return raw;
            case FieldType.Int:
            case FieldType.Number:
            case FieldType.Percent:
                var text = f.Type == FieldType.Percent && raw.EndsWith('%') ? raw[..^1].TrimEnd() : raw;
                if (ThousandsSeparated.IsMatch(text)) text = text.Replace(",", "");
                double number;
                if (f.Type == FieldType.Int)
                {
                    if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                        throw new DataFileException(file, $"{where}, column '{f.Headers[0]}'", $"'{Clip(raw)}' is not a whole number");
                    number = l;
                }
                else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) || !double.IsFinite(number))
                    throw new DataFileException(file, $"{where}, column '{f.Headers[0]}'", $"'{Clip(raw)}' is not a number");
                if (number < f.Min || number > f.Max)
                    throw new DataFileException(file, $"{where}, column '{f.Headers[0]}'", $"{raw} is outside {f.Min}–{f.Max}");
                return f.Type == FieldType.Int ? (object)(long)number : number;
            default:
                throw new InvalidOperationException();
        }
    }

    /// <summary>Every coordinate within ±180, ±90: a lon/lat file mislabelled as projected (a real
    /// projected boundary near the BNG origin is in the sea off Scilly, with no LSOA or district).</summary>
    static bool LooksLikeDegrees(NetTopologySuite.Geometries.Envelope e) =>
        e.MinX >= -180 && e.MaxX <= 180 && e.MinY >= -90 && e.MaxY <= 90;

    static readonly Regex ThousandsSeparated = new(@"^-?\d{1,3}(,\d{3})+(\.\d+)?$", RegexOptions.Compiled);

    static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
