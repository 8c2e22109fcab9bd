using Microsoft.Extensions.Caching.Memory;

namespace Cradle.Api.Tiles;

public readonly record struct TileKey(Cradle.Data.Tiles.TileEdition Edition, string Layer, int Z, int X, int Y);

/// <summary>A tile as served: gzipped MVT bytes (empty for an empty tile).</summary>
public sealed record CachedTile(byte[] Gzipped, int RawLength)
{
    public static CachedTile From(byte[] raw)
    {
        if (raw.Length == 0) return new([], 0);
        using var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest)) gz.Write(raw);
        return new(ms.ToArray(), raw.Length);
    }
}

/// <summary>
/// A bounded in-process tile cache (Cradle:TileCacheMB, default 256; 0 turns it off), on
/// MemoryCache with a size limit: entries are sized by their bytes, and the least recently used
/// are compacted away when it is full. Keys carry the tile edition (data version and day), so a reload, a register
/// edit or midnight makes every old entry unreachable at once; they expire within minutes.
/// </summary>
public sealed class TileCache : IDisposable
{
    readonly MemoryCache? _cache;
    readonly long _capacity;

    public TileCache(Microsoft.Extensions.Options.IOptions<Cradle.Api.Infrastructure.CradleOptions> options)
    {
        _capacity = (long)(options.Value.TileCacheMB * 1024 * 1024);
        if (_capacity > 0) _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = _capacity, CompactionPercentage = 0.2 });
    }

    public bool Enabled => _cache is not null;

    public bool Contains(TileKey key) => _cache?.TryGetValue(key, out _) == true;

    public bool TryGet(TileKey key, out CachedTile tile)
    {
        tile = null!;
        return _cache?.TryGetValue(key, out tile!) == true;
    }

    public void Add(TileKey key, CachedTile tile)
    {
        if (_cache is null || tile.Gzipped.Length > _capacity / 8) return;
        // Old versions are never asked for again: let them go soon rather than wait for compaction.
        _cache.Set(key, tile, new MemoryCacheEntryOptions { Size = tile.Gzipped.Length + 64, SlidingExpiration = TimeSpan.FromMinutes(30) });
    }

    public void Dispose() => _cache?.Dispose();
}
