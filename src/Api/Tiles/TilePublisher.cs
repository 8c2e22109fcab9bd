using Cradle.Api.Infrastructure;
using Cradle.Geo.Tiles;
using Npgsql;

namespace Cradle.Api.Tiles;

/// <summary>
/// Publishes the tile figures of each new data version in the background (a register edit made
/// through the API; loads and imports publish their own), so that no GET writes. Tiles are served
/// at the newest published version: a request just after an edit waits briefly for the new
/// figures, and otherwise gets the previous version's, whole.
/// </summary>
public sealed class TilePublisher(NpgsqlDataSource db, ModelStore store, DataVersionMonitor versions, ILogger<TilePublisher> log) : BackgroundService
{
    readonly MonotonicVersion _published = new();

    /// <summary>The newest version whose figures are published, as far as this process knows.</summary>
    public long Published => _published.Value;

    /// <summary>
    /// The version tiles should be read at for the current data version: it once published, after
    /// waiting up to <paramref name="wait"/>; otherwise the newest published before it.
    /// </summary>
    public async Task<long> VersionForTilesAsync(long current, TimeSpan wait, CancellationToken ct)
    {
        if (Published >= current) return current;
        var until = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < until && Published < current) await Task.Delay(20, ct);
        if (Published >= current) return current;
        if (Published < 0) _published.Raise(await ReadPublishedAsync(ct));
        return Published >= 0 ? Math.Min(Published, current) : current;
    }

    async Task<long> ReadPublishedAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await TileFigures.PublishedVersionAsync(conn, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var current = await versions.GetAsync(stop);
                if (Published < current)
                {
                    var s = await store.SnapshotAsync(stop);
                    _published.Raise(await TileFigures.PublishAsync(db, s, stop));
                }
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e)
            {
                log.LogWarning("tile figures not published ({Message}); trying again", e.Message);
                try { await Task.Delay(1000, stop); } catch (OperationCanceledException) { }
            }
        }
    }
}
