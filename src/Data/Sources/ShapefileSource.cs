using System.Globalization;
using System.Text;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Readers;
using Cradle.Core;

namespace Cradle.Data.Sources;

/// <summary>
/// An Esri Shapefile: .shp with its .dbf, .prj (required: Cradle never guesses a CRS) and .cpg
/// (the attribute encoding; UTF-8 when absent, and text that does not decode is an error).
/// </summary>
public sealed class ShapefileSource : SourceFile
{
    readonly string[] _columns;
    readonly Encoding _encoding;

    public ShapefileSource(string path) : base(path)
    {
        var stem = System.IO.Path.ChangeExtension(path, null);
        foreach (var ext in new[] { ".dbf", ".prj" })
            if (!File.Exists(stem + ext))
                throw new DataFileException(path, null, ext == ".prj"
                    ? "the .prj file is missing, so the CRS is unknown; Cradle does not guess a CRS"
                    : "the .dbf file (the attributes) is missing");
        var prj = File.ReadAllText(stem + ".prj");
        Crs = KnownCrs.FromWkt(prj) ?? throw new DataFileException(stem + ".prj", null, $"unknown CRS in the .prj; Cradle reads {KnownCrs.Supported}");
        _encoding = Encoding.UTF8;
        if (File.Exists(stem + ".cpg"))
        {
            var cpg = File.ReadAllText(stem + ".cpg").Trim();
            _encoding = cpg.ToUpperInvariant() switch
            {
                "UTF-8" or "UTF8" or "65001" => Encoding.UTF8,
                "ISO-8859-1" or "LATIN1" or "88591" or "ISO88591" => Encoding.Latin1,
                "ASCII" or "US-ASCII" => Encoding.ASCII,
                _ => throw new DataFileException(stem + ".cpg", null, $"unsupported encoding '{cpg}'; use UTF-8"),
            };
        }
        try
        {
            using var reader = Open();
            _columns = reader.Fields.Select(f => f.Name).ToArray();
        }
        catch (Exception e) when (e is not DataFileException)
        {
            throw new DataFileException(path, null, $"cannot read the shapefile: {e.Message}");
        }
    }

    ShapefileReader Open() => Shapefile.OpenRead(Path, new ShapefileReaderOptions { Encoding = _encoding });

    public override IReadOnlyList<string> Columns => _columns;
    public override bool IsSpatial => true;

    public override IEnumerable<RawRecord> Records()
    {
        using var reader = Open();
        int index = 0;
        while (true)
        {
            bool more;
            string where = $"feature {index + 1}";
            try { more = reader.Read(out _); }
            catch (Exception e) { throw new DataFileException(Path, where, $"cannot read the record: {e.Message}"); }
            if (!more) yield break;
            index++;
            var cells = new string?[_columns.Length];
            for (int i = 0; i < _columns.Length; i++)
            {
                var v = reader.Fields[i].Value;
                cells[i] = v switch
                {
                    null => null,
                    string s => s.Contains('\uFFFD')
                        ? throw new DataFileException(Path, $"{where}, field {_columns[i]}", $"text that is not valid {_encoding.WebName}; fix the .cpg or re-save as UTF-8")
                        : s.Trim(),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => v.ToString(),
                };
            }
            var geometry = reader.Geometry;
            yield return new RawRecord(where, cells, () => geometry, index);
        }
    }
}
