using System.Globalization;
using Cradle.Geo.Coverage;

namespace Cradle.Geo.Catalog;

/// <summary>How a figure's values are written: a count or rate with so many decimals, a share shown as a percentage,
/// or a whole number that orders areas (a rank, a decile), which tiles and schemas carry as an integer.</summary>
public enum FigureFormat { Number, Percent, Category, Flag, Ordinal }

/// <summary>
/// One figure, in one place: the name it has everywhere (API fields, CSV columns, tile attributes,
/// OGC properties, map legends, the viewer), its label, unit, format, class breaks and palette,
/// the levels it applies to, and how it is read from the model.
/// </summary>
public sealed record Figure(
    string Id,
    string Label,
    string Unit,
    string Description,
    FigureFormat Format,
    int Decimals,
    /// <summary>Lower bounds of the classes (the last is open-ended); null: quintiles of the level's areas in England.</summary>
    double[]? Breaks,
    string? Palette,
    /// <summary>Levels it applies to; null: every level.</summary>
    IReadOnlyList<string>? Levels,
    bool Tile,
    bool Map,
    /// <summary>The value for an area, from its figures and deprivation summary (null when not applicable).</summary>
    Func<AreaFigures, DeprivationSummary?, double?>? Value = null)
{
    public bool AppliesTo(string level) => Levels is null || Levels.Contains(level);

    /// <summary>The text of a value, as legends and reports write it.</summary>
    public string Text(double v) => Format switch
    {
        FigureFormat.Percent => (v * 100).ToString("N" + Decimals, CultureInfo.InvariantCulture) + "%",
        _ => v.ToString("N" + Decimals, CultureInfo.InvariantCulture),
    };
}

/// <summary>A named sequence of colours, light to dark unless said otherwise; all colour-blind safe.</summary>
public sealed record Palette(string Id, string Description, IReadOnlyList<string> Colours);

/// <summary>The vocabulary of figures, palettes and team states, shared by server and viewer (GET /api/catalog).</summary>
public static class Figures
{
    /// <summary>The fill of an area a figure has no value for (no births, say): never a class's colour.</summary>
    public const string NoValueColour = "#b1b4b6";

    public static readonly IReadOnlyList<Palette> Palettes =
    [
        new("viridis", "Viridis, 5 steps: sequential, colour-blind safe; darker = more.", ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"]),
        new("deprivation", "ColorBrewer BrBG, 10 steps, for LSOA deprivation deciles: brown = most deprived, teal = least; colour-blind safe and unlike the district palette.",
            ["#543005", "#8c510a", "#bf812d", "#dfc27d", "#f6e8c3", "#c7eae5", "#80cdc1", "#35978f", "#01665e", "#003c30"]),
    ];

    public static readonly IReadOnlyList<Figure> All =
    [
        new("unmet_need_per_1000_births", "Unmet need per 1,000 births", "unmet families a year per 1,000 births",
            "Families a year needing a specialised parent-infant relationship service whom no team's capacity covers, per 1,000 births (age-0 population).",
            // Under the risk model districts without a team range from about 65 to 135, so the first class (under 60) holds only
            // areas that teams serve; the flat model's 100 opens the fourth class.
            FigureFormat.Number, 0, [0, 60, 80, 100, 120], "viridis", null, Tile: true, Map: true, (f, _) => f.UnmetPer1000Births),
        new("geographic_coverage", "Geographic coverage", "share of infants where a team takes referrals",
            "The share of the area's infants living where an active team in the register takes referrals.",
            FigureFormat.Percent, 0, [0, 0.2, 0.4, 0.6, 0.8], "viridis", null, Tile: true, Map: true, (f, _) => f.GeographicCoverage),
        new("need_families_per_year", "Need", "families a year needing a specialised service",
            "Families a year who may need a specialised parent-infant relationship team: births × a rate that rises with income deprivation, calibrated to need_rate nationally (GET /api/model).",
            FigureFormat.Number, 0, null, "viridis", null, Tile: true, Map: true, (f, _) => f.Need),
        new("unmet_need", "Unmet need", "unmet families a year",
            "Need minus the need covered by teams' capacity, in families a year.",
            FigureFormat.Number, 0, null, "viridis", null, Tile: true, Map: true, (f, _) => f.Unmet),
        new("infants_under_2", "Infants under 2", "infants under 2 (mid-2024; small areas estimated)",
            "Population aged 0 and 1. ONS mid-2024 by default: districts as published, smaller areas estimated.",
            FigureFormat.Number, 0, null, "viridis", null, Tile: true, Map: true, (f, _) => f.Infants),
        new("share_infants_deciles_1_2", "Deprivation", "share of infants in the 20% most deprived LSOAs (IoD2025)",
            "The share of the area's infants living in LSOAs of IMD deciles 1 and 2.",
            FigureFormat.Percent, 0, [0, 0.2, 0.4, 0.6, 0.8], "viridis", null, Tile: true, Map: true, (_, d) => d?.ShareInfantsDeciles12),
        new("mean_imd_score", "IMD score", "population-weighted mean IMD score (IoD2025)",
            "The mean of the area's LSOA IMD scores, weighted by population, as MHCLG summarises districts.",
            FigureFormat.Number, 1, null, "viridis", null, Tile: true, Map: false, (_, d) => d?.MeanImdScore),
        new("imd_decile", "IMD decile", "IoD2025 decile (1 = the 10% most deprived LSOAs)",
            "The LSOA's decile of the Index of Multiple Deprivation 2025.",
            FigureFormat.Ordinal, 0, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "deprivation", ["lsoa"], Tile: true, Map: false),
        new("team_state", "What is known about teams", "team state",
            "served, in_development, confirmed_none or not_known: the state of most of the area's infants.",
            FigureFormat.Category, 0, null, null, null, Tile: true, Map: false),
        new("no_team", "No team", "no active team reaches any infant here",
            "True where no active team in the register takes referrals from any of the area's infants.",
            FigureFormat.Flag, 0, null, null, null, Tile: true, Map: false),
        new("gap_rank", "Rank by unmet need", "1 = the most unmet need of the level",
            "The area's rank among all areas of its level in England by unmet need (families a year).",
            FigureFormat.Ordinal, 0, null, null, null, Tile: true, Map: false),
    ];

    public static Figure Get(string id) => All.FirstOrDefault(f => f.Id == id) ?? throw new KeyNotFoundException($"no figure '{id}' in the catalog");

    public static bool TryGet(string? id, out Figure figure)
    {
        figure = All.FirstOrDefault(f => f.Id == id)!;
        return figure is not null;
    }

    public static Palette PaletteOf(Figure f) => Palettes.Single(p => p.Id == f.Palette);

    /// <summary>
    /// The class lower bounds in force for a figure at a level: its fixed breaks, or quintiles of
    /// England's areas of the level rounded to two significant figures.
    /// </summary>
    public static double[] BreaksFor(Figure f, IEnumerable<double> values)
    {
        if (f.Breaks is { } fixedBreaks) return fixedBreaks;
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0) return [0, 1, 2, 3, 4];
        var breaks = new double[5];
        for (int i = 0; i < 5; i++) breaks[i] = Nice(sorted[(int)Math.Floor(i / 5.0 * (sorted.Length - 1))]);
        for (int i = 1; i < 5; i++) if (breaks[i] <= breaks[i - 1]) breaks[i] = breaks[i - 1] + Math.Max(1e-9, Math.Abs(breaks[i - 1]) * 1e-6);
        breaks[0] = Math.Min(breaks[0], sorted[0]);
        return breaks;
    }

    static double Nice(double x)
    {
        if (x == 0 || !double.IsFinite(x)) return 0;
        double p = Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(x))) - 1);
        return Math.Floor(x / p) * p;
    }

    /// <summary>The four team states, with the pattern each is drawn with (served plainly).</summary>
    public static readonly IReadOnlyList<(TeamState State, string Label, string Explain, string? Pattern)> TeamStateVocabulary =
    [
        (TeamState.Served, "Served", "an active team in the register takes referrals here", null),
        (TeamState.InDevelopment, "In development", "a team is being set up here", "sparse diagonal lines"),
        (TeamState.ConfirmedNone, "Confirmed none", "a dated source says there is no team", "dense diagonal lines"),
        (TeamState.NotKnown, "Not known", "no team in the register, and no source says there is none", "dots"),
    ];
}
