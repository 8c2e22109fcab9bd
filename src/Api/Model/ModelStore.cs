using System.Collections.Concurrent;
using Cradle.Core.Coverage;
using Cradle.Data;
using Dapper;
using Npgsql;

namespace Cradle.Api.Model;

/// <summary>A level's figures from one model run, and each area's gap rank.</summary>
public sealed record LevelFigures(AreaFigures[] Areas, int[] Ranks);

/// <summary>
/// The current <see cref="ModelSnapshot"/>, reloaded when the data version moves (a reload or a
/// register edit), and the baseline model runs for it, and their figures per level, cached per
/// parameter set and day. Given a snapshot, it serves that one and never asks the database (the
/// in-process tests).
/// </summary>
public sealed class ModelStore(NpgsqlDataSource db, DataVersionMonitor versions, TimeProvider clock, ModelSnapshot? given = null)
{
    ModelSnapshot? _snapshot = given;
    readonly ModelSnapshot? _given = given;
    readonly SemaphoreSlim _loading = new(1, 1);
    // Keyed by day too: whether a statement of "no team" is still current depends on the date.
    readonly ConcurrentDictionary<(long, ModelParameters, DateOnly), CoverageRun> _runs = new();
    readonly ConcurrentDictionary<(long, ModelParameters, DateOnly, string), LevelFigures> _figures = new();
    readonly ConcurrentDictionary<(long, string, string, string), DeprivationSummary[]> _deprivation = new();

    public Task<long> CurrentVersionAsync(CancellationToken ct) => _given is not null ? Task.FromResult(_given.DataVersion) : versions.GetAsync(ct);

    /// <summary>Today (UTC, by the clock the server was given: a fake one in tests): the day whose vintages and evidence are in force.</summary>
    public DateOnly Today => clock.Today();

    public async Task<ModelSnapshot> SnapshotAsync(CancellationToken ct)
    {
        var version = await CurrentVersionAsync(ct);
        if (_snapshot is { } s && s.DataVersion == version) return s;
        await _loading.WaitAsync(ct);
        try
        {
            if (_snapshot is { } again && again.DataVersion == version) return again;
            var fresh = await Cradle.Data.Store.ModelSnapshotLoader.LoadAsync(db, ct);
            // The snapshot may be newer than the notification that announces it.
            versions.Observe(fresh.DataVersion);
            _snapshot = fresh;
            // Runs of older versions are of no further use.
            foreach (var key in _runs.Keys.Where(k => k.Item1 != fresh.DataVersion)) _runs.TryRemove(key, out _);
            foreach (var key in _figures.Keys.Where(k => k.Item1 != fresh.DataVersion)) _figures.TryRemove(key, out _);
            foreach (var key in _deprivation.Keys.Where(k => k.Item1 != fresh.DataVersion)) _deprivation.TryRemove(key, out _);
            foreach (var key in _breaks.Keys.Where(k => k.Item1 != fresh.DataVersion)) _breaks.TryRemove(key, out _);
            return fresh;
        }
        finally { _loading.Release(); }
    }

    /// <summary>The model with the register's active teams, as it stands.</summary>
    public CoverageRun Baseline(ModelSnapshot s, ModelParameters p)
    {
        var key = (s.DataVersion, p, Today);
        if (_runs.TryGetValue(key, out var run)) return run;
        // Bounded: parameter sets in use are few, but must never grow without end.
        if (_runs.Count >= 64) _runs.Clear();
        return _runs.GetOrAdd(key, k => CoverageModel.Run(s, CoverageModel.ActiveTeams(s, p), p, asOf: k.Item3));
    }

    /// <summary>The baseline's figures at a level, with gap ranks, aggregated once per run.</summary>
    public LevelFigures Figures(ModelSnapshot s, ModelParameters p, string level)
    {
        var run = Baseline(s, p);
        var key = (s.DataVersion, p, run.AsOf, level);
        if (_figures.TryGetValue(key, out var figures)) return figures;
        if (_figures.Count >= 256) _figures.Clear();
        return _figures.GetOrAdd(key, _ =>
        {
            var areas = CoverageModel.Aggregate(run, level);
            return new LevelFigures(areas, CoverageModel.GapRanks(areas));
        });
    }

    readonly ConcurrentDictionary<(long, string, string), double[]> _breaks = new();

    /// <summary>
    /// A figure's class breaks at every level it applies to, for this data version (quintiles where
    /// it has no fixed breaks), always of the default model: one set of classes per version, so
    /// that maps made with other parameters stay comparable with the catalog's legend.
    /// </summary>
    public IReadOnlyDictionary<string, double[]> Breaks(ModelSnapshot s, Cradle.Core.Catalog.Figure f)
    {
        var p = new ModelParameters();
        var result = new Dictionary<string, double[]>();
        if (f.Value is null && f.Breaks is null) return result;
        foreach (var level in Cradle.Core.Catalog.AreaLevels.All.Where(l => f.AppliesTo(l.Id)))
            result[level.Id] = _breaks.GetOrAdd((s.DataVersion, f.Id, level.Id), _ =>
            {
                if (f.Breaks is { } fixedBreaks) return fixedBreaks;
                var figures = Figures(s, p, level.Id).Areas;
                var dep = Deprivation(s, level.Id, p);
                return Cradle.Core.Catalog.Figures.BreaksFor(f, figures.Select((x, i) => f.Value!(x, dep[i]) ?? double.NaN));
            });
        return result;
    }

    public DeprivationSummary[] Deprivation(ModelSnapshot s, string level, ModelParameters p) =>
        _deprivation.GetOrAdd((s.DataVersion, level, p.Deprivation, p.Population), _ => DeprivationSummaries.Compute(s, level, p.Deprivation, p.Population));
}
