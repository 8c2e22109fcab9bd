using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Valid;
using Cradle.Core;

namespace Cradle.Data;

/// <summary>
/// Makes every boundary a valid MultiPolygon. Small defects (a ring touching itself, a
/// duplicate vertex, a sliver loop) are repaired with NetTopologySuite's GeometryFixer. A repair
/// that would change the area by more than the dataset's limit (a bow-tie, a polygon drawn
/// back-to-front) is refused: that is a broken boundary, not a rounding error.
/// </summary>
public static class PolygonCleaner
{
    static readonly GeometryFactory Bng = new(new PrecisionModel(), 27700);

    /// <summary>Great Britain and Northern Ireland in British National Grid, generously.</summary>
    static readonly Envelope Plausible = new(-250_000, 800_000, -150_000, 1_300_000);

    /// <param name="checkValidity">False when the caller checks validity itself (the loader has
    /// PostGIS do it after the copy, and repairs what fails with <see cref="Clean"/> again).</param>
    public static (MultiPolygon Geometry, bool Repaired) Clean(Geometry? g, double maxAreaChange, string file, string where, bool checkValidity = true)
    {
        if (g is null) throw new DataFileException(file, where, "the feature has no geometry");
        if (g.IsEmpty) throw new DataFileException(file, where, "the geometry is empty");
        if (!IsPolygonal(g))
            throw new DataFileException(file, where, $"a {g.GeometryType} where a Polygon or MultiPolygon is expected");
        if (!Plausible.Contains(g.EnvelopeInternal))
        {
            var e = g.EnvelopeInternal;
            throw new DataFileException(file, where,
                $"coordinates (E {e.MinX:0} to {e.MaxX:0}, N {e.MinY:0} to {e.MaxY:0} in EPSG:27700) fall outside Great Britain: is the declared CRS right?");
        }
        if (!checkValidity || g.IsValid) return (ToMulti(g), false);

        var error = new IsValidOp(g).ValidationError;
        var fixedGeometry = GeometryFixer.Fix(g);
        var polygons = PolygonExtracter.GetPolygons(fixedGeometry).Cast<Polygon>().Where(p => !p.IsEmpty).ToArray();
        if (polygons.Length == 0)
            throw new DataFileException(file, where, $"invalid polygon ({Describe(error)}) and nothing remains after repair");
        var repaired = Bng.CreateMultiPolygon(polygons.Select(p => (Polygon)Bng.CreateGeometry(p)).ToArray());
        double before = Math.Abs(g.Area), after = repaired.Area;
        double change = Math.Abs(after - before) / Math.Max(Math.Max(before, after), 1e-9);
        if (change > maxAreaChange)
            throw new DataFileException(file, where,
                $"invalid polygon ({Describe(error)}); repairing it would change its area by {change:P0}, more than the {maxAreaChange:P0} allowed, so the boundary is refused");
        return (repaired, true);
    }

    static string Describe(TopologyValidationError? e) =>
        e is null ? "invalid" : $"{e.Message.ToLowerInvariant()} at {e.Coordinate.X:0.###} {e.Coordinate.Y:0.###}";

    static bool IsPolygonal(Geometry g) => g switch
    {
        Polygon or MultiPolygon => true,
        GeometryCollection c => c.Geometries.All(IsPolygonal),
        _ => false,
    };

    static MultiPolygon ToMulti(Geometry g)
    {
        var polygons = PolygonExtracter.GetPolygons(g).Cast<Polygon>().Select(p => (Polygon)Bng.CreateGeometry(p)).ToArray();
        return Bng.CreateMultiPolygon(polygons);
    }
}
