using Dapper;
using Npgsql;

namespace Cradle.Data.Store;

/// <summary>
/// The one way the data version moves: a load and every register change take the next value of
/// one sequence, in the transaction that changes the data, and announce it on commit, so every
/// API process keeps its version (and so its snapshot, ETags and tile edition) current without asking.
/// </summary>
public static class DataVersions
{
    /// <summary>The channel the new version is announced on (NOTIFY, delivered at commit).</summary>
    public const string Channel = "cradle_data_version";

    public static async Task<long> NextAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct = default)
    {
        long version = await conn.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into cradle_meta.state (id, data_version, changed_at) values (1, nextval('cradle_meta.data_version_seq'), now())
            on conflict (id) do update set data_version = excluded.data_version, changed_at = excluded.changed_at
            returning data_version
            """, transaction: tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("select pg_notify(@channel, @version::text)", new { channel = Channel, version }, tx, cancellationToken: ct));
        return version;
    }
}
