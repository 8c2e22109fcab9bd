namespace Cradle.Core.Register;

/// <summary>
/// One specialised parent-infant relationship team as the register holds it: one row per team
/// as commissioners fund it. Service areas are codes: LAD 2024 (E06–E09), upper-tier council
/// (E10 counties, as their districts), electoral ward 2024 (E05) or LSOA 2021 (E01).
/// Every fact has its source: <see cref="SourceUrl"/> for the row as a whole (dated
/// <see cref="SourceDate"/>), and the capacity and cost their own, since they are often
/// published elsewhere. Three dates: when the source said it (<see cref="SourceDate"/>), the
/// newest date any source confirms the team is running (<see cref="LastConfirmed"/>), and the
/// day someone last looked (<see cref="LastChecked"/>); only the second ages a row.
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
    PartialDate? LastConfirmed,
    DateOnly? LastChecked,
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

    /// <summary>How long a row may go unconfirmed before it needs re-confirming, by default.</summary>
    public const int DefaultReconfirmAfterMonths = 24;

    /// <summary>The newest date a source confirms the team: <see cref="LastConfirmed"/>, else its source's date.</summary>
    public PartialDate? ConfirmedOn => LastConfirmed ?? SourceDate;

    /// <summary>
    /// Whether nothing has confirmed the team for more than <paramref name="months"/> on
    /// <paramref name="asOf"/> (a month or year read generously, as its last day). Such a team
    /// still counts; it is flagged, so that someone asks. A closed team needs no re-confirming.
    /// </summary>
    public bool NeedsReconfirming(DateOnly asOf, int months) =>
        Status != "closed" && (ConfirmedOn is not { } d || d.Latest < asOf.AddMonths(-months));
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
