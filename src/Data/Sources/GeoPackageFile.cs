using System.Globalization;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Cradle.Core;

namespace Cradle.Data.Sources;

/// <summary>An OGC GeoPackage feature table; the CRS comes from gpkg_spatial_ref_sys.</summary>
public sealed class GeoPackageFile : SourceFile
{
    readonly SqliteConnection _db;
    readonly string _table, _geomColumn;
    readonly string[] _columns;

    public GeoPackageFile(string path, string? layer) : base(path)
    {
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            _db.Open();
            var layers = Query("select table_name from gpkg_contents where data_type = 'features' order by table_name", r => r.GetString(0));
            _table = layer ?? (layers.Count == 1 ? layers[0]
                : throw new DataFileException(path, null, $"{layers.Count} feature tables ({string.Join(", ", layers)}); name one as the dataset's layer"));
            if (!layers.Contains(_table)) throw new DataFileException(path, null, $"no feature table '{_table}'");
            var (geomColumn, srsId) = Query("select column_name, srs_id from gpkg_geometry_columns where table_name = $t",
                r => (r.GetString(0), r.GetInt32(1)), ("$t", _table)).SingleOrDefault();
            if (geomColumn is null) throw new DataFileException(path, $"layer {_table}", "no geometry column is registered in gpkg_geometry_columns");
            _geomColumn = geomColumn;
            var srs = Query("select organization, organization_coordsys_id, definition from gpkg_spatial_ref_sys where srs_id = $s",
                r => (r.GetString(0), r.GetInt32(1), r.IsDBNull(2) ? "" : r.GetString(2)), ("$s", srsId)).SingleOrDefault();
            Crs = (srs.Item1?.Equals("EPSG", StringComparison.OrdinalIgnoreCase) == true ? KnownCrs.FromEpsg(srs.Item2) : null)
                ?? KnownCrs.FromWkt(srs.Item3 ?? "")
                ?? throw new DataFileException(path, $"layer {_table}", $"unknown CRS (srs_id {srsId}, {srs.Item1}:{srs.Item2}); Cradle reads {KnownCrs.Supported}");
            _columns = Query($"select name from pragma_table_info($t)", r => r.GetString(0), ("$t", _table))
                .Where(c => c != _geomColumn).ToArray();
        }
        catch (Exception e)
        {
            _db.Dispose();
            if (e is DataFileException) throw;
            throw new DataFileException(path, null, $"not a readable GeoPackage: {e.Message}");
        }
    }

    List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string, object)[] args)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (k, v) in args) cmd.Parameters.AddWithValue(k, v);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(map(r));
        return list;
    }

    public override IReadOnlyList<string> Columns => _columns;
    public override bool IsSpatial => true;

    static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    public override IEnumerable<RawRecord> Records()
    {
        var reader = new GeoPackageGeoReader();
        using var cmd = _db.CreateCommand();
        // Identifiers come from the file's own catalogue and are quoted; nothing user-typed reaches this SQL.
        cmd.CommandText = $"select {string.Join(", ", _columns.Append(_geomColumn).Select(Quote))} from {Quote(_table)}";
        using var r = cmd.ExecuteReader();
        int index = 0;
        while (r.Read())
        {
            index++;
            var where = $"feature {index}";
            var cells = new string?[_columns.Length];
            for (int i = 0; i < _columns.Length; i++)
                cells[i] = r.IsDBNull(i) ? null : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture);
            Geometry? g = null;
            if (!r.IsDBNull(_columns.Length))
            {
                try { g = reader.Read((byte[])r.GetValue(_columns.Length)); }
                catch (Exception e) { throw new DataFileException(Path, where, $"unreadable geometry blob: {e.Message}"); }
            }
            yield return new RawRecord(where, cells, () => g, index);
        }
    }

    public override void Dispose() => _db.Dispose();
}
