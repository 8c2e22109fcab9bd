namespace Cradle.Geo.Register;

/// <summary>
/// One specialised parent-infant relationship team as the register holds it: one row per team
/// as commissioners fund it. Service areas are codes: LAD 2024 (E06–E09), upper-tier council
/// (E10 counties, as their districts), electoral ward 2024 (E05) or LSOA 2021 (E01).
/// Every fact has its source: <see cref="SourceUrl"/> for the row as a whole (dated
/// <see cref="SourceDate"/>), and the capacity and cost their own, since they are often
/// published elsewhere.
/// </summary>
public sealed record Team(
    string Id,
    string Name,
    string? Provider,
    string Status,
    PartialDate? Started,
    PartialDate? Ended,
    double? CapacityFamiliesPerYear,
    string? CapacitySourceUrl,
    double? AnnualCostGbp,
    string? CostSourceUrl,
    string? Funder,
    string? Commissioner,
    IReadOnlyList<string> ServiceAreas,
    string? AreaNote,
    double? BaseLon,
    double? BaseLat,
    string? SourceUrl,
    PartialDate? SourceDate,
    DateOnly? LastVerified,
    string DefinitionFit,
    string? Notes)
{
    /// <summary>What the latest source supports: running, being set up, closed, or not confirmed either way.</summary>
    public static readonly string[] Statuses = ["active", "in_development", "closed", "unknown"];

    /// <summary>Whether the team meets the Parent-Infant Foundation's definition of a specialised
    /// parent-infant relationship team, or may not (for example, it works with mild to moderate needs only).</summary>
    public static readonly string[] DefinitionFits = ["meets", "uncertain"];

    public bool IsActive => Status == "active";
    public bool IsInDevelopment => Status == "in_development";
    public bool FitUncertain => DefinitionFit == "uncertain";

    /// <summary>
    /// Whether the newest source for the row (read generously: a month or year as its last day)
    /// is older than <paramref name="years"/> on <paramref name="asOf"/>. Such a team still counts;
    /// it is flagged, since nothing public has re-confirmed it since.
    /// </summary>
    public bool SourceOlderThan(DateOnly asOf, double years) =>
        SourceDate is not { } d || d.Latest < PartialDate.YearsBefore(asOf, years);
}

/// <summary>The codes that exist, so that a team's service area can be checked.</summary>
public sealed record KnownCodes(IReadOnlySet<string> Lads, IReadOnlySet<string> UpperTier, IReadOnlySet<string> Wards, IReadOnlySet<string> Lsoas)
{
    public bool Contains(string code) => code switch
    {
        _ when code.StartsWith("E01") => Lsoas.Contains(code),
        _ when code.StartsWith("E05") => Wards.Contains(code),
        _ when code.StartsWith("E10") => UpperTier.Contains(code),
        _ => Lads.Contains(code),
    };

    public const string Kinds = "an English LAD 2024, upper-tier council, ward 2024 or LSOA 2021 code";
}
