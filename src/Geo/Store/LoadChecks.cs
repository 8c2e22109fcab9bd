using Dapper;
using Npgsql;

namespace Cradle.Geo.Store;

/// <summary>The load's integrity checks (Sql/checks.sql) on the staged model, before the swap.</summary>
public static class LoadChecks
{
    public static async Task RunAsync(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        var problems = new List<string>();
        foreach (var query in CradleDatabase.Sql("checks.sql").Split("\n----\n"))
        {
            var sql = string.Join('\n', query.Split('\n').Where(l => !l.TrimStart().StartsWith("--")));
            if (string.IsNullOrWhiteSpace(sql)) continue;
            problems.AddRange((await conn.QueryAsync<string>(sql + " limit 5", transaction: tx)));
        }
        if (problems.Count > 0)
            throw new InvalidOperationException("the loaded data fails its integrity checks:\n  " + string.Join("\n  ", problems));
    }
}
