using Cradle.Api.Infrastructure;
using Cradle.Core.Case;
using Cradle.Core.Coverage;
using Cradle.Api.Model;

namespace Cradle.Api.Scenarios;

/// <summary>
/// What a scenario changes (the use case behind POST /api/scenarios, the case report's options and the
/// Best Start section): teams added and closed against the register as it stands, before and after for
/// each area affected, the totals, value for money and the commissioner's frame.
/// </summary>
public static class ScenarioEvaluation
{
    /// <summary>
    /// A scenario against the register as it stands: the given teams added, the given teams closed;
    /// the errors name each bad field as the request body does (teams[0].areas, close).
    /// </summary>
    public static (ScenarioResult? Result, Dictionary<string, string[]>? Errors) Evaluate(ModelStore store, ModelSnapshot s, ModelParameters p, string level,
        IReadOnlyList<ScenarioTeam> teams, IReadOnlyList<string> close, BenefitParameters benefit, string? within = null)
    {
        var errors = new Dictionary<string, string[]>();
        var added = new List<ModelTeam>();
        var addedOut = new List<ScenarioTeamOut>();
        var warnings = new List<InputWarning>();
        if (teams.Count == 0 && close.Count == 0) errors["teams"] = ["give at least one team to add or one team id to close"];
        if (teams.Count > 50) errors["teams"] = ["at most 50 hypothetical teams"];
        var baseline = store.Baseline(s, p);
        for (int k = 0; k < Math.Min(teams.Count, 50); k++)
        {
            var t = teams[k];
            string f = $"teams[{k}]";
            var name = string.IsNullOrWhiteSpace(t.Name) ? $"New team {k + 1}" : t.Name.Trim();
            if (name.Length > 200) errors[$"{f}.name"] = ["must be at most 200 characters"];
            var capacity = t.CapacityFamiliesPerYear ?? ModelParameters.DefaultNewTeamCapacity;
            var cost = t.AnnualCost ?? ModelParameters.DefaultAnnualCost;
            if (!double.IsFinite(capacity) || capacity < 0 || capacity > 100_000) errors[$"{f}.capacity_families_per_year"] = ["must be between 0 and 100,000"];
            if (!double.IsFinite(cost) || cost < 0 || cost > 1e9) errors[$"{f}.annual_cost"] = ["must be between 0 and 1,000,000,000"];
            if (t.Areas is null || t.Areas.Length == 0 || t.Areas.Length > 5000) { errors[$"{f}.areas"] = [$"give 1 to 5,000 codes: {Cradle.Core.Register.KnownCodes.Kinds}"]; continue; }
            var (lsoas, unknown) = s.Resolve(t.Areas);
            if (unknown.Count > 0) { errors[$"{f}.areas"] = unknown.Take(10).Select(c => $"'{ModelQuery.Clip(c)}' is not {Cradle.Core.Register.KnownCodes.Kinds}").ToArray(); continue; }
            added.Add(new ModelTeam($"scenario-{k + 1}", name, capacity, false, lsoas, cost, Hypothetical: true));
            double needInArea = lsoas.Sum(i => baseline.Need[i]);
            addedOut.Add(new ScenarioTeamOut(name, t.Areas, capacity, cost, lsoas.Length, Math.Round(needInArea, 2)));
            warnings.AddRange(Plausibility.Team(f + ".", capacity, cost, needInArea, lsoas.Sum(i => baseline.UnmetAt(i))));
        }
        var known = baseline.Teams.Select(t => t.Id).ToHashSet();
        var unknownClose = close.Where(id => !known.Contains(id)).ToList();
        if (unknownClose.Count > 0) errors["close"] = unknownClose.Take(10).Select(id => $"'{ModelQuery.Clip(id)}' is not an active team in the register").ToArray();
        if (errors.Count > 0) return (null, errors);

        var kept = baseline.Teams.Where(t => !close.Contains(t.Id)).ToList();
        var after = CoverageModel.Run(s, kept.Concat(added).ToList(), p, baseline.AsOf, baseline.Need, baseline.Range);
        var before = store.Figures(s, p, level).Areas;
        var changed = CoverageModel.Aggregate(after, level);
        var areas = new List<ScenarioArea>();
        for (int a = 0; a < before.Length; a++)
        {
            var (b, c) = (before[a], changed[a]);
            bool teamsChanged = !b.Teams.Select(t => t.Id).SequenceEqual(c.Teams.Select(t => t.Id));
            if (!teamsChanged && Math.Abs(b.Covered - c.Covered) < 1e-9 && Math.Abs(b.Capacity - c.Capacity) < 1e-9) continue;
            areas.Add(new ScenarioArea(b.Code, b.Name, R(b.Need), R(b.Covered), R(c.Covered), R(b.Unmet), R(c.Unmet),
                b.UnmetPer1000Births is { } ub ? R(ub) : null, c.UnmetPer1000Births is { } uc ? R(uc) : null,
                Math.Round(b.GeographicCoverage, 4), Math.Round(c.GeographicCoverage, 4), b.NoTeam, c.NoTeam,
                b.TeamState.Id(), c.TeamState.Id(), b.Teams.Select(t => t.Name).ToList(), c.Teams.Select(t => t.Name).ToList()));
        }
        double need = baseline.Need.Sum(), coveredBefore = baseline.Covered.Sum(), coveredAfter = after.Covered.Sum();
        double extra = coveredAfter - coveredBefore, newCost = added.Sum(t => t.AnnualCost ?? 0);
        // What the new teams buy, against the register without the closed teams: a closure's loss is not the new teams' cost.
        double byNew = close.Count == 0 ? extra : added.Count == 0 ? 0 : coveredAfter - CoverageModel.Run(s, kept, p, baseline.AsOf, baseline.Need, baseline.Range).Covered.Sum();
        var totals = new ScenarioTotals(R(need), R(coveredBefore), R(coveredAfter), R(extra), R(need - coveredBefore), R(need - coveredAfter),
            R(baseline.UnmetNotKnown()), R(after.UnmetNotKnown()), R(byNew), newCost,
            byNew > 1e-9 && added.Count > 0 ? Math.Round(newCost / byNew, 0) : null,
            R(Sum(s.LsoaCount, baseline.UnmetLowAt)), R(Sum(s.LsoaCount, after.UnmetLowAt)), R(Sum(s.LsoaCount, baseline.UnmetHighAt)), R(Sum(s.LsoaCount, after.UnmetHighAt)));
        return (new ScenarioResult(s.DataVersion, level, Areas.AreaOutput.Describe(p, s), addedOut, [.. close], totals, areas.Count,
            areas.OrderByDescending(x => Math.Abs(x.UnmetNeedBefore - x.UnmetNeedAfter)).ToList(),
            ValueForMoney.Of(newCost, added.Count > 0 ? byNew : 0, benefit), warnings,
            within is null ? null : Frame(s, baseline, after, within)), null);
    }

    /// <summary>The area of this code and the districts in it (their parts inside), before and after.</summary>
    public static ScenarioFrame Frame(ModelSnapshot s, CoverageRun before, CoverageRun after, string code)
    {
        code = s.HeldCode(code)!;
        var level = s.AreaLevelOfCode[code];
        var container = s.Levels[level];
        FrameArea Row(AreaFigures b, AreaFigures a) => new(b.Code, b.Name, b.Level, b.Partial, Math.Round(b.InsideShare, 4), R(b.Need), R(b.Covered), R(a.Covered),
            R(b.Unmet), R(a.Unmet), b.UnmetPer1000Births is { } ub ? R(ub) : null, a.UnmetPer1000Births is { } ua ? R(ua) : null,
            R(b.UnmetNotKnown), R(a.UnmetNotKnown), b.TeamState.Id(), a.TeamState.Id(),
            R(b.Range.UnmetLow), R(a.Range.UnmetLow), R(b.Range.UnmetHigh), R(a.Range.UnmetHigh));
        int index = container.Index[code];
        var area = Row(CoverageModel.Aggregate(before, level)[index], CoverageModel.Aggregate(after, level)[index]);
        var districts = new List<FrameArea>();
        if (level is not ("lad" or "lsoa"))
        {
            var inside = container.Mask(index);
            var (b, a) = (CoverageModel.Aggregate(before, "lad", inside), CoverageModel.Aggregate(after, "lad", inside));
            foreach (var d in s.AreasWithin("lad", code)!) districts.Add(Row(b[d], a[d]));
        }
        return new ScenarioFrame(area, districts);
    }

    static double R(double x) => Math.Round(x, 2);

    /// <summary>A per-LSOA figure summed over England's n LSOAs.</summary>
    static double Sum(int n, Func<int, double> perLsoa) { double t = 0; for (int i = 0; i < n; i++) t += perLsoa(i); return t; }
}
