using System.IO.Compression;
using System.Text;

namespace Cradle.Tests;

/// <summary>
/// The bad-input corpus: each broken file gives a message naming the file, the row or feature
/// and the problem, a non-zero exit, and leaves the data already loaded intact and served.
/// </summary>
[Collection("database")]
public sealed class BadInputTests(DatabaseFixture db)
{
    const string Lad19 = "boundaries/lad19_dec2019_buc_uk_4326.geojson";
    const string Regions = "lookups/lookup_lad23_rgn23_en.csv";
    const string Iod1 = "imd2025/File_1_IoD2025_Index_of_Multiple_Deprivation.csv.gz";

    /// <summary>A case: which dataset, how to break its file, and what the message must say.</summary>
    public sealed record Case(string Name, string Dataset, string File, Action<ScratchDataDir, string> Break, string[] Expect)
    {
        public override string ToString() => Name;
    }

    static Action<ScratchDataDir, string> Fixture(string name) => (_, path) => File.Copy(Path.Combine(TestEnvironment.Fixtures, "bad", name), path);

    static Action<ScratchDataDir, string> Gzipped(string name) => (_, path) =>
    {
        using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gz.Write(File.ReadAllBytes(Path.Combine(TestEnvironment.Fixtures, "bad", name)));
    };

    /// <summary>The real gzipped CSV with one line rewritten, so every count still holds.</summary>
    static Action<ScratchDataDir, string> RealCsvWithLine(string relative, int line, Func<string, string> edit) => (dir, _) =>
        dir.Rewrite(relative, lines => lines.Select((l, i) => i == line - 1 ? edit(l) : l));

    static readonly Case[] All =
    [
        new("truncated JSON", "lad19", Lad19, Fixture("truncated.geojson"), ["lad19_dec2019_buc_uk_4326.geojson", "line 2", "ends early"]),
        new("not a FeatureCollection", "lad19", Lad19, Fixture("not-a-collection.geojson"), ["lad19_dec2019_buc_uk_4326.geojson", "not a GeoJSON FeatureCollection"]),
        new("wrong geometry type", "lad19", Lad19, Fixture("wrong-geometry-type.geojson"), ["feature 2 (E06000002)", "LineString where a Polygon or MultiPolygon is expected"]),
        new("self-intersecting polygon", "lad19", Lad19, Fixture("self-intersecting.geojson"), ["feature 1 (E06000001)", "self-intersection", "would change its area"]),
        new("empty geometry", "lad19", Lad19, Fixture("empty-geometry.geojson"), ["feature 1 (E06000001)", "the geometry is empty"]),
        new("unknown CRS", "lad19", Lad19, Fixture("unknown-crs.geojson"), ["crs member", "unknown CRS 'urn:ogc:def:crs:EPSG::2157'"]),
        new("lat/lon swapped", "lad19", Lad19, Fixture("swapped-axes.geojson"), ["feature 1 (E06000001)", "outside Great Britain"]),
        new("BNG coordinates without a crs member", "lad19", Lad19, Fixture("bng-without-crs.geojson"), ["feature 1 (E06000001)", "is the declared CRS right?"]),
        new("ring not closed", "lad19", Lad19, Fixture("ring-not-closed.geojson"), ["feature 1", "not closed"]),
        new(".shp without .prj", "lad24", "boundaries/lad24_may2024_buc_uk_27700.shp", (dir, path) =>
        {
            foreach (var ext in new[] { ".shp", ".shx", ".dbf", ".cpg" })
            {
                File.Delete(Path.ChangeExtension(path, ext)); // a link to the read-only original
                File.Copy(dir.Real("boundaries/lad24_may2024_buc_uk_27700" + ext), Path.ChangeExtension(path, ext));
            }
            dir.Remove("boundaries/lad24_may2024_buc_uk_27700.prj");
            dir.Remove("boundaries/lad24_may2024_buc_uk_4326.geojson");
            dir.Remove("boundaries/lad24_may2024_buc_uk_27700.geojson");
        }, ["lad24_may2024_buc_uk_27700.shp", ".prj file is missing"]),
        new("missing column", "lookup_lad23_rgn23", Regions, Fixture("missing-column.csv"), ["lookup_lad23_rgn23_en.csv", "header", "missing column 'RGN23CD'"]),
        new("duplicate codes", "lookup_lad23_rgn23", Regions, Fixture("duplicate-code.csv"), ["line 3", "duplicate lad23cd 'E06000001'", "first seen at line 2"]),
        new("non-UTF-8 text", "lookup_lad23_rgn23", Regions, Fixture("latin1.csv"), ["lookup_lad23_rgn23_en.csv", "line 3", "0xE9 is not valid UTF-8"]),
        new("unclosed quote", "lookup_lad23_rgn23", Regions, Fixture("unclosed-quote.csv"), ["line 2", "never closed"]),
        new("stray quote", "lookup_lad23_rgn23", Regions, Fixture("stray-quote.csv"), ["line 2", "text after a closing quote"]),
        new("malformed code", "lookup_lad23_rgn23", Regions, Fixture("bad-code.csv"), ["line 2", "'X06000001' is not a valid lad23cd"]),
        new("text where a number belongs", "iod2025_imd", Iod1, Gzipped("text-for-number.csv"), ["File_1_IoD2025", "line 2", "'abc' is not a whole number"]),
        new("decile out of range", "iod2025_imd", Iod1, Gzipped("decile-out-of-range.csv"), ["line 2", "11 is outside 1–10"]),
        new("LSOA code no lookup knows", "iod2025_imd", Iod1, RealCsvWithLine(Iod1, 101, l => "E01999999" + l[9..]),
            ["File_1_IoD2025", "line 101", "lsoa21cd 'E01999999' is not in lsoa21"]),
        new("too few rows", "population_lad21_mid2020", "population/pop_mid2020_mye_lad21_single_year_ew.csv", (dir, path) =>
            File.WriteAllLines(path, File.ReadLines(dir.Real("population/pop_mid2020_mye_lad21_single_year_ew.csv")).Take(50)),
            ["pop_mid2020_mye_lad21_single_year_ew.csv", "49 rows", "expects 331"]),
        new("truncated gzip", "lookup_lsoa21_icb24", "lookups/lookup_lsoa21_sicbl24_icb24_en.csv.gz", (dir, path) =>
            File.WriteAllBytes(path, File.ReadAllBytes(dir.Real("lookups/lookup_lsoa21_sicbl24_icb24_en.csv.gz"))[..5000]),
            ["lookup_lsoa21_sicbl24_icb24_en.csv.gz", "not a complete gzip file"]),
        new("file missing", "lookup_lad22_lad23", "lookups/lookup_lad22_lad23_uk.csv", (dir, path) => { }, ["lookup_lad22_lad23_uk.csv", "not found"]),
    ];

    // By name, so that each case is a test of its own in the runner's count.
    public static TheoryData<string> Corpus() => new(All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Bad_input_is_refused_with_a_clear_message_and_the_served_data_is_kept(string name)
    {
        var c = All.Single(x => x.Name == name);
        var before = await db.Served();
        var failedBefore = await db.Scalar<long>("select count(*) from cradle_meta.loads where status = 'failed'");
        using var dir = new ScratchDataDir();
        c.Break(dir, dir.Replace(c.File));

        var result = await TestEnvironment.RunCliAsync("load", "--data", dir.Path, "--manifest", TestEnvironment.Manifest, "--only", c.Dataset);

        Assert.NotEqual(0, result.ExitCode);
        foreach (var fragment in c.Expect) Assert.True(result.Stderr.Contains(fragment), $"expected '{fragment}' in: {result.Stderr}");
        Assert.DoesNotContain("   at ", result.Stderr); // a message, not a stack trace
        Assert.Equal(before, await db.Served());
        // The attempt is on record as failed, with the same message.
        Assert.Equal(failedBefore + 1, await db.Scalar<long>("select count(*) from cradle_meta.loads where status = 'failed'"));
        Assert.Contains(c.Expect[^1], await db.Scalar<string>("select message from cradle_meta.loads order by id desc limit 1"));
    }

    [Fact]
    public void The_corpus_has_at_least_15_distinct_cases_over_every_reader()
    {
        Assert.True(All.Select(c => c.Name).Distinct().Count() >= 15);
        var kinds = All.Select(c => Path.GetExtension(c.File.Replace(".gz", ""))).ToHashSet();
        Assert.Superset(new HashSet<string> { ".geojson", ".shp", ".csv" }, kinds);
    }
}
