using Dapper;
using Npgsql;

namespace Cradle.Data.Store;

/// <summary>The load's integrity checks (Sql/checks.sql) on the staged model, before the swap.</summary>
public static class LoadChecks
{
    public static async Task RunAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct = default)
    {
        var problems = new List<string>();
        foreach (var query in CradleDatabase.Sql("checks.sql").Split("\n----\n"))
        {
            var sql = string.Join('\n', query.Split('\n').Where(l => !l.TrimStart().StartsWith("--")));
            if (string.IsNullOrWhiteSpace(sql)) continue;
            problems.AddRange(await ProblemsAsync(conn, tx, sql, ct));
        }
        ThrowIfAny("the loaded data fails its integrity checks", problems);
    }

    /// <summary>The first five rows of a check (a query of problem texts, one column).</summary>
    public static async Task<IEnumerable<string>> ProblemsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct) =>
        await conn.QueryAsync<string>(new CommandDefinition($"select * from ({sql}) p limit 5", transaction: tx, commandTimeout: 600, cancellationToken: ct));

    /// <summary>Fails the load, listing the problems, if there are any.</summary>
    public static void ThrowIfAny(string what, IEnumerable<string> problems)
    {
        var list = problems.ToList();
        if (list.Count > 0) throw new InvalidOperationException(what + ":\n  " + string.Join("\n  ", list));
    }
}
