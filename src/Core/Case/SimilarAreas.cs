using Cradle.Core.Coverage;

namespace Cradle.Core.Case;

/// <summary>One area's standing on the measures that decide similarity, as published (not standardised).</summary>
public sealed record SimilarityMeasures(double Births, double ShareInfantsDeciles12, double? ChildPovertyPercent, double PersonsPerKm2);

/// <summary>A similar area: its index and code at the level, and its distance (standard deviations, over all measures).</summary>
public sealed record SimilarArea(int Index, string Code, string Name, double Distance);

/// <summary>The most similar areas of every area of one level, and the measures behind them.</summary>
public sealed record SimilarAreaSet(string Level, SimilarityMeasures[] Measures, SimilarArea[][] Nearest, double Seconds);

/// <summary>
/// Statistical nearest neighbours in the spirit of ONS's (clustering similar local authorities,
/// 2023): each measure standardised to mean 0 and standard deviation 1 over the level's areas in
/// England, then the Euclidean distance over the measures, equally weighted; the 10 nearest, ties
/// by code. The measures are what matters for this service: births (log), the share of infants in
/// England's most deprived 20% of LSOAs (IoD 2025), children in relative low income families
/// (DWP, before housing costs, latest year) and population density (log). Always of the default
/// data (mid-2024 population, IoD 2025), so one set per data version.
/// </summary>
public static class SimilarAreas
{
    public static readonly string[] Levels = ["lad", "utla"];
    public const int Count = 10;

    public const string Method = "Statistical nearest neighbours, in the spirit of ONS's: four measures, each standardised over the level's areas in England (mean 0, standard deviation 1), " +
        "equally weighted, Euclidean distance; the 10 nearest, ties by code. Measures: births (age-0 population, mid-2024, log), the share of infants in England's most deprived 20% of LSOAs (IoD 2025), " +
        "children aged 0–15 in relative low income families before housing costs (DWP, latest year), and persons per km² (mid-2024, log). An area without a child poverty figure counts as average on it.";

    public static SimilarAreaSet Compute(ModelSnapshot s, string levelName)
    {
        if (!Levels.Contains(levelName)) throw new ArgumentException($"similar areas are computed for {string.Join(" and ", Levels)}, not {levelName}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var level = s.Levels[levelName];
        int n = level.Count;
        var pop = s.Population(ModelParameters.DefaultPopulation);
        var births = new double[n]; var total = new double[n];
        for (int i = 0; i < s.LsoaCount; i++)
        {
            int a = level.LsoaArea[i];
            if (a < 0) continue;
            births[a] += pop.Births[i]; total[a] += pop.Total[i];
        }
        var deprivation = DeprivationSummaries.Compute(s, levelName, "iod2025", ModelParameters.DefaultPopulation);
        var measures = new SimilarityMeasures[n];
        for (int a = 0; a < n; a++)
        {
            double rate = CoverageModel.BhcRate(s, level.Codes[a]);
            double km2 = s.AreaKm2.GetValueOrDefault((levelName, level.Codes[a]), double.NaN);
            measures[a] = new SimilarityMeasures(births[a], deprivation[a].ShareInfantsDeciles12, double.IsFinite(rate) ? rate : null,
                km2 > 0 ? total[a] / km2 : double.NaN);
        }
        double[][] columns =
        [
            measures.Select(m => Math.Log(Math.Max(1, m.Births))).ToArray(),
            measures.Select(m => m.ShareInfantsDeciles12).ToArray(),
            measures.Select(m => m.ChildPovertyPercent ?? double.NaN).ToArray(),
            measures.Select(m => double.IsFinite(m.PersonsPerKm2) && m.PersonsPerKm2 > 0 ? Math.Log(m.PersonsPerKm2) : double.NaN).ToArray(),
        ];
        var z = columns.Select(Standardise).ToArray();
        var nearest = new SimilarArea[n][];
        for (int a = 0; a < n; a++)
        {
            var candidates = new List<(double D, int B)>(n);
            for (int b = 0; b < n; b++)
            {
                if (b == a) continue;
                double d2 = 0;
                foreach (var col in z) d2 += (col[a] - col[b]) * (col[a] - col[b]);
                candidates.Add((Math.Sqrt(d2), b));
            }
            nearest[a] = candidates.OrderBy(x => x.D).ThenBy(x => level.Codes[x.B], StringComparer.Ordinal).Take(Count)
                .Select(x => new SimilarArea(x.B, level.Codes[x.B], level.Names[x.B], Math.Round(x.D, 4))).ToArray();
        }
        return new SimilarAreaSet(levelName, measures, nearest, clock.Elapsed.TotalSeconds);
    }

    /// <summary>(x − mean) / sd over the finite values; a missing value is 0, the mean.</summary>
    static double[] Standardise(double[] x)
    {
        var finite = x.Where(double.IsFinite).ToArray();
        if (finite.Length < 2) return new double[x.Length];
        double mean = finite.Average(), sd = Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1));
        return x.Select(v => double.IsFinite(v) && sd > 0 ? (v - mean) / sd : 0).ToArray();
    }
}
