namespace Cradle.Core.Coverage;

/// <summary>A place a new team could serve: one district or a connected group of districts in one ICB.</summary>
public sealed record PlanCandidate(string[] Lads, string Icb, int[] Lsoas);

/// <param name="GainNotKnown">The part of the gain in LSOAs whose team state is not known.</param>
public sealed record PlanPick(int Order, PlanCandidate Candidate, double Gain, double ObjectiveGain, double UnmetBefore, double UnmetAfter, int TiedWith,
    double GainNotKnown);

/// <summary>
/// Where the next teams should go. Each new team has a fixed capacity shared over its area in
/// proportion to need, like every team. The objective, need met (optionally weighted by the
/// deprivation multiplier of each LSOA), is f(S) = Σᵢ wᵢ·min(Nᵢ, cᵢ + Σ_{t∈S} aₜᵢ): a sum of concave
/// functions of sums of non-negative terms, hence monotone submodular. Greedy selection, taking
/// at each step the candidate with the largest marginal gain, is therefore within a factor
/// 1 − 1/e ≈ 0.632 of the best possible choice of the same number of teams (Nemhauser, Wolsey and
/// Fisher, 1978), and in practice much closer. New teams do not overlap one another (a district
/// gets at most one new team), which keeps the picks distinct places a commissioner can fund.
/// With that rule the feasible choices form a k-system (k = the largest group size), for which
/// greedy is guaranteed within 1/(k+1) of the best in the worst case (Fisher, Nemhauser and
/// Wolsey, 1978); on single districts (k = 1, a matroid) that is 1/2. The tests compare it with
/// brute force on small instances, where it does far better than these bounds.
/// </summary>
public static class Planner
{
    /// <summary>
    /// Single districts and connected groups of up to <paramref name="maxGroupSize"/> neighbouring
    /// districts whose main ICB (most infants) is the same; optionally only those within an area.
    /// </summary>
    public static List<PlanCandidate> Candidates(ModelSnapshot s, int maxGroupSize, Func<string, bool>? include = null)
    {
        var lad = s.Levels["lad"];
        var icbOf = new Dictionary<string, string>();
        foreach (var code in lad.Codes)
            if (s.Parents.TryGetValue(("lad", code), out var ps) && ps.FirstOrDefault(p => p.Level == "icb") is { } icb)
                icbOf[code] = icb.Code;

        var seen = new HashSet<string>();
        var result = new List<PlanCandidate>();
        var frontier = lad.Codes.Where(c => icbOf.ContainsKey(c) && (include?.Invoke(c) ?? true)).Select(c => new[] { c }).ToList();
        for (int size = 1; size <= maxGroupSize && frontier.Count > 0; size++)
        {
            var next = new List<string[]>();
            foreach (var group in frontier)
            {
                var key = string.Join("+", group.Order());
                if (!seen.Add(key)) continue;
                var sorted = group.Order().ToArray();
                result.Add(new PlanCandidate(sorted, icbOf[group[0]], sorted.SelectMany(g => lad.LsoasOf(lad.Index[g])).ToArray()));
                if (size == maxGroupSize) continue;
                foreach (var member in group)
                    foreach (var nb in s.LadNeighbours.GetValueOrDefault(member) ?? [])
                        if (!group.Contains(nb) && icbOf.GetValueOrDefault(nb) == icbOf[group[0]] && (include?.Invoke(nb) ?? true))
                            next.Add([.. group, nb]);
            }
            frontier = next;
        }
        return result;
    }

    /// <summary>Each upper-tier council as one candidate (a county with all its districts), optionally only those within an area.</summary>
    public static List<PlanCandidate> UpperTierCandidates(ModelSnapshot s, Func<string, bool>? include = null)
    {
        var lad = s.Levels["lad"];
        var utla = s.Levels["utla"];
        var result = new List<PlanCandidate>();
        for (int u = 0; u < utla.Count; u++)
        {
            var lsoas = utla.LsoasOf(u);
            var lads = lsoas.Select(i => lad.Codes[lad.LsoaArea[i]]).Distinct().Order().ToArray();
            if (include is not null && !lads.All(include)) continue;
            var icb = s.Parents.TryGetValue(("utla", utla.Codes[u]), out var ps) ? ps.FirstOrDefault(p => p.Level == "icb")?.Code : null;
            if (icb is not null) result.Add(new PlanCandidate(lads, icb, lsoas));
        }
        return result;
    }

    /// <summary>The gain of adding a team of this capacity to the candidate's area, given current capacities.</summary>
    public static (double Gain, double Objective) Gain(PlanCandidate c, double capacity, double[] need, double[] allocated, double[] weight)
    {
        double total = 0;
        foreach (var i in c.Lsoas) total += need[i];
        if (total <= 0) return (0, 0);
        double gain = 0, objective = 0;
        foreach (var i in c.Lsoas)
        {
            double add = capacity * need[i] / total;
            double g = Math.Min(need[i], allocated[i] + add) - Math.Min(need[i], allocated[i]);
            gain += g;
            objective += g * weight[i];
        }
        return (gain, objective);
    }

    /// <summary>
    /// Greedy maximum coverage: <paramref name="teams"/> picks, each the best marginal gain of the
    /// objective. With a flat need model many candidates tie (any district whose unmet need exceeds
    /// the team's capacity gains exactly that capacity); ties go to the larger gain weighted by
    /// <paramref name="tieWeight"/> (deprivation), then to the smaller group, then to code order.
    /// </summary>
    public static List<PlanPick> Greedy(CoverageRun baseline, List<PlanCandidate> candidates, int teams, double capacity, double[] weight, double[]? tieWeight = null)
    {
        tieWeight ??= weight;
        var allocated = (double[])baseline.Capacity.Clone();
        var need = baseline.Need;
        var picks = new List<PlanPick>();
        var usedLads = new HashSet<string>();
        for (int k = 0; k < teams; k++)
        {
            int best = -1, tied = 0;
            (double Gain, double Objective) bestGain = (0, 0);
            double bestTie = 0;
            for (int c = 0; c < candidates.Count; c++)
            {
                // New teams do not overlap: a district gets at most one of them.
                if (candidates[c].Lads.Any(usedLads.Contains)) continue;
                var g = Gain(candidates[c], capacity, need, allocated, weight);
                if (g.Objective <= 1e-9) continue;
                int cmp = best < 0 ? 1 : Compare(g.Objective, bestGain.Objective);
                if (cmp == 0)
                {
                    tied++;
                    double tie = Gain(candidates[c], capacity, need, allocated, tieWeight).Objective;
                    int tcmp = Compare(tie, bestTie);
                    if (tcmp > 0 || tcmp == 0 && candidates[c].Lads.Length < candidates[best].Lads.Length)
                        (best, bestGain, bestTie) = (c, g, tie);
                }
                else if (cmp > 0)
                {
                    (best, bestGain, tied) = (c, g, 0);
                    bestTie = Gain(candidates[c], capacity, need, allocated, tieWeight).Objective;
                }
            }
            if (best < 0) break;
            var pick = candidates[best];
            var before = pick.Lsoas.Select(i => Math.Min(need[i], allocated[i])).ToArray();
            double unmetBefore = pick.Lsoas.Sum(i => need[i] - Math.Min(need[i], allocated[i]));
            CoverageModel.Allocate(new ModelTeam("", "", capacity, false, pick.Lsoas, null, true), need, allocated, null);
            double unmetAfter = pick.Lsoas.Sum(i => need[i] - Math.Min(need[i], allocated[i]));
            double notKnown = 0;
            for (int j = 0; j < pick.Lsoas.Length; j++)
                if (baseline.State[pick.Lsoas[j]] == TeamState.NotKnown) notKnown += Math.Min(need[pick.Lsoas[j]], allocated[pick.Lsoas[j]]) - before[j];
            usedLads.UnionWith(pick.Lads);
            picks.Add(new PlanPick(k + 1, pick, bestGain.Gain, bestGain.Objective, unmetBefore, unmetAfter, tied, notKnown));
        }
        return picks;
    }

    /// <summary>Gains within a hundredth of a family a year are equal.</summary>
    static int Compare(double a, double b) => Math.Abs(a - b) < 0.01 ? 0 : a.CompareTo(b);

    /// <summary>The objective value of adding a whole set of candidates at once (for checking the greedy choice).</summary>
    public static double Value(CoverageRun baseline, IEnumerable<PlanCandidate> chosen, double capacity, double[] weight)
    {
        var allocated = (double[])baseline.Capacity.Clone();
        foreach (var c in chosen) CoverageModel.Allocate(new ModelTeam("", "", capacity, false, c.Lsoas, null, true), baseline.Need, allocated, null);
        double v = 0;
        for (int i = 0; i < allocated.Length; i++) v += weight[i] * (Math.Min(baseline.Need[i], allocated[i]) - Math.Min(baseline.Need[i], baseline.Capacity[i]));
        return v;
    }

    /// <summary>Per-LSOA weights of the objective: 1, or the deprivation multiplier.</summary>
    public static double[] Weights(ModelSnapshot s, ModelParameters p, bool deprivationWeighted)
    {
        if (deprivationWeighted) return CoverageModel.NeedMultipliers(s, p with { NeedModel = NeedModel.Deprivation, NeedWeight = NeedWeight.Imd });
        var w = new double[s.LsoaCount];
        Array.Fill(w, 1.0);
        return w;
    }
}
