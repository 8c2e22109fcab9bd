using Cradle.Core;
using Cradle.Data;
using Cradle.Data.Sources;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Cradle.Tests;

/// <summary>The readers on small files made here, one quirk at a time.</summary>
public sealed class ReaderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("cradle-readers-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    static DatasetSpec Spec(DatasetKind kind, params FieldSpec[] fields) => new(
        "t", "test", kind, "t", "test", ["x"], fields, null, new SourceInfo("p", "u", "l", "a"));

    string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void CSV_with_BOM_quotes_and_thousands_separators_parses()
    {
        var path = Write("f.csv", "\uFEFFLSOA code (2011),Rank,Note\r\nE01000001,\"29,199\",\"a, \"\"quoted\"\" note\"\r\nE01000002,30379,\"two\nlines\"\r\n");
        var spec = Spec(DatasetKind.Table, new FieldSpec("code", ["LSOA code (2011)"], FieldType.Code, Key: true),
            new FieldSpec("rank", ["Rank"], FieldType.Int), new FieldSpec("note", ["Note"]));
        using var src = SourceFile.Open(path);
        var rows = DatasetReader.Read(spec, src, new ReadStats()).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(29_199L, rows[0].Values[1]);
        Assert.Equal("a, \"quoted\" note", rows[0].Values[2]);
        Assert.Equal("two\nlines", rows[1].Values[2]);
    }

    [Theory]
    [InlineData("Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOA")]
    [InlineData("Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)")]
    [InlineData("index of multiple deprivation (IMD)  decile")]
    public void Header_variants_match_one_field(string header) =>
        Assert.Equal(HeaderMatch.Normalise("Index of Multiple Deprivation (IMD) Decile"), HeaderMatch.Normalise(header));

    [Fact]
    public void The_real_IoD2025_File_1_truncated_decile_header_resolves()
    {
        var manifest = Manifest.Load(TestEnvironment.Manifest);
        using var src = SourceFile.Open(Path.Combine(TestEnvironment.DataDir, "imd2025/File_1_IoD2025_Index_of_Multiple_Deprivation.csv.gz"));
        Assert.EndsWith("10% of LSOA", src.Columns[^1]);
        var idx = HeaderMatch.Resolve(src.Path, src.Columns, manifest["iod2025_imd"].Fields);
        Assert.Equal(src.Columns.Count - 1, idx[^1]);
    }

    [Fact]
    public void GeoJSON_features_are_read_whatever_the_member_order_and_properties_as_written()
    {
        // The crs after the features, geometry before properties, a property only some features
        // have, escapes, a number kept as written, a null geometry on a table-like read.
        var path = Write("order.geojson", """
            {"features":[
              {"geometry":{"type":"Polygon","coordinates":[[[530000,180000],[531000,180000],[531000,181000],[530000,180000]]]},"type":"Feature","properties":{"code":"E01000001","name":"A \u0026 B","rate":1.50}},
              {"type":"Feature","properties":{"code":"E01000002","extra":true,"name":"C"},"geometry":{"type":"Polygon","coordinates":[[[532000,180000],[533000,180000],[533000,181000],[532000,180000]]]}}
             ],"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:27700"}}}
            """);
        using var src = SourceFile.Open(path);
        Assert.Equal(27700, src.Crs!.Epsg);
        Assert.Equal(["code", "name", "rate", "extra"], src.Columns);
        var records = src.Records().ToList();
        Assert.Equal(new string?[] { "E01000001", "A & B", "1.50", null }, records[0].Cells);
        Assert.Equal(new string?[] { "E01000002", "C", null, "true" }, records[1].Cells);
        Assert.Equal(500_000, records[1].ReadGeometry()!.Area, 6);
        var rows = DatasetReader.Read(Spec(DatasetKind.Boundaries, new FieldSpec("code", ["code"], FieldType.Code, Key: true)), src, new ReadStats()).ToList();
        Assert.Equal([530_000.0, 532_000.0], rows.Select(r => r.Geometry!.EnvelopeInternal.MinX));
    }

    [Theory]
    [InlineData("""{"type":"FeatureCollection","features":[]} x""", "line 1", "not valid JSON")]
    [InlineData("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"E01000001"},"geometry":null},]}""", "line 1", "not valid JSON")]
    [InlineData("""{"type":"Feature","properties":{}}""", null, "not a GeoJSON FeatureCollection")]
    [InlineData("""{"type":"FeatureCollection","features":{}}""", null, "no \"features\" array")]
    [InlineData("""[1, 2]""", null, "not a GeoJSON FeatureCollection")]
    public void Malformed_GeoJSON_is_refused_naming_where(string text, string? where, string problem)
    {
        var path = Write("bad.geojson", text + "\n\n");
        var e = Assert.Throws<DataFileException>(() => SourceFile.Open(path));
        if (where is null) Assert.Null(e.Where); else Assert.StartsWith(where, e.Where);
        Assert.Contains(problem, e.Problem);
    }

    [Fact]
    public void A_GeoJSON_feature_that_is_not_an_object_is_named()
    {
        var path = Write("notobject.geojson", """{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"E01000001"},"geometry":null}, 42]}""");
        using var src = SourceFile.Open(path);
        var e = Assert.Throws<DataFileException>(() => src.Records().ToList());
        Assert.Equal("feature 2", e.Where);
        Assert.Contains("JSON object", e.Problem);
    }

    [Fact]
    public void GeoJSON_with_a_legacy_27700_crs_member_is_not_reprojected()
    {
        var path = Write("f.geojson", """
            {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},
             "features":[{"type":"Feature","properties":{"code":"E01000001"},"geometry":{"type":"Polygon","coordinates":[[[530000,180000],[531000,180000],[531000,181000],[530000,180000]]]}}]}
            """);
        using var src = SourceFile.Open(path);
        Assert.Equal(27700, src.Crs!.Epsg);
        var row = DatasetReader.Read(Spec(DatasetKind.Boundaries, new FieldSpec("code", ["code"], FieldType.Code, Key: true)), src, new ReadStats()).Single();
        Assert.Equal(500_000, row.Geometry!.Area, 6);
        Assert.Equal(530_000, row.Geometry.Coordinates[0].X);
    }

    [Fact]
    public void A_small_self_touching_defect_is_repaired_and_counted()
    {
        // A square with a tiny bow-tie twist in one corner: GeometryFixer keeps almost all the area.
        var path = Write("f.geojson", """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"E01000001"},"geometry":{"type":"Polygon",
              "coordinates":[[[-0.1,51.5],[-0.09,51.5],[-0.09,51.51],[-0.0999,51.5099],[-0.1,51.51],[-0.0999,51.5001],[-0.0998,51.5099],[-0.1,51.5]]]}}]}
            """);
        using var src = SourceFile.Open(path);
        var stats = new ReadStats();
        var row = DatasetReader.Read(Spec(DatasetKind.Boundaries, new FieldSpec("code", ["code"], FieldType.Code, Key: true)), src, stats).Single();
        Assert.Equal(1, stats.Repaired);
        Assert.True(row.Geometry!.IsValid);
        Assert.IsType<MultiPolygon>(row.Geometry);
    }

    [Fact]
    public void Of_several_bad_features_read_in_parallel_the_first_in_the_file_is_reported()
    {
        var features = Enumerable.Range(1, 600).Select(i =>
        {
            double x = -1.5 + (i % 30) * 0.01, y = 52 + (i / 30) * 0.01;
            var geometry = i is 300 or 450 or 590
                ? """{"type":"LineString","coordinates":[[-1.5,52.0],[-1.4,52.1]]}"""
                : $$"""{"type":"Polygon","coordinates":[[[{{x}},{{y}}],[{{x + 0.005}},{{y}}],[{{x + 0.005}},{{y + 0.005}}],[{{x}},{{y}}]]]}""";
            return $$"""{"type":"Feature","properties":{"code":"E01{{i:000000}}"},"geometry":{{geometry}}}""";
        });
        var path = Write("many.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", features) + "]}");
        using var src = SourceFile.Open(path);
        var e = Assert.Throws<DataFileException>(() => DatasetReader.Read(Spec(DatasetKind.Boundaries, new FieldSpec("code", ["code"], FieldType.Code, Key: true)), src, new ReadStats()).ToList());
        Assert.Equal("feature 300 (E01000300)", e.Where);
        Assert.Contains("LineString", e.Problem);
    }

    [Fact]
    public void GeoPackage_features_are_read_with_their_CRS_and_reprojected()
    {
        var path = Path.Combine(_dir, "f.gpkg");
        using (var db = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = """
                create table gpkg_spatial_ref_sys (srs_name text, srs_id integer primary key, organization text, organization_coordsys_id integer, definition text, description text);
                insert into gpkg_spatial_ref_sys values ('WGS 84', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84"]', null);
                create table gpkg_contents (table_name text primary key, data_type text, identifier text, description text, last_change text, min_x real, min_y real, max_x real, max_y real, srs_id integer);
                insert into gpkg_contents (table_name, data_type, srs_id) values ('areas', 'features', 4326);
                create table gpkg_geometry_columns (table_name text, column_name text, geometry_type_name text, srs_id integer, z integer, m integer);
                insert into gpkg_geometry_columns values ('areas', 'geom', 'MULTIPOLYGON', 4326, 0, 0);
                create table areas (fid integer primary key, code text, geom blob);
                """;
            cmd.ExecuteNonQuery();
            var poly = new GeometryFactory(new PrecisionModel(), 4326).CreatePolygon([new(-1.62, 54.97), new(-1.60, 54.97), new(-1.60, 54.98), new(-1.62, 54.97)]);
            cmd.CommandText = "insert into areas (code, geom) values ('E01008288', $g)";
            cmd.Parameters.AddWithValue("$g", new GeoPackageGeoWriter().Write(poly));
            cmd.ExecuteNonQuery();
        }
        using var src = SourceFile.Open(path);
        Assert.Equal(4326, src.Crs!.Epsg);
        Assert.Equal(["fid", "code"], src.Columns);
        var row = DatasetReader.Read(Spec(DatasetKind.Boundaries, new FieldSpec("code", ["code"], FieldType.Code, Key: true)), src, new ReadStats()).Single();
        var c = row.Geometry!.Centroid;
        Assert.InRange(c.X, 420_000, 430_000); // Newcastle in British National Grid
        Assert.InRange(c.Y, 560_000, 570_000);
    }

    [Fact]
    public void The_Esri_prj_of_British_National_Grid_is_recognised_without_an_authority()
    {
        var prj = File.ReadAllText(Path.Combine(TestEnvironment.DataDir, "boundaries/lad24_may2024_buc_uk_27700.prj"));
        Assert.DoesNotContain("AUTHORITY", prj);
        Assert.Equal(27700, KnownCrs.FromWkt(prj)!.Epsg);
        Assert.Null(KnownCrs.FromWkt(prj.Replace("400000.0", "500000.0"))); // a different false easting is not BNG
    }

    [Theory]
    [InlineData("urn:ogc:def:crs:OGC:1.3:CRS84", 4326)]
    [InlineData("urn:ogc:def:crs:EPSG::27700", 27700)]
    [InlineData("EPSG:4258", 4258)]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/3857", 3857)]
    public void CRS_names_are_recognised(string name, int epsg) => Assert.Equal(epsg, KnownCrs.FromName(name)!.Epsg);

    [Theory]
    [InlineData("EPSG:2157")]
    [InlineData("urn:ogc:def:crs:EPSG::32630")]
    [InlineData("local")]
    public void Unknown_CRS_names_are_refused(string name) => Assert.Null(KnownCrs.FromName(name));
}
