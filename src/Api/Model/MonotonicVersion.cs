namespace Cradle.Api.Model;

/// <summary>A data version that only ever grows, shared between threads: a late report of an older version cannot take it back.</summary>
public sealed class MonotonicVersion(long initial = -1)
{
    long _value = initial;

    public long Value => Interlocked.Read(ref _value);

    /// <summary>Takes <paramref name="version"/> if it is newer.</summary>
    public void Raise(long version)
    {
        long seen;
        do { seen = Interlocked.Read(ref _value); if (seen >= version) return; }
        while (Interlocked.CompareExchange(ref _value, version, seen) != seen);
    }

    /// <summary>Sets it whatever it was (the source of truth was read again, or is unknown: −1).</summary>
    public void Reset(long version) => Interlocked.Exchange(ref _value, version);
}
