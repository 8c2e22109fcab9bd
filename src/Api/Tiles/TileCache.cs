using System.Collections.Concurrent;

namespace Cradle.Api.Tiles;

public readonly record struct TileKey(long Version, string Layer, int Z, int X, int Y);

/// <summary>A tile as served: gzipped MVT bytes (empty for an empty tile).</summary>
public sealed class CachedTile(byte[] gzipped, int rawLength)
{
    public byte[] Gzipped { get; } = gzipped;
    public int RawLength { get; } = rawLength;
    public long LastUsed;
}

/// <summary>
/// A bounded in-process tile cache (Cradle:TileCacheMB, default 256; 0 turns it off). Keys carry
/// the data version, so a reload or a register edit makes every old entry unreachable at once;
/// those are evicted first, then the least recently used.
/// </summary>
public sealed class TileCache(IConfiguration config)
{
    readonly ConcurrentDictionary<TileKey, CachedTile> _tiles = new();
    readonly long _capacity = (long)((config.GetValue<double?>("Cradle:TileCacheMB") ?? 256) * 1024 * 1024);
    long _bytes;
    long _clock;

    public bool Enabled => _capacity > 0;
    public long Bytes => Interlocked.Read(ref _bytes);
    public int Count => _tiles.Count;

    public bool TryGet(TileKey key, out CachedTile tile)
    {
        if (_tiles.TryGetValue(key, out tile!))
        {
            tile.LastUsed = Interlocked.Increment(ref _clock);
            return true;
        }
        return false;
    }

    public void Add(TileKey key, CachedTile tile)
    {
        if (!Enabled || tile.Gzipped.Length > _capacity / 8) return;
        tile.LastUsed = Interlocked.Increment(ref _clock);
        if (_tiles.TryAdd(key, tile) && Interlocked.Add(ref _bytes, tile.Gzipped.Length + 64) > _capacity) Evict(key.Version);
    }

    readonly object _evicting = new();

    void Evict(long currentVersion)
    {
        lock (_evicting)
        {
            if (Bytes <= _capacity) return;
            // Old versions first, then the least recently used, down to 80% of capacity.
            foreach (var (k, t) in _tiles.Where(e => e.Key.Version != currentVersion).ToList())
                if (_tiles.TryRemove(k, out _)) Interlocked.Add(ref _bytes, -(t.Gzipped.Length + 64));
            if (Bytes <= _capacity * 8 / 10) return;
            foreach (var (k, t) in _tiles.OrderBy(e => e.Value.LastUsed).ToList())
            {
                if (Bytes <= _capacity * 8 / 10) break;
                if (_tiles.TryRemove(k, out _)) Interlocked.Add(ref _bytes, -(t.Gzipped.Length + 64));
            }
        }
    }
}
