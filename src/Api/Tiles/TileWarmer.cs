using Cradle.Data.Tiles;

namespace Cradle.Api.Tiles;

/// <summary>
/// After every new tile edition (a load, an import, a register edit, midnight), makes the low zooms
/// (0–8) of every layer over England in the background and puts them in the tile cache, so that the
/// first visitors after an edit are served from it: about 900 tiles, a few seconds. A newer edition
/// stops the round and starts the next. No writes: tiles are read at the published edition.
/// </summary>
public sealed class TileWarmer(TilePublisher publisher, TileStore tiles, TileCache cache, ILogger<TileWarmer> log) : BackgroundService
{
    public const int MaxZoom = 8;
    volatile TileEdition? _warmed;

    /// <summary>The newest edition whose low zooms are all in the cache.</summary>
    public TileEdition? Warmed => _warmed;

    /// <summary>The low-zoom tiles of every layer over England's bounds, coarsest first.</summary>
    public static IEnumerable<(string Layer, int Z, int X, int Y)> LowZoomTiles()
    {
        var b = TileStore.Bounds; // west, south, east, north
        foreach (var layer in TileStore.Layers)
            for (int z = Math.Max(0, layer.MinZoom); z <= Math.Min(MaxZoom, layer.MaxZoom); z++)
            {
                var (x0, y0) = TileStore.TileOf(b[0], b[3], z);
                var (x1, y1) = TileStore.TileOf(b[2], b[1], z);
                for (int x = x0; x <= x1; x++)
                    for (int y = y0; y <= y1; y++) yield return (layer.Id, z, x, y);
            }
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!cache.Enabled) return;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (publisher.Published is { } edition && edition.IsAfter(_warmed))
                {
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    int made = 0;
                    bool whole = true;
                    foreach (var (layer, z, x, y) in LowZoomTiles())
                    {
                        if (publisher.Published is { } newer && newer.IsAfter(edition)) { whole = false; break; }
                        var key = new TileKey(edition, layer, z, x, y);
                        if (cache.Contains(key)) continue;
                        cache.Add(key, CachedTile.From(await tiles.TileAsync(layer, z, x, y, edition.DataVersion, stop)));
                        made++;
                    }
                    if (whole)
                    {
                        _warmed = edition;
                        log.LogInformation("tile cache warmed for {Edition}: {Made} tiles of zooms 0–{Max} in {Seconds:0.0} s", edition.Tag, made, MaxZoom, clock.Elapsed.TotalSeconds);
                    }
                }
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e)
            {
                log.LogWarning("tile cache not warmed ({Message}); trying again", e.Message);
                try { await Task.Delay(2000, stop); } catch (OperationCanceledException) { }
            }
        }
    }
}
