namespace Cradle.Core.Case;

/// <summary>A dated national fact about the programmes that fund or shape these services, with its source.</summary>
public sealed record ProgrammeFact(string Id, string Programme, string From, string? To, string Says, string SourceUrl, string SourceDate);

/// <summary>
/// The national programme context of a commissioning decision: which upper-tier councils were
/// in the Family Hubs and Start for Life programme (2022–25), and what came after. Facts, each
/// with its source; data/programmes/README.md says how the list was checked.
/// </summary>
public static class Programmes
{
    /// <summary>The 75 upper-tier councils eligible for the Family Hubs and Start for Life programme, 2022–25 (UTLA 2023 codes).</summary>
    public static readonly IReadOnlySet<string> StartForLifeCouncils = new HashSet<string>(StringComparer.Ordinal)
    {
        "E06000001", "E06000002", "E06000003", "E06000006", "E06000008", "E06000009", "E06000010", "E06000012", "E06000013", "E06000015",
        "E06000016", "E06000018", "E06000020", "E06000021", "E06000023", "E06000026", "E06000027", "E06000031", "E06000032", "E06000034",
        "E06000035", "E06000044", "E06000045", "E06000046", "E06000047", "E06000052", "E06000055", "E06000057", "E06000061",
        "E08000001", "E08000003", "E08000004", "E08000005", "E08000006", "E08000008", "E08000011", "E08000012", "E08000013", "E08000016",
        "E08000017", "E08000018", "E08000019", "E08000021", "E08000023", "E08000024", "E08000025", "E08000026", "E08000027", "E08000028",
        "E08000030", "E08000031", "E08000032", "E08000033", "E08000036", "E08000037",
        "E09000002", "E09000005", "E09000007", "E09000008", "E09000010", "E09000011", "E09000012", "E09000014", "E09000018", "E09000019",
        "E09000022", "E09000023", "E09000025", "E09000028", "E09000030", "E09000031",
        "E10000011", "E10000016", "E10000019", "E10000020",
    };

    /// <summary>The government's page for the list (its attachment names the 75); the names were checked against two copies, see data/programmes/README.md.</summary>
    public const string StartForLifeListSource = "https://www.gov.uk/government/publications/family-hubs-and-start-for-life-package-methodology-for-pre-selecting-local-authorities";
    public const string StartForLifeListSourceDate = "2022-04-01";
    public const string StartForLifeListChecked = "The 75 names as listed by familyhubsnetwork.com (4 April 2022) and in DHSC's press release of 10 January 2025 (by region); gov.uk's list file itself could not be read here. Codes matched to UTLA 2023.";

    public static readonly IReadOnlyList<ProgrammeFact> Facts =
    [
        new("start-for-life", "Family Hubs and Start for Life programme", "2022-04", "2025-03",
            "£301.75m over 2022–25 for 75 upper-tier councils chosen for high deprivation, £100m of it for perinatal mental health and parent-infant relationships.",
            "https://www.gov.uk/government/publications/family-hubs-and-start-for-life-package-methodology-for-pre-selecting-local-authorities", "2022-04-01"),
        new("start-for-life-2025-26", "Family Hubs and Start for Life, 2025–26", "2025-04", "2026-03",
            "A further year for the same 75 councils: £126m, £57m of it for Start for Life including £36.5m for perinatal mental health and early relationships.",
            "https://ukpol.co.uk/press-release-families-to-receive-126-million-in-early-years-support-january-2025", "2025-01-10"),
        new("best-start-family-hubs", "Best Start Family Hubs and Healthy Babies", "2026-04", null,
            "Every council in England, from April 2026: over £500m, up to 1,000 hubs by the end of 2028; Start for Life continues as Healthy Babies. Provisional 2026–29 allocations were sent to councils on 7 November 2025.",
            "https://www.gov.uk/government/publications/best-start-family-hubs-and-healthy-babies-guidance-for-local-authorities", "2025-12-04"),
    ];

    public static bool WasStartForLife(string utlaCode) => StartForLifeCouncils.Contains(utlaCode);
}
