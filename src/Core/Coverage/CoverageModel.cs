namespace Cradle.Core.Coverage;

/// <summary>A team as the model sees it: capacity, the LSOAs it takes referrals from, and whether it is hypothetical.</summary>
public sealed record ModelTeam(string Id, string Name, double Capacity, bool CapacityAssumed, int[] Lsoas, double? AnnualCost, bool Hypothetical = false);

/// <summary>
/// What is known about specialised parent-infant provision where an area's infants live. Never
/// mixed up: <see cref="NotKnown"/> (nobody has told the register) is not <see cref="ConfirmedNone"/>
/// (a dated source says there is no team).
/// </summary>
public enum TeamState { Served, InDevelopment, ConfirmedNone, NotKnown }

public static class TeamStates
{
    public static readonly TeamState[] All = [TeamState.Served, TeamState.InDevelopment, TeamState.ConfirmedNone, TeamState.NotKnown];

    public static string Id(this TeamState s) => s switch
    {
        TeamState.Served => "served",
        TeamState.InDevelopment => "in_development",
        TeamState.ConfirmedNone => "confirmed_none",
        _ => "not_known",
    };

}

/// <summary>The model evaluated on every LSOA: need, allocated capacity, covered need, whether a team reaches it, and its team state.</summary>
public sealed class CoverageRun
{
    public required ModelSnapshot Snapshot { get; init; }
    public required ModelParameters Parameters { get; init; }
    /// <summary>The day whose evidence the team states count as current.</summary>
    public required DateOnly AsOf { get; init; }
    public PopulationValues Population => Snapshot.Population(Parameters.Population);
    public required IReadOnlyList<ModelTeam> Teams { get; init; }
    public required double[] Need { get; init; }
    /// <summary>Need calibrated to the low and high national rates (<see cref="ModelParameters.NeedRateLow"/>, <see cref="ModelParameters.NeedRateHigh"/>).</summary>
    public required NeedRange Range { get; init; }
    public required double[] Capacity { get; init; }
    public required double[] Covered { get; init; }
    public required bool[] Reached { get; init; }
    public required TeamState[] State { get; init; }

    public double UnmetAt(int lsoa) => Math.Max(0, Need[lsoa] - Covered[lsoa]);

    /// <summary>Unmet need if need were the low or high figure, with capacity shared as in the central one.</summary>
    public double UnmetLowAt(int lsoa) => Math.Max(0, Range.Low[lsoa] - Capacity[lsoa]);
    public double UnmetHighAt(int lsoa) => Math.Max(0, Range.High[lsoa] - Capacity[lsoa]);

    /// <summary>England's unmet need where nothing is known about provision.</summary>
    public double UnmetNotKnown()
    {
        double sum = 0;
        for (int i = 0; i < State.Length; i++) if (State[i] == TeamState.NotKnown) sum += UnmetAt(i);
        return sum;
    }
}

/// <summary>Per-LSOA need at the low and high national rates.</summary>
public sealed record NeedRange(double[] Low, double[] High);

/// <summary>An area's need and unmet need at the low and high national rates (families a year).</summary>
public sealed record AreaRange(double NeedLow, double NeedHigh, double UnmetLow, double UnmetHigh);

/// <summary>One area's figures at one level; <see cref="InsideShare"/> below 1 for the part of an area inside another (a within= list).</summary>
public sealed record AreaFigures(
    string Level, int Index, string Code, string Name,
    double Infants, double Births, double Need, double Capacity, double Covered, double ReachedInfants,
    IReadOnlyList<ModelTeam> Teams, double[] InfantsByState, int[] LsoasByState, double UnmetNotKnown, AreaRange Range, double InsideShare = 1)
{
    public bool Partial => InsideShare < 1;

    public double Unmet => Math.Max(0, Need - Covered);
    public double GeographicCoverage => Infants > 0 ? ReachedInfants / Infants : 0;
    public double? UnmetPer1000Births => Births > 0 ? Unmet / Births * 1000 : null;
    public bool NoTeam => ReachedInfants <= 0;

    /// <summary>
    /// The state of most of the area's infants (ties go to the better-known state); where no
    /// infants are estimated, of most of its LSOAs; not known for an area with neither.
    /// </summary>
    public TeamState TeamState
    {
        get
        {
            if (Infants > 0) return Majority(k => InfantsByState[k]);
            return LsoasByState.Sum() > 0 ? Majority(k => LsoasByState[k]) : TeamState.NotKnown;
        }
    }

    static TeamState Majority(Func<int, double> weight)
    {
        int best = 0;
        for (int k = 1; k < TeamStates.All.Length; k++) if (weight(k) > weight(best)) best = k;
        return TeamStates.All[best];
    }

    public double StateShare(TeamState s) => Infants > 0 ? InfantsByState[(int)s] / Infants : 0;
}

/// <summary>
/// The need and coverage model (../shared/BRIEF.md). Need is a share of births per LSOA, flat or
/// deprivation-weighted; a team's capacity is shared over its service area in proportion to
/// need; covered need is min(need, allocated capacity) per LSOA, so every level's figures are
/// sums of LSOA figures and England = Σ regions = Σ districts exactly.
/// </summary>
public static class CoverageModel
{
    /// <summary>Whether a register team counts under these parameters (teams of uncertain fit may be left out).</summary>
    public static bool Counts(Register.Team t, ModelParameters p) => p.IncludeUncertainTeams || !t.FitUncertain;

    /// <summary>The register's active teams, with the default capacity where none is published.</summary>
    public static List<ModelTeam> ActiveTeams(ModelSnapshot s, ModelParameters p) =>
        s.Teams.Where(t => t.IsActive && Counts(t, p)).Select(t => new ModelTeam(t.Id, t.Name,
            t.CapacityFamiliesPerYear ?? p.DefaultCapacity, t.CapacityFamiliesPerYear is null,
            s.TeamLsoas(t), t.AnnualCostGbp)).ToList();

    /// <summary>Families a year needing a team, per LSOA, calibrated to the central national rate.</summary>
    public static double[] Need(ModelSnapshot s, ModelParameters p) => Need(s, p, p.NeedRate);

    /// <summary>Need calibrated to the low and high national rates.</summary>
    public static NeedRange Range(ModelSnapshot s, ModelParameters p) =>
        new(Need(s, p, p.NeedRate * ModelParameters.NeedRateLow / ModelParameters.DefaultNeedRate),
            Need(s, p, p.NeedRate * ModelParameters.NeedRateHigh / ModelParameters.DefaultNeedRate));

    /// <summary>Need per LSOA under the parameters' model, with England's total = <paramref name="rate"/> × England's births.</summary>
    public static double[] Need(ModelSnapshot s, ModelParameters p, double rate)
    {
        var births = s.Population(p.Population).Births;
        var need = new double[s.LsoaCount];
        switch (p.NeedModel)
        {
            case NeedModel.Flat:
                for (int i = 0; i < need.Length; i++) need[i] = births[i] * rate;
                return need;
            case NeedModel.Risk:
            {
                var share = RiskShare(s);
                var (p0, p1) = Calibrate(births, share, rate, p.RiskOddsRatio);
                for (int i = 0; i < need.Length; i++) need[i] = births[i] * (p0 + share[i] * (p1 - p0));
                return need;
            }
        }
        // Deprivation-weighted, then normalised so that England's total equals the flat model's.
        var multiplier = NeedMultipliers(s, p);
        double flat = 0, weighted = 0;
        for (int i = 0; i < need.Length; i++)
        {
            need[i] = births[i] * rate * multiplier[i];
            flat += births[i] * rate;
            weighted += need[i];
        }
        double k = weighted > 0 ? flat / weighted : 1;
        for (int i = 0; i < need.Length; i++) need[i] *= k;
        return need;
    }

    /// <summary>
    /// Each LSOA's share of infants taken to be at high risk: its share of people in income-deprived
    /// families (IoD 2025 Income domain score, a rate). The IDACI rate would be closer (children only),
    /// but only its ranks are in the data; where the score is missing, England's births-weighted mean.
    /// </summary>
    public static double[] RiskShare(ModelSnapshot s) => s.Memo("risk-share", () => ComputeRiskShare(s));

    static double[] ComputeRiskShare(ModelSnapshot s)
    {
        var score = s.Deprivation[("iod2025", "income")].Score;
        var births = s.Population(ModelParameters.DefaultPopulation).Births;
        double sum = 0, weight = 0;
        for (int i = 0; i < score.Length; i++) if (double.IsFinite(score[i])) { sum += score[i] * births[i]; weight += births[i]; }
        double mean = weight > 0 ? sum / weight : 0;
        return score.Select(x => double.IsFinite(x) ? Math.Clamp(x, 0, 1) : mean).ToArray();
    }

    /// <summary>
    /// The rates for infants not at risk (p0) and at risk (p1), with odds(p1) = oddsRatio × odds(p0),
    /// such that Σ births × (p0 + share × (p1 − p0)) = rate × Σ births. The total rises with p0, so bisection finds it.
    /// </summary>
    public static (double P0, double P1) Calibrate(double[] births, double[] share, double rate, double oddsRatio)
    {
        double total = births.Sum();
        if (total <= 0 || rate <= 0) return (0, 0);
        double shareMean = 0;
        for (int i = 0; i < births.Length; i++) shareMean += births[i] * share[i];
        shareMean /= total;
        double P1(double p0) => oddsRatio * p0 / (1 - p0 + oddsRatio * p0);
        double lo = 0, hi = rate;
        for (int k = 0; k < 100; k++)
        {
            double mid = (lo + hi) / 2;
            if (mid + shareMean * (P1(mid) - mid) < rate) lo = mid; else hi = mid;
        }
        double p0 = (lo + hi) / 2;
        return (p0, P1(p0));
    }

    /// <summary>The calibrated rates of the risk model under these parameters (null for other models).</summary>
    public static (double P0, double P1)? RiskRates(ModelSnapshot s, ModelParameters p) =>
        p.NeedModel == NeedModel.Risk
            ? s.Memo($"risk-rates {p.Population} {p.NeedRate:R} {p.RiskOddsRatio:R}", () => Calibrate(s.Population(p.Population).Births, RiskShare(s), p.NeedRate, p.RiskOddsRatio))
            : null;

    /// <summary>Each LSOA's multiplier before normalisation: by IMD decile, or by its district's child poverty rate.</summary>
    public static double[] NeedMultipliers(ModelSnapshot s, ModelParameters p)
    {
        var m = new double[s.LsoaCount];
        if (p.NeedWeight == NeedWeight.Imd)
        {
            var decile = s.Deprivation[(p.Deprivation, "imd")].Decile;
            for (int i = 0; i < m.Length; i++) m[i] = p.Multiplier(decile[i]);
            return m;
        }
        var rate = ChildPovertyByLsoa(s);
        double england = BhcRate(s, "E92000001");
        for (int i = 0; i < m.Length; i++) m[i] = p.ChildPovertyMultiplier(rate[i], england);
        return m;
    }

    /// <summary>The most recent point of a measure (bhc or ahc) in an area's series.</summary>
    public static ChildPovertyPoint? Latest(IEnumerable<ChildPovertyPoint> series, string measure) =>
        series.Where(x => x.Measure == measure).MaxBy(x => x.Fye);

    /// <summary>An area's latest before-housing-costs child poverty rate (NaN where none).</summary>
    public static double BhcRate(ModelSnapshot s, string code) => s.ChildPoverty.TryGetValue(code, out var x) && Latest(x, "bhc") is { } pt ? pt.Percent : double.NaN;

    /// <summary>Each LSOA's district's latest before-housing-costs child poverty rate (NaN where none).</summary>
    public static double[] ChildPovertyByLsoa(ModelSnapshot s)
    {
        var lad = s.Levels["lad"];
        var byLad = lad.Codes.Select(c => BhcRate(s, c)).ToArray();
        var rate = new double[s.LsoaCount];
        for (int i = 0; i < rate.Length; i++) rate[i] = lad.LsoaArea[i] >= 0 ? byLad[lad.LsoaArea[i]] : double.NaN;
        return rate;
    }

    /// <param name="asOf">The day whose evidence counts as current: the caller's clock, since the core has none.</param>
    /// <param name="need">Need per LSOA when already known (a scenario reuses its baseline's), with <paramref name="range"/>.</param>
    public static CoverageRun Run(ModelSnapshot s, IReadOnlyList<ModelTeam> teams, ModelParameters p, DateOnly asOf, double[]? need = null,
        NeedRange? range = null)
    {
        need ??= Need(s, p);
        range ??= Range(s, p);
        var capacity = new double[s.LsoaCount];
        var reached = new bool[s.LsoaCount];
        foreach (var t in teams) Allocate(t, need, capacity, reached);
        var covered = new double[s.LsoaCount];
        for (int i = 0; i < covered.Length; i++) covered[i] = Math.Min(need[i], capacity[i]);
        return new CoverageRun
        {
            Snapshot = s, Parameters = p, AsOf = asOf, Teams = teams, Need = need, Range = range, Capacity = capacity,
            Covered = covered, Reached = reached, State = States(s, p, reached, asOf),
        };
    }

    /// <summary>
    /// Each LSOA's team state: served where a counted team reaches it; else in development where a
    /// team being set up will (not one a scenario closes); else confirmed none where a current
    /// dated statement says so; else not known. A claim of an unnamed team leaves it not known.
    /// </summary>
    public static TeamState[] States(ModelSnapshot s, ModelParameters p, bool[] reached, DateOnly asOf)
    {
        var state = new TeamState[s.LsoaCount];
        Array.Fill(state, TeamState.NotKnown);
        for (int k = 0; k < s.Evidence.Count; k++)
            if (s.Evidence[k].Evidence == "confirmed_none" && s.Evidence[k].IsCurrent(asOf, p.EvidenceMaxAgeYears))
                foreach (var i in s.EvidenceLsoas[k]) state[i] = TeamState.ConfirmedNone;
        foreach (var t in s.Teams.Where(t => t.IsInDevelopment && Counts(t, p)))
            foreach (var i in s.TeamLsoas(t)) state[i] = TeamState.InDevelopment;
        for (int i = 0; i < state.Length; i++) if (reached[i]) state[i] = TeamState.Served;
        return state;
    }

    /// <summary>Shares a team's capacity over its LSOAs in proportion to their need. A team with no capacity (a scenario's
    /// capacity 0) reaches no one: it neither covers need nor makes an area served.</summary>
    public static void Allocate(ModelTeam t, double[] need, double[] capacity, bool[]? reached)
    {
        if (t.Capacity <= 0) return;
        double total = 0;
        foreach (var i in t.Lsoas) total += need[i];
        foreach (var i in t.Lsoas)
        {
            if (total > 0) capacity[i] += t.Capacity * need[i] / total;
            if (reached is not null) reached[i] = true;
        }
    }

    /// <summary>
    /// Sums the LSOA figures to every area of a level; with <paramref name="inside"/>, only the LSOAs
    /// it marks, so that an area partly inside another counts its part (and says what share of its
    /// infants that is), and the parts add up to the containing area.
    /// </summary>
    public static AreaFigures[] Aggregate(CoverageRun run, string levelName, bool[]? inside = null)
    {
        var s = run.Snapshot;
        var level = s.Levels[levelName];
        int n = level.Count;
        var pop = run.Population;
        var infants = new double[n]; var births = new double[n]; var need = new double[n];
        var cap = new double[n]; var covered = new double[n]; var reachedInfants = new double[n];
        var needLow = new double[n]; var needHigh = new double[n]; var unmetLow = new double[n]; var unmetHigh = new double[n];
        var byState = new double[n][]; var lsoasByState = new int[n][]; var unmetNotKnown = new double[n];
        var allInfants = new double[n]; var allLsoas = new int[n]; var insideLsoas = new int[n];
        for (int a = 0; a < n; a++) { byState[a] = new double[TeamStates.All.Length]; lsoasByState[a] = new int[TeamStates.All.Length]; }
        for (int i = 0; i < s.LsoaCount; i++)
        {
            int a = level.LsoaArea[i];
            if (a < 0) continue;
            allInfants[a] += pop.Infants[i]; allLsoas[a]++;
            if (inside is not null && !inside[i]) continue;
            insideLsoas[a]++;
            infants[a] += pop.Infants[i]; births[a] += pop.Births[i]; need[a] += run.Need[i];
            cap[a] += run.Capacity[i]; covered[a] += run.Covered[i];
            needLow[a] += run.Range.Low[i]; needHigh[a] += run.Range.High[i];
            unmetLow[a] += run.UnmetLowAt(i); unmetHigh[a] += run.UnmetHighAt(i);
            if (run.Reached[i]) reachedInfants[a] += pop.Infants[i];
            byState[a][(int)run.State[i]] += pop.Infants[i];
            lsoasByState[a][(int)run.State[i]]++;
            if (run.State[i] == TeamState.NotKnown) unmetNotKnown[a] += run.UnmetAt(i);
        }
        var teams = new List<ModelTeam>?[n];
        foreach (var t in run.Teams)
            foreach (var i in t.Lsoas)
            {
                int a = level.LsoaArea[i];
                if (a < 0 || (inside is not null && !inside[i])) continue;
                teams[a] ??= [];
                if (teams[a]!.Count == 0 || !ReferenceEquals(teams[a]![^1], t)) teams[a]!.Add(t);
            }
        var result = new AreaFigures[n];
        for (int a = 0; a < n; a++)
        {
            // The share of the area inside: by infants, or by LSOAs where it has none.
            double share = insideLsoas[a] == allLsoas[a] ? 1 : allInfants[a] > 0 ? infants[a] / allInfants[a] : allLsoas[a] > 0 ? (double)insideLsoas[a] / allLsoas[a] : 1;
            result[a] = new AreaFigures(levelName, a, level.Codes[a], level.Names[a], infants[a], births[a], need[a], cap[a], covered[a],
                reachedInfants[a], (IReadOnlyList<ModelTeam>?)teams[a] ?? [], byState[a], lsoasByState[a], unmetNotKnown[a],
                new AreaRange(needLow[a], needHigh[a], unmetLow[a], unmetHigh[a]), share);
        }
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
