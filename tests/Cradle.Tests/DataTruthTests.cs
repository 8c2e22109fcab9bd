using Dapper;

namespace Cradle.Tests;

/// <summary>The loaded store against the figures the official releases publish (shared/data/SOURCES.md).</summary>
[Collection("database")]
public sealed class DataTruthTests(DatabaseFixture db)
{
    [Theory]
    [InlineData("lsoa", null, 35_672)]
    [InlineData("lsoa", "E", 33_755)]
    [InlineData("lsoa11", null, 34_753)]
    [InlineData("lsoa11", "E", 32_844)]
    [InlineData("lad", "E", 296)]
    [InlineData("lad19", "E", 317)]
    [InlineData("icb", "E", 36)]
    [InlineData("icb2024", "E", 42)]
    [InlineData("sicbl", "E", 106)]
    [InlineData("sicbl2024", "E", 106)]
    [InlineData("region", "E", 9)]
    public async Task Area_counts_match_the_official_geographies(string level, string? country, int expected)
    {
        var n = await db.Scalar<long>("select count(*) from cradle.area where level = @level and (@country::text is null or country = @country)",
            new { level, country });
        Assert.Equal(expected, n);
    }

    [Theory]
    [InlineData("iod2025", "lsoa21", 33_755)]
    [InlineData("imd2019", "lsoa11", 32_844)]
    [InlineData("imd2019", "lsoa21", 33_755)]
    public async Task Every_LSOA_has_an_IMD_row(string vintage, string geography, int expected)
    {
        var n = await db.Scalar<long>("select count(*) from cradle.deprivation where vintage = @vintage and geography = @geography and measure = 'imd'",
            new { vintage, geography });
        Assert.Equal(expected, n);
    }

    [Fact]
    public async Task Newcastle_has_180_LSOA21_and_175_LSOA11()
    {
        Assert.Equal(180, await db.Scalar<long>("select count(*) from cradle.lsoa where lad_code = 'E08000021'"));
        Assert.Equal(175, await db.Scalar<long>("select count(distinct lsoa11cd) from cradle.src_lsoa11_lsoa21 where lad22cd = 'E08000021'"));
        Assert.Equal(175, await db.Scalar<long>("select count(*) from cradle.src_imd2019_file1 where lad19cd = 'E08000021'"));
    }

    [Fact]
    public async Task Newcastle_has_3050_infants_aged_0_on_both_LSOA_vintages()
    {
        var native = await db.Scalar<double>("""
            select sum(p.age_0) from cradle.population p
            where p.geography = 'lsoa11' and p.code in (select lsoa11cd from cradle.src_lsoa11_lsoa21 where lad22cd = 'E08000021')
            """);
        var carried = await db.Scalar<double>("""
            select sum(p.age_0) from cradle.population p join cradle.lsoa l on l.code = p.code
            where p.vintage = 'mid-2020' and p.geography = 'lsoa21' and l.lad_code = 'E08000021'
            """);
        var mye = await db.Scalar<double>("select age_0 from cradle.population where geography = 'lad21' and code = 'E08000021'");
        Assert.Equal(3050, native);
        Assert.Equal(3050, carried, 6);
        Assert.Equal(3050, mye);
    }

    [Fact]
    public async Task England_infants_aged_0_total_601913_after_carrying_to_LSOA21()
    {
        var carried = await db.Scalar<double>("select sum(age_0) from cradle.population where vintage = 'mid-2020' and geography = 'lsoa21' and code like 'E%'");
        var mye = await db.Scalar<double>("select sum(age_0) from cradle.population where geography = 'lad21' and code like 'E%'");
        Assert.Equal(601_913, carried, 3);
        Assert.Equal(601_913, mye);
    }

    [Fact]
    public async Task A_split_LSOA_shares_its_count_equally_and_a_merge_sums()
    {
        // Pick any split LSOA 2011 and any merged LSOA 2021 from the official lookup.
        var split = await db.Scalar<string>("select lsoa11cd from cradle.src_lsoa11_lsoa21 where chgind = 'S' order by lsoa11cd limit 1");
        var parts = await db.Query<double>("""
            select p21.all_ages from cradle.src_lsoa11_lsoa21 m join cradle.population p21 on p21.vintage = 'mid-2020' and p21.geography = 'lsoa21' and p21.code = m.lsoa21cd
            where m.lsoa11cd = @split
            """, new { split });
        var whole = await db.Scalar<double>("select all_ages from cradle.population where geography = 'lsoa11' and code = @split", new { split });
        Assert.True(parts.Count >= 2);
        Assert.All(parts, p => Assert.Equal(whole / parts.Count, p, 6));

        var merged = await db.Scalar<string>("select lsoa21cd from cradle.src_lsoa11_lsoa21 where chgind = 'M' order by lsoa21cd limit 1");
        var sources = await db.Scalar<double>("""
            select sum(p.all_ages) from cradle.src_lsoa11_lsoa21 m join cradle.population p on p.geography = 'lsoa11' and p.code = m.lsoa11cd
            where m.lsoa21cd = @merged
            """, new { merged });
        Assert.Equal(sources, await db.Scalar<double>("select all_ages from cradle.population where vintage = 'mid-2020' and geography = 'lsoa21' and code = @merged", new { merged }), 6);
    }

    [Fact]
    public async Task Newcastle_has_47_LSOAs_in_IoD2025_decile_1()
    {
        var n = await db.Scalar<long>("""
            select count(*) from cradle.deprivation d join cradle.lsoa l on l.code = d.code
            where d.vintage = 'iod2025' and d.geography = 'lsoa21' and d.measure = 'imd' and d.decile = 1 and l.lad_code = 'E08000021'
            """);
        Assert.Equal(47, n);
    }

    [Fact]
    public async Task Newcastle_IMD_2019_has_45_LSOAs_in_decile_1()
    {
        var n = await db.Scalar<long>("select count(*) from cradle.src_imd2019_file1 where lad19cd = 'E08000021' and imd_decile = 1");
        Assert.Equal(45, n);
    }

    [Fact]
    public async Task Newcastle_population_weighted_IMD_matches_the_published_district_summary()
    {
        // File 10 (IoD2025 district summaries): Newcastle upon Tyne average score 28.834, average rank 19,744.45.
        var (score, rank) = (await db.Query<(double, double)>("""
            select sum(n.imd_score * n.population_mid2022) / sum(n.population_mid2022),
                   sum((33756 - d.rank) * n.population_mid2022)::double precision / sum(n.population_mid2022)
            from cradle.src_iod2025_newcastle n
            join cradle.deprivation d on d.code = n.lsoa21cd and d.vintage = 'iod2025' and d.measure = 'imd'
            """)).Single();
        Assert.Equal(28.834, score, 3);
        Assert.Equal(19_744.45, rank, 2);
        // The File 5 trim agrees with the File 7 subset for every Newcastle LSOA.
        Assert.Equal(0, await db.Scalar<long>("""
            select count(*) from cradle.src_iod2025_newcastle n join cradle.src_iod2025_file7 f on f.lsoa21cd = n.lsoa21cd
            where n.imd_score <> f.imd_score
            """));
    }

    [Fact]
    public async Task City_of_London_001A_has_the_published_ranks_and_scores()
    {
        var rows = await db.Query<(string Vintage, string Measure, double? Score, int Rank, int Decile)>("""
            select vintage, measure, score, rank, decile from cradle.deprivation
            where code = 'E01000001' and geography in ('lsoa21', 'lsoa11') and measure in ('imd', 'income', 'living_environment', 'idaci')
            order by vintage, geography, measure
            """);
        Assert.Contains(("iod2025", "imd", 8.742, 26_525, 8), rows.Select(r => (r.Vintage, r.Measure, r.Score ?? 0, r.Rank, r.Decile)));
        Assert.Contains(("iod2025", "income", 0.013, 33_730, 10), rows.Select(r => (r.Vintage, r.Measure, r.Score ?? 0, r.Rank, r.Decile)));
        Assert.Contains(("iod2025", "living_environment", 69.345, 244, 1), rows.Select(r => (r.Vintage, r.Measure, r.Score ?? 0, r.Rank, r.Decile)));
        Assert.Contains(rows, r => r is { Vintage: "iod2025", Measure: "idaci", Rank: 33_304, Decile: 10 });
        Assert.Contains(rows, r => r is { Vintage: "imd2019", Measure: "imd", Rank: 29_199, Decile: 9 });
    }

    [Fact]
    public async Task The_E01027305_erratum_moves_it_to_West_Northamptonshire_with_its_source()
    {
        Assert.Equal("E07000177", await db.Scalar<string>("select lad24cd from cradle.src_lsoa21_lad24 where lsoa21cd = 'E01027305'"));
        Assert.Equal("E06000062", await db.Scalar<string>("select lad_code from cradle.lsoa where code = 'E01027305'"));
        Assert.Contains("13 November 2025", await db.Scalar<string>("select source from cradle.errata where code = 'E01027305'"));
        // So Cherwell lies wholly in one ICB, as MHCLG's corrected geography has it.
        var s = await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(db.Db);
        Assert.Single(s.Parents[("lad", "E07000177")], p => p.Level == "icb");
    }

    [Fact]
    public async Task Cumberland_and_Westmorland_are_split_between_two_ICBs_with_shares()
    {
        var s = await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(db.Db);
        var rows = new[] { "E06000063", "E06000064" }.SelectMany(code => s.Parents[("lad", code)].Where(p => p.Level == "icb")
            .Select(p => (Code: code, Icb: p.Code, p.Lsoas, Share: p.InfantsShare))).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Contains(rows, r => r is { Code: "E06000063", Icb: "E54000050", Lsoas: 171 });
        Assert.Contains(rows, r => r is { Code: "E06000063", Lsoas: 6 } && r.Icb != "E54000050");
        Assert.Contains(rows, r => r is { Code: "E06000064", Icb: "E54000050", Lsoas: 36 });
        Assert.Contains(rows, r => r is { Code: "E06000064", Lsoas: 106 });
        foreach (var g in rows.GroupBy(r => r.Code)) Assert.Equal(1.0, g.Sum(r => r.Share), 9);
        // Both are in the North West region, and Newcastle's LSOAs all sit in NENC ICB.
        Assert.All(new[] { "E06000063", "E06000064" }, code => Assert.Equal("E12000002", Assert.Single(s.Parents[("lad", code)], p => p.Level == "region").Code));
        Assert.Equal(180, await db.Scalar<long>("select count(*) from cradle.lsoa where lad_code = 'E08000021' and icb_code = 'E54000050'"));
    }

    [Fact]
    public async Task Every_English_LSOA_has_a_district_ICB_sub_ICB_and_region()
    {
        Assert.Equal(0, await db.Scalar<long>("select count(*) from cradle.lsoa where country = 'E' and (lad_code is null or icb_code is null or sicbl_code is null or region_code is null)"));
        var s = await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(db.Db);
        Assert.Equal(12, s.Parents.Count(kv => kv.Key.Level == "lad" && kv.Value.Any(p => p.Level == "region" && p.Code == "E12000001")));
    }

    [Fact]
    public async Task Newcastle_boundary_is_113_km2_with_the_published_centroid()
    {
        var (area, x, y) = (await db.Query<(double, double, double)>(
            "select st_area(geom) / 1e6, st_x(st_centroid(geom)), st_y(st_centroid(geom)) from cradle.area where level = 'lad' and code = 'E08000021'")).Single();
        Assert.Equal(113.0, area, 0);
        Assert.InRange(x, 422_012 - 5, 422_012 + 5);
        Assert.InRange(y, 568_137 - 5, 568_137 + 5);
    }

    [Fact]
    public async Task Dissolved_outlines_cover_their_LSOAs()
    {
        // England dissolved from LSOAs has the area of its LSOAs (no gaps, no double counting).
        var (england, lsoas) = (await db.Query<(double, double)>("""
            select (select st_area(geom) from cradle.area where level = 'england'),
                   (select sum(st_area(geom)) from cradle.area where level = 'lsoa' and country = 'E')
            """)).Single();
        Assert.InRange(england / lsoas, 0.999, 1.001);
        // And every LSOA lies within its ICB outline.
        Assert.Equal(0, await db.Scalar<long>("""
            select count(*) from cradle.lsoa l join cradle.area a on a.level = 'lsoa' and a.code = l.code
            join cradle.area i on i.level = 'icb' and i.code = l.icb_code
            where not st_covers(st_buffer(i.geom, 1), st_pointonsurface(a.geom))
            """));
    }

    [Fact]
    public async Task Generalised_tile_geometry_exists_for_each_zoom_band()
    {
        var bands = await db.Query<(string Level, long Bands)>("select level, count(distinct zband) from cradle.area_tile group by level order by level");
        Assert.Contains(("lad", 4L), bands);
        Assert.Contains(("lsoa", 3L), bands);
        // Coarser bands hold fewer vertices.
        var points = await db.Query<long>("select sum(st_npoints(geom)) from cradle.area_tile where level = 'lad' group by zband order by zband");
        Assert.True(points[0] < points[1] && points[1] <= points[2] && points[2] <= points[3], string.Join(",", points));
    }

    [Theory]
    [InlineData("lsoa11")]
    [InlineData("lsoa21")]
    public async Task Loaded_boundaries_are_valid_and_the_repairs_match_what_NetTopologySuite_finds(string id)
    {
        // The loader leaves validity to PostGIS after the copy; read the file again with the
        // in-memory check to see both ways find and repair the same features.
        var spec = Cradle.Data.Manifest.Load(TestEnvironment.Manifest)[id];
        var stats = new Cradle.Data.ReadStats();
        using (var source = Cradle.Data.Sources.SourceFile.Open(spec.ResolveFile(TestEnvironment.DataDir)!))
            foreach (var _ in Cradle.Data.DatasetReader.Read(spec, source, stats)) { }
        Assert.Equal(0L, await db.Scalar<long>($"select count(*) from cradle.{spec.Table} where not st_isvalid(geom)"));
        Assert.Equal(stats.Repaired, await db.Scalar<int>("select repaired from cradle.datasets where id = @id", new { id }));
        Assert.Equal(stats.Rows, await db.Scalar<long>($"select count(*) from cradle.{spec.Table}"));
    }
}
