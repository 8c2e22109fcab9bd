using Dapper;
using Npgsql;

namespace Cradle.Api.Areas;

/// <summary>Areas' boundaries as GeoJSON geometry (CRS84, six decimals), by code: what the GeoJSON list and the OGC features both serve.</summary>
public static class AreaGeometries
{
    public static async Task<Dictionary<string, string>> ByCodeAsync(NpgsqlConnection conn, string level, IEnumerable<string> codes, CancellationToken ct) =>
        (await conn.QueryAsync<(string Code, string Json)>(new CommandDefinition(
            "select code, st_asgeojson(st_transform(geom, 4326), 6) from cradle.area where level = @level and code = any(@codes)",
            new { level, codes = codes.ToArray() }, cancellationToken: ct))).ToDictionary(x => x.Code, x => x.Json);
}
