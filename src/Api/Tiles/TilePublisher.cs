using Cradle.Api.Infrastructure;
using Cradle.Data.Tiles;
using Npgsql;
using Cradle.Api.Model;

namespace Cradle.Api.Tiles;

/// <summary>
/// Publishes the tile figures in the background whenever today's edition is missing: after a
/// register edit made through the API (loads and imports publish their own) and at midnight, when
/// team states may age. No GET writes. Tiles are served at the newest published edition: a
/// request just after an edit waits briefly for the new figures, and otherwise gets the previous
/// edition's, whole.
/// </summary>
public sealed class TilePublisher(NpgsqlDataSource db, ModelStore store, DataVersionMonitor versions, ILogger<TilePublisher> log, TimeProvider clock) : BackgroundService
{
    readonly Lock _gate = new();
    TileEdition? _published;

    /// <summary>The newest edition published, as far as this process knows.</summary>
    public TileEdition? Published { get { lock (_gate) return _published; } }

    void Raise(TileEdition? edition)
    {
        lock (_gate) if (edition is not null && edition.IsAfter(_published)) _published = edition;
    }

    /// <summary>
    /// The edition tiles should be read at for the current data version: today's once published,
    /// after waiting up to <paramref name="wait"/>; otherwise the newest published before it; null
    /// when nothing is published yet (the caller answers 503, and nothing is cached).
    /// </summary>
    public async Task<TileEdition?> EditionForTilesAsync(long current, TimeSpan wait, CancellationToken ct)
    {
        var wanted = TileEdition.Today(current, clock);
        if (!wanted.IsAfter(Published)) return Published;
        if (Published is null) Raise(await ReadPublishedAsync(ct));
        var until = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < until && wanted.IsAfter(Published)) await Task.Delay(20, ct);
        // Today's, or else the newest there is: its figures are whole (the one before is kept too).
        return Published;
    }

    async Task<TileEdition?> ReadPublishedAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await TileFigures.PublishedAsync(conn, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var wanted = TileEdition.Today(await versions.GetAsync(stop), clock);
                // Another process (a load, an import) may have published it already: one query, no snapshot.
                if (wanted.IsAfter(Published)) Raise(await ReadPublishedAsync(stop));
                if (wanted.IsAfter(Published))
                {
                    var s = await store.SnapshotAsync(stop);
                    // The default model as the API serves it: its run and summaries are made once, for both.
                    var p = new Cradle.Core.Coverage.ModelParameters();
                    Raise(await TileFigures.PublishAsync(db, s, store.Baseline(s, p), level => store.Deprivation(s, level, p), stop));
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
