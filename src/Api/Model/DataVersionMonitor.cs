using Dapper;
using Npgsql;

namespace Cradle.Api.Model;

/// <summary>
/// The current data version, kept in memory: loads and register edits NOTIFY
/// cradle_data_version when they commit, and one listening connection picks that up, so the
/// hot paths (cached tiles, ETags) need no database round trip. While the listener is down the
/// version is read from the database on every call, as before.
/// </summary>
public sealed class DataVersionMonitor(NpgsqlDataSource db, ILogger<DataVersionMonitor> log) : BackgroundService
{
    public const string Channel = Cradle.Data.Store.DataVersions.Channel;
    readonly MonotonicVersion _current = new(); // -1: not known, ask the database

    public async Task<long> GetAsync(CancellationToken ct)
    {
        var v = _current.Value;
        if (v >= 0) return v;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition("select data_version from cradle_meta.state", cancellationToken: ct));
    }

    /// <summary>A version this process has just committed (a register edit): newer wins at once (unless the version is not known at all).</summary>
    public void Observe(long version)
    {
        if (_current.Value >= 0) _current.Raise(version);
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(stop);
                // Versions only grow (one sequence): a late notification must not take us back.
                conn.Notification += (_, e) => { if (long.TryParse(e.Payload, out var v)) _current.Raise(v); };
                await conn.ExecuteAsync($"listen {Channel}");
                // Read after listening, so no change can slip between the two.
                var version = await conn.ExecuteScalarAsync<long?>("select data_version from cradle_meta.state where to_regclass('cradle_meta.state') is not null");
                _current.Reset(version ?? -1);
                while (!stop.IsCancellationRequested) await conn.WaitAsync(TimeSpan.FromSeconds(30), stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e)
            {
                _current.Reset(-1);
                log.LogWarning("data version listener down ({Message}); reading the version per request until it is back", e.Message);
                try { await Task.Delay(1000, stop); } catch (OperationCanceledException) { }
            }
        }
    }
}
