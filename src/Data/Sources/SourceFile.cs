using System.IO.Compression;
using System.Text;
using NetTopologySuite.Geometries;
using Cradle.Core;

namespace Cradle.Data.Sources;

/// <summary>
/// One record as a file holds it: where it is (for messages), its cells by column, its geometry,
/// and its number (the line a CSV record starts on, or the feature's position). The geometry is
/// decoded when asked for, so that a reader can decode it on another core than the one parsing.
/// </summary>
public sealed record RawRecord(string Where, string?[] Cells, Func<Geometry?> ReadGeometry, int Number)
{
    public static readonly Func<Geometry?> NoGeometry = static () => null;
}

/// <summary>
/// An input file opened for reading: CSV, GeoJSON, Shapefile or GeoPackage, plain or gzipped.
/// Each knows its columns and, for spatial formats, the CRS it declares.
/// </summary>
public abstract class SourceFile : IDisposable
{
    protected SourceFile(string path) => Path = path;

    public string Path { get; }
    /// <summary>The CRS the file declares, or null for a table.</summary>
    public KnownCrs? Crs { get; protected set; }
    public abstract IReadOnlyList<string> Columns { get; }
    public abstract bool IsSpatial { get; }
    public abstract IEnumerable<RawRecord> Records();
    public virtual void Dispose() { }

    /// <param name="headerLine">For CSV: the line the header row starts on (1 unless title lines precede it).</param>
    public static SourceFile Open(string path, string? layer = null, int headerLine = 1)
    {
        if (!File.Exists(path)) throw new DataFileException(path, null, "file not found");
        var name = path.ToLowerInvariant();
        if (name.EndsWith(".gz")) name = name[..^3];
        var ext = System.IO.Path.GetExtension(name);
        return ext switch
        {
            ".csv" => new CsvFile(path, headerLine),
            ".geojson" or ".json" => new GeoJsonFile(path),
            ".shp" => new ShapefileSource(path),
            ".gpkg" => new GeoPackageFile(path, layer),
            _ => throw new DataFileException(path, null, $"unknown format '{ext}': Cradle reads .csv, .geojson, .shp and .gpkg, plain or .gz"),
        };
    }

    /// <summary>The file's bytes, decompressed as a stream if gzipped (never written beside the data).</summary>
    protected static byte[] ReadAllBytes(string path)
    {
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return File.ReadAllBytes(path);
        try
        {
            var compressed = File.ReadAllBytes(path);
            // GZipStream returns what it can of a cut-short file without complaint; the trailer's
            // ISIZE (length mod 2^32) tells a whole file from a truncated one. It also sizes the
            // buffer, so that 20 MB decompress straight into place.
            uint isize = compressed.Length >= 18 ? BitConverter.ToUInt32(compressed, compressed.Length - 4) : 0;
            using var gz = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            long length;
            if (isize is > 0 and < 1u << 30)
            {
                var bytes = GC.AllocateUninitializedArray<byte>((int)isize);
                int n = gz.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
                if (n == bytes.Length && gz.ReadByte() == -1) return bytes;
                length = n == bytes.Length ? n + 1 + CountRest(gz) : n;
            }
            else
            {
                using var ms = new MemoryStream();
                gz.CopyTo(ms);
                if (compressed.Length >= 18 && isize == (uint)ms.Length) return ms.ToArray();
                length = ms.Length;
            }
            throw new InvalidDataException($"{length:N0} bytes decompressed, but the gzip trailer does not match: the file is cut short or corrupt");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new DataFileException(path, null, $"not a complete gzip file ({e.Message})");
        }
    }

    static long CountRest(Stream s) { long n = 0; var buf = new byte[81920]; int k; while ((k = s.Read(buf)) > 0) n += k; return n; }

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes UTF-8 strictly, naming the line of the first invalid byte.</summary>
    protected static string DecodeUtf8(string path, byte[] bytes)
    {
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            int bad = FirstInvalidUtf8(bytes, start);
            int line = 1;
            for (int i = 0; i < bad; i++) if (bytes[i] == (byte)'\n') line++;
            throw new DataFileException(path, $"line {line}",
                $"byte 0x{bytes[bad]:X2} is not valid UTF-8; save the file as UTF-8 (it looks like Windows-1252 or Latin-1)");
        }
    }

    static int FirstInvalidUtf8(byte[] b, int start)
    {
        for (int i = start; i < b.Length;)
        {
            int n = b[i] < 0x80 ? 1 : (b[i] & 0xE0) == 0xC0 ? 2 : (b[i] & 0xF0) == 0xE0 ? 3 : (b[i] & 0xF8) == 0xF0 ? 4 : 0;
            if (n == 0 || i + n > b.Length) return i;
            try { StrictUtf8.GetString(b, i, n); } catch (DecoderFallbackException) { return i; }
            i += n;
        }
        return b.Length - 1;
    }
}
