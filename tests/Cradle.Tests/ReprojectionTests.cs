using Cradle.Data;
using Cradle.Data.Sources;
using Dapper;
using NetTopologySuite.Algorithm.Distance;
using NetTopologySuite.Geometries;

namespace Cradle.Tests;

[Collection("database")]
public sealed class ReprojectionTests(DatabaseFixture db)
{
    public static TheoryData<double, double> EnglandPoints()
    {
        var data = new TheoryData<double, double>();
        // A grid across England, from Land's End to Berwick and the Wash to the Welsh border.
        foreach (var (lon, lat) in new[] {
            (-5.7, 50.07), (-4.14, 50.37), (-3.53, 50.72), (-2.59, 51.45), (-1.26, 51.75), (-0.13, 51.51), (1.3, 51.13),
            (1.73, 52.63), (-1.9, 52.48), (-1.15, 52.95), (-2.24, 53.48), (-1.55, 53.8), (-0.34, 53.74), (-3.0, 53.41),
            (-1.61, 54.97), (-2.93, 54.89), (-3.47, 54.55), (-2.0, 55.77), (-1.08, 53.96), (0.12, 52.2) })
            data.Add(lon, lat);
        return data;
    }

    [Theory]
    [MemberData(nameof(EnglandPoints))]
    public async Task ProjNet_agrees_with_PostGIS_within_a_centimetre(double lon, double lat)
    {
        var transform = KnownCrs.Wgs84.ToBritishNationalGrid()!;
        double x = lon, y = lat;
        transform.Transform(ref x, ref y);
        await using var conn = await db.Db.OpenConnectionAsync();
        var (px, py) = await conn.QuerySingleAsync<(double, double)>(
            "select st_x(g), st_y(g) from (select st_transform(st_setsrid(st_point(@lon, @lat), 4326), 27700) g) t", new { lon, lat });
        Assert.True(Math.Abs(x - px) < 0.01 && Math.Abs(y - py) < 0.01, $"ProjNet {x:F3},{y:F3} vs PostGIS {px:F3},{py:F3}");
    }

    [Fact]
    public void The_27700_shapefile_matches_the_reprojected_4326_GeoJSON_within_a_few_metres()
    {
        var bng = ReadLad24("boundaries/lad24_may2024_buc_uk_27700.shp");
        var wgs = ReadLad24("boundaries/lad24_may2024_buc_uk_4326.geojson");
        Assert.Equal(361, bng.Count);
        Assert.Equal(bng.Keys.Order(), wgs.Keys.Order());
        double worst = 0;
        string worstCode = "";
        foreach (var (code, g) in bng)
        {
            double d = DiscreteHausdorffDistance.Distance(g, wgs[code]);
            if (d > worst) (worst, worstCode) = (d, code);
        }
        // GDAL used the same Helmert transformation; the files keep 0.1 m and 6 decimal places.
        Assert.True(worst < 3.0, $"worst Hausdorff distance {worst:F2} m at {worstCode}");
    }

    static Dictionary<string, Geometry> ReadLad24(string file)
    {
        var spec = Manifest.Load(TestEnvironment.Manifest)["lad24"];
        using var source = SourceFile.Open(Path.Combine(TestEnvironment.DataDir, file));
        return DatasetReader.Read(spec, source, new ReadStats()).ToDictionary(r => (string)r.Values[0]!, r => (Geometry)r.Geometry!);
    }
}
