using System.Globalization;
using Cradle.Core.Coverage;

namespace Cradle.Core.Catalog;

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
        new(Id: "unmet_need_per_1000_births", Label: "Unmet need per 1,000 births", Unit: "unmet families a year per 1,000 births",
            Description: "Families a year needing a specialised parent-infant relationship service whom no team's capacity covers, per 1,000 births (age-0 population).",
            // Under the risk model districts without a team range from about 65 to 135, so the first class (under 60) holds only
            // areas that teams serve; the flat model's 100 opens the fourth class.
            Format: FigureFormat.Number, Decimals: 0, Breaks: [0, 60, 80, 100, 120], Palette: "viridis", Levels: null, Tile: true, Map: true, Value: (f, _) => f.UnmetPer1000Births),
        new(Id: "geographic_coverage", Label: "Geographic coverage", Unit: "share of infants where a team takes referrals",
            Description: "The share of the area's infants living where an active team in the register takes referrals.",
            Format: FigureFormat.Percent, Decimals: 0, Breaks: [0, 0.2, 0.4, 0.6, 0.8], Palette: "viridis", Levels: null, Tile: true, Map: true, Value: (f, _) => f.GeographicCoverage),
        new(Id: "need_families_per_year", Label: "Need", Unit: "families a year needing a specialised service",
            Description: "Families a year who may need a specialised parent-infant relationship team: births × a rate that rises with income deprivation, calibrated to need_rate nationally (GET /api/model).",
            Format: FigureFormat.Number, Decimals: 0, Breaks: null, Palette: "viridis", Levels: null, Tile: true, Map: true, Value: (f, _) => f.Need),
        new(Id: "unmet_need", Label: "Unmet need", Unit: "unmet families a year",
            Description: "Need minus the need covered by teams' capacity, in families a year.",
            Format: FigureFormat.Number, Decimals: 0, Breaks: null, Palette: "viridis", Levels: null, Tile: true, Map: true, Value: (f, _) => f.Unmet),
        new(Id: "infants_under_2", Label: "Infants under 2", Unit: "infants under 2 (mid-2024; small areas estimated)",
            Description: "Population aged 0 and 1. ONS mid-2024 by default: districts as published, smaller areas estimated.",
            Format: FigureFormat.Number, Decimals: 0, Breaks: null, Palette: "viridis", Levels: null, Tile: true, Map: true, Value: (f, _) => f.Infants),
        new(Id: "share_infants_deciles_1_2", Label: "Deprivation", Unit: "share of infants in the 20% most deprived LSOAs (IoD2025)",
            Description: "The share of the area's infants living in LSOAs of IMD deciles 1 and 2.",
            Format: FigureFormat.Percent, Decimals: 0, Breaks: [0, 0.2, 0.4, 0.6, 0.8], Palette: "viridis", Levels: null, Tile: true, Map: true, Value: (_, d) => d?.ShareInfantsDeciles12),
        new(Id: "mean_imd_score", Label: "IMD score", Unit: "population-weighted mean IMD score (IoD2025)",
            Description: "The mean of the area's LSOA IMD scores, weighted by population, as MHCLG summarises districts.",
            Format: FigureFormat.Number, Decimals: 1, Breaks: null, Palette: "viridis", Levels: null, Tile: true, Map: false, Value: (_, d) => d?.MeanImdScore),
        new(Id: "imd_decile", Label: "IMD decile", Unit: "IoD2025 decile (1 = the 10% most deprived LSOAs)",
            Description: "The LSOA's decile of the Index of Multiple Deprivation 2025.",
            Format: FigureFormat.Ordinal, Decimals: 0, Breaks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], Palette: "deprivation", Levels: ["lsoa"], Tile: true, Map: false),
        new(Id: "team_state", Label: "What is known about teams", Unit: "team state",
            Description: "served, in_development, confirmed_none or not_known: the state of most of the area's infants.",
            Format: FigureFormat.Category, Decimals: 0, Breaks: null, Palette: null, Levels: null, Tile: true, Map: false),
        new(Id: "no_team", Label: "No team", Unit: "no active team reaches any infant here",
            Description: "True where no active team in the register takes referrals from any of the area's infants.",
            Format: FigureFormat.Flag, Decimals: 0, Breaks: null, Palette: null, Levels: null, Tile: true, Map: false),
        new(Id: "gap_rank", Label: "Rank by unmet need", Unit: "1 = the most unmet need of the level",
            Description: "The area's rank among all areas of its level in England by unmet need (families a year).",
            Format: FigureFormat.Ordinal, Decimals: 0, Breaks: null, Palette: null, Levels: null, Tile: true, Map: false),
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
