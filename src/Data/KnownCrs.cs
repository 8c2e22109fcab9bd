using System.Text.RegularExpressions;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;
using ProjNet.IO.CoordinateSystems;

namespace Cradle.Data;

/// <summary>
/// The coordinate reference systems Cradle reads, and the ProjNet transforms to its canonical
/// EPSG:27700. Anything else is refused: a wrong guess would silently shift every boundary.
/// </summary>
public sealed partial class KnownCrs
{
    public int Epsg { get; }
    public string Name { get; }
    readonly CoordinateSystem _cs;

    KnownCrs(int epsg, string name, CoordinateSystem cs) { Epsg = epsg; Name = name; _cs = cs; }

    /// <summary>
    /// British National Grid with the OSGB36 → WGS 84 Helmert parameters ("OSGB36 to WGS 84 (6)",
    /// about 2 m accuracy), the same transformation PostGIS applies when no OSTN15 grid is present;
    /// without TOWGS84, ProjNet would be 70–150 m off.
    /// </summary>
    public const string BritishNationalGridWkt = """
        PROJCS["OSGB 1936 / British National Grid",
          GEOGCS["OSGB 1936",
            DATUM["OSGB_1936",
              SPHEROID["Airy 1830",6377563.396,299.3249646,AUTHORITY["EPSG","7001"]],
              TOWGS84[446.448,-125.157,542.06,0.15,0.247,0.842,-20.489],
              AUTHORITY["EPSG","6277"]],
            PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],
            UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],
            AUTHORITY["EPSG","4277"]],
          PROJECTION["Transverse_Mercator"],
          PARAMETER["latitude_of_origin",49],
          PARAMETER["central_meridian",-2],
          PARAMETER["scale_factor",0.9996012717],
          PARAMETER["false_easting",400000],
          PARAMETER["false_northing",-100000],
          UNIT["metre",1,AUTHORITY["EPSG","9001"]],
          AUTHORITY["EPSG","27700"]]
        """;

    public static readonly KnownCrs BritishNationalGrid = new(27700, "EPSG:27700 (British National Grid)",
        (CoordinateSystem)CoordinateSystemWktReader.Parse(BritishNationalGridWkt));
    public static readonly KnownCrs Wgs84 = new(4326, "EPSG:4326 (WGS 84, lon/lat)", GeographicCoordinateSystem.WGS84);
    /// <summary>ETRS89 agrees with WGS 84 to well under a metre in Britain: far below BSC/BUC generalisation.</summary>
    public static readonly KnownCrs Etrs89 = new(4258, "EPSG:4258 (ETRS89, lon/lat)", GeographicCoordinateSystem.WGS84);
    public static readonly KnownCrs WebMercator = new(3857, "EPSG:3857 (Web Mercator)", ProjectedCoordinateSystem.WebMercator);

    static readonly KnownCrs[] All = [BritishNationalGrid, Wgs84, Etrs89, WebMercator];
    public static string Supported => "EPSG:27700, EPSG:4326/CRS84, EPSG:4258 and EPSG:3857";

    public static KnownCrs? FromEpsg(int code) => All.FirstOrDefault(c => c.Epsg == code);

    [GeneratedRegex(@"^(?:urn:ogc:def:crs:EPSG:[0-9.]*:|EPSG:|https?://www\.opengis\.net/def/crs/EPSG/[0-9.]+/)(\d+)$", RegexOptions.IgnoreCase)]
    private static partial Regex EpsgName();
    [GeneratedRegex(@"^(?:urn:ogc:def:crs:OGC:[0-9.]*:CRS84|https?://www\.opengis\.net/def/crs/OGC/[0-9.]+/CRS84|CRS84)$", RegexOptions.IgnoreCase)]
    private static partial Regex Crs84Name();

    /// <summary>A CRS name as GeoJSON's legacy <c>crs</c> member or OGC URIs write it.</summary>
    public static KnownCrs? FromName(string name)
    {
        name = name.Trim();
        if (Crs84Name().IsMatch(name)) return Wgs84;
        var m = EpsgName().Match(name);
        return m.Success && int.TryParse(m.Groups[1].Value, out var code) ? FromEpsg(code) : null;
    }

    /// <summary>
    /// A WKT definition (.prj, GeoPackage): by its EPSG authority when it has one, else by its
    /// parameters (Esri .prj files carry none), so that "British_National_Grid" is recognised.
    /// </summary>
    public static KnownCrs? FromWkt(string wkt)
    {
        if (string.IsNullOrWhiteSpace(wkt)) return null;
        IInfo info;
        try { info = CoordinateSystemWktReader.Parse(wkt.Trim()); }
        catch (Exception) { return null; }
        if (info is not CoordinateSystem cs) return null;
        if (string.Equals(cs.Authority, "EPSG", StringComparison.OrdinalIgnoreCase) && FromEpsg((int)cs.AuthorityCode) is { } byCode)
            return byCode;
        switch (cs)
        {
            case GeographicCoordinateSystem g when IsWgs84Ellipsoid(g.HorizontalDatum.Ellipsoid):
                return Wgs84;
            case ProjectedCoordinateSystem p when IsBng(p):
                return BritishNationalGrid;
            case ProjectedCoordinateSystem p when p.Projection.ClassName.Contains("mercator", StringComparison.OrdinalIgnoreCase)
                                                  && p.GeographicCoordinateSystem.HorizontalDatum.Ellipsoid.SemiMajorAxis == 6378137
                                                  && (p.Name.Contains("Pseudo", StringComparison.OrdinalIgnoreCase) || p.Name.Contains("Web", StringComparison.OrdinalIgnoreCase)):
                return WebMercator;
            default:
                return null;
        }
    }

    static bool IsWgs84Ellipsoid(Ellipsoid e) =>
        Math.Abs(e.SemiMajorAxis - 6378137) < 0.01 && Math.Abs(e.InverseFlattening - 298.257223563) < 1e-6;

    static bool IsBng(ProjectedCoordinateSystem p)
    {
        var e = p.GeographicCoordinateSystem.HorizontalDatum.Ellipsoid;
        if (Math.Abs(e.SemiMajorAxis - 6377563.396) > 0.01) return false;
        if (!p.Projection.ClassName.Replace(" ", "_").Contains("Transverse_Mercator", StringComparison.OrdinalIgnoreCase)) return false;
        double Param(string n) => p.Projection.GetParameter(n)?.Value ?? double.NaN;
        return Math.Abs(Param("latitude_of_origin") - 49) < 1e-9 && Math.Abs(Param("central_meridian") + 2) < 1e-9
            && Math.Abs(Param("scale_factor") - 0.9996012717) < 1e-10
            && Math.Abs(Param("false_easting") - 400000) < 1e-6 && Math.Abs(Param("false_northing") + 100000) < 1e-6;
    }

    static readonly CoordinateTransformationFactory Transforms = new();

    /// <summary>The transform from this CRS to EPSG:27700, or null when it already is.</summary>
    public MathTransform? ToBritishNationalGrid() => Epsg == 27700 ? null
        : Transforms.CreateFromCoordinateSystems(_cs, BritishNationalGrid._cs).MathTransform;

    public override string ToString() => Name;
}

/// <summary>Applies a ProjNet transform to every coordinate of an NTS geometry, in place.</summary>
public sealed class Reprojection(MathTransform transform) : ICoordinateSequenceFilter
{
    public void Filter(CoordinateSequence seq, int i)
    {
        double x = seq.GetX(i), y = seq.GetY(i);
        transform.Transform(ref x, ref y);
        seq.SetX(i, x);
        seq.SetY(i, y);
    }

    public bool Done => false;
    public bool GeometryChanged => true;

    public Geometry Apply(Geometry g)
    {
        var copy = g.Copy();
        copy.Apply(this);
        copy.GeometryChanged();
        return copy;
    }
}
