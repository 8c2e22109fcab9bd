namespace Cradle.Core.Coverage;

/// <summary>An area's deprivation, summarised as MHCLG summarises districts, plus the infant-weighted measures.</summary>
public sealed record DeprivationSummary(
    string Vintage,
    string Weights,
    double? MeanImdRank,
    double? MeanImdScore,
    double ShareLsoasDecile1,
    double ShareInfantsDeciles12,
    double? MeanIncomeScoreInfantWeighted,
    double[] InfantsByDecile);

public static class DeprivationSummaries
{
    public static string WeightsFor(string vintage) => vintage == "imd2019"
        ? "IMD 2019 File 6 population, mid-2015 (excluding prisoners), carried to LSOA 2021"
        : "ONS mid-2024 LSOA population estimates, all ages (IoD2025's own mid-2022 denominators are not available here)";

    /// <summary>
    /// For each area of the level: the population-weighted mean of LSOA IMD ranks (1 = most deprived;
    /// MHCLG's File 10 "average rank" is 33,756 minus this for IoD2025) and scores, the share of
    /// LSOAs in decile 1, the share of infants in deciles 1–2, and the infant-weighted Income score.
    /// </summary>
    /// <param name="population">Whose infants the infant-weighted measures count (a <see cref="ModelParameters.Populations"/> id).</param>
    public static DeprivationSummary[] Compute(ModelSnapshot s, string levelName, string vintage, string population = ModelParameters.DefaultPopulation)
    {
        var level = s.Levels[levelName];
        var imd = s.Deprivation[(vintage, "imd")];
        s.Deprivation.TryGetValue((vintage, "income"), out var income);
        var weights = vintage == "imd2019" ? s.Population2015 : s.Population("mid2024").Total;
        var infantsOf = s.Population(population).Infants;
        bool hasScore = imd.Score.Any(double.IsFinite);
        bool hasIncome = income is not null && income.Score.Any(double.IsFinite);
        int n = level.Count;
        var w = new double[n]; var wr = new double[n]; var ws = new double[n]; var lsoas = new int[n]; var d1 = new int[n];
        var inf = new double[n]; var inf12 = new double[n]; var incInf = new double[n];
        var byDecile = new double[n][];
        for (int a = 0; a < n; a++) byDecile[a] = new double[10];
        for (int i = 0; i < s.LsoaCount; i++)
        {
            int a = level.LsoaArea[i];
            if (a < 0 || imd.Decile[i] == 0) continue;
            w[a] += weights[i]; wr[a] += weights[i] * imd.Rank[i];
            if (hasScore) ws[a] += weights[i] * imd.Score[i];
            lsoas[a]++;
            if (imd.Decile[i] == 1) d1[a]++;
            inf[a] += infantsOf[i];
            if (imd.Decile[i] <= 2) inf12[a] += infantsOf[i];
            if (hasIncome) incInf[a] += infantsOf[i] * income!.Score[i];
            byDecile[a][imd.Decile[i] - 1] += infantsOf[i];
        }
        var result = new DeprivationSummary[n];
        for (int a = 0; a < n; a++)
            result[a] = new DeprivationSummary(vintage, WeightsFor(vintage),
                w[a] > 0 ? wr[a] / w[a] : null,
                hasScore && w[a] > 0 ? ws[a] / w[a] : null,
                lsoas[a] > 0 ? (double)d1[a] / lsoas[a] : 0,
                inf[a] > 0 ? inf12[a] / inf[a] : 0,
                hasIncome && inf[a] > 0 ? incInf[a] / inf[a] : null,
                byDecile[a]);
        return result;
    }
}
