namespace Cradle.Geo.Coverage;

/// <summary>A team as the model sees it: capacity, the LSOAs it takes referrals from, and whether it is hypothetical.</summary>
public sealed record ModelTeam(string Id, string Name, double Capacity, bool CapacityAssumed, int[] Lsoas, double? AnnualCost, bool Hypothetical = false);

/// <summary>The model evaluated on every LSOA: need, allocated capacity, covered need, whether a team reaches it.</summary>
public sealed class CoverageRun
{
    public required ModelSnapshot Snapshot { get; init; }
    public required ModelParameters Parameters { get; init; }
    public required IReadOnlyList<ModelTeam> Teams { get; init; }
    public required double[] Need { get; init; }
    public required double[] Capacity { get; init; }
    public required double[] Covered { get; init; }
    public required bool[] Reached { get; init; }
}

/// <summary>One area's figures at one level.</summary>
public sealed record AreaFigures(
    string Level, int Index, string Code, string Name,
    double Infants, double Births, double Need, double Capacity, double Covered, double ReachedInfants,
    IReadOnlyList<ModelTeam> Teams)
{
    public double Unmet => Math.Max(0, Need - Covered);
    public double GeographicCoverage => Infants > 0 ? ReachedInfants / Infants : 0;
    public double? UnmetPer1000Births => Births > 0 ? Unmet / Births * 1000 : null;
    public bool NoTeam => ReachedInfants <= 0;
}

/// <summary>
/// The need and coverage model (../shared/BRIEF.md). Need is a share of births per LSOA, flat or
/// deprivation-weighted; a team's capacity is shared over its service area in proportion to
/// need; covered need is min(need, allocated capacity) per LSOA, so every level's figures are
/// sums of LSOA figures and England = Σ regions = Σ districts exactly.
/// </summary>
public static class CoverageModel
{
    /// <summary>The register's active teams, with the default capacity where none is published.</summary>
    public static List<ModelTeam> ActiveTeams(ModelSnapshot s, ModelParameters p) =>
        s.Teams.Where(t => t.IsActive).Select(t => new ModelTeam(t.Id, t.Name,
            t.CapacityFamiliesPerYear ?? p.DefaultCapacity, t.CapacityFamiliesPerYear is null,
            s.Resolve(t.ServiceAreas).Lsoas, t.AnnualCostGbp)).ToList();

    public static double[] Need(ModelSnapshot s, ModelParameters p)
    {
        var need = new double[s.LsoaCount];
        if (p.NeedModel == NeedModel.Flat)
        {
            for (int i = 0; i < need.Length; i++) need[i] = s.Births[i] * p.NeedRate;
            return need;
        }
        // Deprivation-weighted, then normalised so that England's total equals the flat model's.
        var decile = s.Deprivation[(p.Deprivation, "imd")].Decile;
        double flat = 0, weighted = 0;
        for (int i = 0; i < need.Length; i++)
        {
            need[i] = s.Births[i] * p.NeedRate * p.Multiplier(decile[i]);
            flat += s.Births[i] * p.NeedRate;
            weighted += need[i];
        }
        double k = weighted > 0 ? flat / weighted : 1;
        for (int i = 0; i < need.Length; i++) need[i] *= k;
        return need;
    }

    public static CoverageRun Run(ModelSnapshot s, IReadOnlyList<ModelTeam> teams, ModelParameters p, double[]? need = null)
    {
        need ??= Need(s, p);
        var capacity = new double[s.LsoaCount];
        var reached = new bool[s.LsoaCount];
        foreach (var t in teams) Allocate(t, need, capacity, reached);
        var covered = new double[s.LsoaCount];
        for (int i = 0; i < covered.Length; i++) covered[i] = Math.Min(need[i], capacity[i]);
        return new CoverageRun { Snapshot = s, Parameters = p, Teams = teams, Need = need, Capacity = capacity, Covered = covered, Reached = reached };
    }

    /// <summary>Shares a team's capacity over its LSOAs in proportion to their need.</summary>
    public static void Allocate(ModelTeam t, double[] need, double[] capacity, bool[]? reached)
    {
        double total = 0;
        foreach (var i in t.Lsoas) total += need[i];
        foreach (var i in t.Lsoas)
        {
            if (total > 0) capacity[i] += t.Capacity * need[i] / total;
            if (reached is not null) reached[i] = true;
        }
    }

    /// <summary>Sums the LSOA figures to every area of a level.</summary>
    public static AreaFigures[] Aggregate(CoverageRun run, string levelName)
    {
        var s = run.Snapshot;
        var level = s.Levels[levelName];
        int n = level.Count;
        var infants = new double[n]; var births = new double[n]; var need = new double[n];
        var cap = new double[n]; var covered = new double[n]; var reachedInfants = new double[n];
        for (int i = 0; i < s.LsoaCount; i++)
        {
            int a = level.LsoaArea[i];
            if (a < 0) continue;
            infants[a] += s.Infants[i]; births[a] += s.Births[i]; need[a] += run.Need[i];
            cap[a] += run.Capacity[i]; covered[a] += run.Covered[i];
            if (run.Reached[i]) reachedInfants[a] += s.Infants[i];
        }
        var teams = new List<ModelTeam>?[n];
        foreach (var t in run.Teams)
            foreach (var i in t.Lsoas)
            {
                int a = level.LsoaArea[i];
                if (a < 0) continue;
                teams[a] ??= [];
                if (teams[a]!.Count == 0 || !ReferenceEquals(teams[a]![^1], t)) teams[a]!.Add(t);
            }
        var result = new AreaFigures[n];
        for (int a = 0; a < n; a++)
            result[a] = new AreaFigures(levelName, a, level.Codes[a], level.Names[a], infants[a], births[a], need[a], cap[a], covered[a],
                reachedInfants[a], (IReadOnlyList<ModelTeam>?)teams[a] ?? []);
        return result;
    }

    /// <summary>1 = the most unmet need; ties share a rank.</summary>
    public static int[] GapRanks(AreaFigures[] areas)
    {
        var order = areas.Select((a, i) => (a.Unmet, i)).OrderByDescending(x => x.Unmet).ToArray();
        var rank = new int[areas.Length];
        for (int k = 0; k < order.Length; k++)
            rank[order[k].i] = k > 0 && order[k].Unmet == order[k - 1].Unmet ? rank[order[k - 1].i] : k + 1;
        return rank;
    }
}
