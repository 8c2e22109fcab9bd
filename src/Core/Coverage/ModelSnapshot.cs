using Cradle.Core.Register;

namespace Cradle.Core.Coverage;

/// <summary>The areas of one level: codes, names, and which area each LSOA falls in.</summary>
public sealed class LevelAreas(Catalog.AreaLevel spec, string[] codes, string[] names, int[] lsoaArea)
{
    public Catalog.AreaLevel Spec { get; } = spec;
    public string Name => Spec.Id;
    public string[] Codes { get; } = codes;
    public string[] Names { get; } = names;
    /// <summary>For each LSOA (by snapshot index), the index of its area at this level, or −1.</summary>
    public int[] LsoaArea { get; } = lsoaArea;
    public Dictionary<string, int> Index { get; } = codes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
    public int Count => Codes.Length;

    int[][]? _lsoas;

    /// <summary>Each area's LSOAs, built once.</summary>
    public int[] LsoasOf(int area)
    {
        if (_lsoas is null)
        {
            var lists = new List<int>[Count];
            for (int a = 0; a < Count; a++) lists[a] = [];
            for (int k = 0; k < LsoaArea.Length; k++) if (LsoaArea[k] >= 0) lists[LsoaArea[k]].Add(k);
            _lsoas = lists.Select(l => l.ToArray()).ToArray();
        }
        return _lsoas[area];
    }

    /// <summary>Per LSOA (by snapshot index), whether it lies in this area: what a list or frame within the area counts.</summary>
    public bool[] Mask(int area)
    {
        var inside = new bool[LsoaArea.Length];
        foreach (var i in LsoasOf(area)) inside[i] = true;
        return inside;
    }
}

/// <summary>
/// Per-LSOA counts of one population vintage: births (the age-0 count stands in), infants
/// (ages 0 and 1) and all ages. Mid-2024 infants are estimates constrained to ONS's district
/// figures; mid-2020 ones are ONS's LSOA 2011 estimates carried to LSOA 2021.
/// </summary>
public sealed record PopulationValues(double[] Births, double[] Infants, double[] Total);

/// <summary>Children in relative low income families in one area, as DWP publishes them (or England, derived).</summary>
public sealed record ChildPovertyPoint(string Measure, int Fye, double Percent, double? Children, bool Derived);

/// <summary>Per-LSOA values of one deprivation measure of one vintage (NaN / 0 where missing).</summary>
public sealed record MeasureValues(double[] Score, int[] Rank, int[] Decile);

public sealed record ParentShare(string Level, string Code, string Name, double InfantsShare, long Lsoas);

/// <summary>A dated change to an area that the loaded lookups do not show (data/areas/area-changes.csv): in force, decided or possible.</summary>
public sealed record AreaChange(DateOnly Date, string Status, string Level, string Code, string? Name, string? Becomes, string Says, string SourceUrl, string SourceDate);

/// <summary>An area of another vintage of the same level that shares LSOAs with this one, with the share of this area's infants (mid-2024) it holds.</summary>
public sealed record Succession(string Level, int Index, string Code, string Name, double InfantsShare);

/// <summary>
/// Everything the coverage model needs, read once per data version (by the data project's
/// <c>ModelSnapshotLoader</c>, or made by hand in the fast tests): England's
/// LSOA 2021 with births, infants and deprivation, the areas of every level, and the register.
/// Immutable: a new data version makes a new snapshot.
/// </summary>
public sealed class ModelSnapshot
{
    public required long DataVersion { get; init; }
    public required string[] LsoaCodes { get; init; }
    /// <summary>Population vintages by id (<see cref="ModelParameters.Populations"/>).</summary>
    public required Dictionary<string, PopulationValues> Populations { get; init; }
    /// <summary>IMD 2019's own denominators (File 6, mid-2015), carried to LSOA 2021.</summary>
    public required double[] Population2015 { get; init; }
    /// <summary>Children in low income families by district, upper-tier council and England.</summary>
    public required Dictionary<string, List<ChildPovertyPoint>> ChildPoverty { get; init; }
    public required IReadOnlyList<AreaEvidence> Evidence { get; init; }
    /// <summary>The areas of every level of the catalog, by level id.</summary>
    public required Dictionary<string, LevelAreas> Levels { get; init; }
    public required Dictionary<(string Vintage, string Measure), MeasureValues> Deprivation { get; init; }
    public required Dictionary<(string Level, string Code), List<ParentShare>> Parents { get; init; }
    public required Dictionary<string, int[]> WardLsoas { get; init; }

    /// <summary>Ward 2024 names by code (a team's service area may name wards).</summary>
    public required Dictionary<string, string> WardNames { get; init; }
    public required Dictionary<string, string[]> LadNeighbours { get; init; }
    public required IReadOnlyList<Team> Teams { get; init; }
    /// <summary>The finest level each code belongs to (a unitary authority's code is both a district and an upper-tier council).</summary>
    public required Dictionary<string, string> AreaLevelOfCode { get; init; }

    /// <summary>The area in km² of each district and upper-tier council (for population density), by (level, code).</summary>
    public Dictionary<(string Level, string Code), double> AreaKm2 { get; init; } = [];

    public int LsoaCount => LsoaCodes.Length;

    /// <summary>Dated changes to areas (data/areas/area-changes.csv), in date order.</summary>
    public IReadOnlyList<AreaChange> Changes { get; init; } = [];

    /// <summary>The code Cradle holds an area by, for a code it holds or a newer code an in-force change gave it (Barnsley's E08000038); null for neither.</summary>
    public string? HeldCode(string code) =>
        AreaLevelOfCode.ContainsKey(code) ? code
        : Memo("code-aliases", () => Changes.Where(c => c.Status == "in_force" && c.Becomes is not null).ToDictionary(c => c.Becomes!, c => c.Code))
            .GetValueOrDefault(code);

    /// <summary>The changes that apply to an area of a level: its own rows.</summary>
    public IReadOnlyList<AreaChange> ChangesOf(string level, string code) => Changes.Where(c => c.Level == Levels[level].Spec.Family && c.Code == code).ToList();

    /// <summary>
    /// For an area of an earlier vintage (icb2024), the areas of the level in force now that hold its LSOAs; for an area of the
    /// level in force, those of its earlier vintages. Each with the share of this area's infants (mid-2024) in it, largest first.
    /// Empty for an area that is the same in every vintage (one area of the same code holding exactly its LSOAs).
    /// </summary>
    public IReadOnlyList<Succession> Successions(string level, int area)
    {
        var spec = Levels[level].Spec;
        var others = spec.VintageOf is { } current ? [current] : Catalog.AreaLevels.All.Where(l => l.VintageOf == spec.Id).Select(l => l.Id).ToList();
        var infants = Population(ModelParameters.DefaultPopulation).Infants;
        var lsoas = Levels[level].LsoasOf(area);
        var result = new List<Succession>();
        foreach (var o in others)
        {
            var other = Levels[o];
            var acc = new Dictionary<int, double>();
            double total = 0;
            foreach (var i in lsoas)
            {
                total += infants[i];
                if (other.LsoaArea[i] is var k and >= 0) acc[k] = acc.GetValueOrDefault(k) + infants[i];
            }
            result.AddRange(acc.Select(kv => new Succession(o, kv.Key, other.Codes[kv.Key], other.Names[kv.Key], total > 0 ? kv.Value / total : 0)));
        }
        if (result.Count == 1 && result[0].Code == Levels[level].Codes[area] && Levels[result[0].Level].LsoasOf(result[0].Index).Length == lsoas.Length)
            return [];
        return result.OrderByDescending(x => x.InfantsShare).ThenBy(x => x.Code, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Whether the ICBs of April 2026 come from Cradle's derived lookup (it says how each LSOA's ICB is known) rather than
    /// ONS's official one (which has no basis column): what the levels built on it and the attributions say follows this.
    /// </summary>
    public bool DerivedIcbLookup => _derivedIcbLookup ??= IcbBasis.Any(b => b is not null);
    bool? _derivedIcbLookup;

    /// <summary>A level's "derived" note, where the data loaded is the derived lookup; null for official data.</summary>
    public string? DerivedNote(Catalog.AreaLevel level) => level.Derived is { } note && DerivedIcbLookup ? note : null;

    /// <summary>Per LSOA, how its ICB of April 2026 is known where the lookup says (null for an official file).</summary>
    public string?[] IcbBasis { get; init; } = [];

    static bool Inferred(string? basis) => basis is not null && basis.StartsWith("inferred", StringComparison.Ordinal);

    /// <summary>
    /// How an area's ICB of April 2026 is known, where any of it is inferred: an LSOA's own basis; for an ICB
    /// (of April 2026) "partly_inferred" if any of its LSOAs is; null otherwise.
    /// </summary>
    public string? IcbBasisOf(string level, int area) => level switch
    {
        "lsoa" => IcbBasis.Length > 0 && Inferred(IcbBasis[area]) ? IcbBasis[area] : null,
        "icb" => PartlyInferredIcbs[area] ? "partly_inferred" : null,
        _ => null,
    };

    // Which ICBs hold any inferred LSOA, found once per snapshot (an ICB list asks for every ICB).
    bool[] PartlyInferredIcbs => _partlyInferredIcbs ??= Enumerable.Range(0, Levels["icb"].Count)
        .Select(a => IcbBasis.Length > 0 && Levels["icb"].LsoasOf(a).Any(i => Inferred(IcbBasis[i]))).ToArray();
    bool[]? _partlyInferredIcbs;

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Case.SimilarAreaSet>> _similar = new();
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<object>> _memo = new();

    /// <summary>A value derived from this snapshot alone, computed once (the snapshot never changes); the key names it and its inputs.</summary>
    public T Memo<T>(string key, Func<T> make) where T : notnull => (T)_memo.GetOrAdd(key, _ => new Lazy<object>(() => make())).Value;

    /// <summary>Each area's most similar areas of the same level, computed once per snapshot (that is, per data version).</summary>
    public Case.SimilarAreaSet SimilarAreas(string level) => _similar.GetOrAdd(level, l => new(() => Case.SimilarAreas.Compute(this, l))).Value;

    Dictionary<string, int[]>? _teamLsoas;
    int[][]? _evidenceLsoas;

    /// <summary>Each register team's service area as LSOA indexes, resolved once per snapshot.</summary>
    public int[] TeamLsoas(Team t)
    {
        var map = _teamLsoas ??= Teams.ToDictionary(x => x.Id, x => Resolve(x.ServiceAreas).Lsoas);
        return map[t.Id];
    }

    /// <summary>The LSOAs each area evidence row speaks for (any level), in the order of <see cref="Evidence"/>, resolved once.</summary>
    public int[][] EvidenceLsoas => _evidenceLsoas ??= Evidence.Select(e => Resolve([e.AreaCode], anyLevel: true).Lsoas).ToArray();

    /// <summary>
    /// LSOA indexes of areas given as ward 2024 codes or codes of any level a team's service area
    /// may name (LSOA, district, upper-tier council); with <paramref name="anyLevel"/>, codes of
    /// every level. Unknown codes are returned.
    /// </summary>
    public (int[] Lsoas, List<string> Unknown) Resolve(IEnumerable<string> codes, bool anyLevel = false)
    {
        var set = new HashSet<int>();
        var unknown = new List<string>();
        foreach (var code in codes.Distinct())
        {
            if (code.StartsWith("E05") && WardLsoas.TryGetValue(code, out var ward)) set.UnionWith(ward);
            // The levels a team may serve are the catalog's finest, so a code's finest level says whether it may; a newer
            // code of an area (Barnsley's E08000038) stands for the code it is held by.
            else if (HeldCode(code) is { } held && AreaLevelOfCode.TryGetValue(held, out var id) && Levels[id] is var level && (anyLevel || level.Spec.TeamServiceArea))
                set.UnionWith(level.LsoasOf(level.Index[held]));
            else unknown.Add(code);
        }
        var result = set.ToArray();
        Array.Sort(result);
        return (result, unknown);
    }

    public PopulationValues Population(string id) => Populations[id];

    /// <summary>The name of an area of any level from its code; null for an unknown code.</summary>
    public string? NameOf(string code) => AreaLevelOfCode.TryGetValue(code, out var l) ? Levels[l].Names[Levels[l].Index[code]]
        : WardNames.TryGetValue(code, out var ward) ? ward : null;

    /// <summary>The register's teams whose service area includes any LSOA of this area, in register order.</summary>
    public IReadOnlyList<Team> TeamsTouching(string level, int area) => [.. Touching(level).Teams[area]];

    /// <summary>The area evidence rows that speak for any LSOA of this area, in evidence order.</summary>
    public IReadOnlyList<AreaEvidence> EvidenceTouching(string level, int area) => [.. Touching(level).Evidence[area]];

    // An area's teams and evidence, by area index, made once per level of this snapshot: a report and an
    // area's detail ask several times, and the snapshot never changes.
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<(ILookup<int, Team> Teams, ILookup<int, AreaEvidence> Evidence)>> _touching = new();

    (ILookup<int, Team> Teams, ILookup<int, AreaEvidence> Evidence) Touching(string level) => _touching.GetOrAdd(level, l => new(() =>
    {
        var of = Levels[l].LsoaArea;
        // ToLookup keeps the source's order within each area: register order, evidence order.
        var teams = Teams.SelectMany(t => TeamLsoas(t).Select(i => of[i]).Distinct().Select(a => (Area: a, Team: t))).ToLookup(x => x.Area, x => x.Team);
        var evidence = Evidence.SelectMany((e, k) => EvidenceLsoas[k].Select(i => of[i]).Distinct().Select(a => (Area: a, Row: e))).ToLookup(x => x.Area, x => x.Row);
        return (teams, evidence);
    })).Value;

    /// <summary>Per LSOA, whether it lies in the area of this code (of any level, or a newer code of one); null for an unknown code.</summary>
    public bool[]? Inside(string code) =>
        HeldCode(code) is { } held && AreaLevelOfCode.TryGetValue(held, out var level) ? Levels[level].Mask(Levels[level].Index[held]) : null;

    /// <summary>The areas of a level (indexes, in order) with any LSOA inside the area of this code, of any level; null for an unknown code.</summary>
    public int[]? AreasWithin(string level, string code)
    {
        if (HeldCode(code) is not { } held || !AreaLevelOfCode.TryGetValue(held, out var containerLevel)) return null;
        code = held;
        var (lv, container) = (Levels[level], Levels[containerLevel]);
        var set = new SortedSet<int>();
        foreach (var i in container.LsoasOf(container.Index[code]))
            if (lv.LsoaArea[i] >= 0) set.Add(lv.LsoaArea[i]);
        return [.. set];
    }


    /// <summary>
    /// The parents the catalog gives each level, with the share of the area's LSOAs and infants
    /// (mid-2024) in each: a district split between ICBs lists each ICB. Built from the LSOAs,
    /// so that they agree with every figure.
    /// </summary>
    public static Dictionary<(string Level, string Code), List<ParentShare>> ParentShares(Dictionary<string, LevelAreas> levels, double[] infants)
    {
        var result = new Dictionary<(string, string), List<ParentShare>>();
        // Not for LSOAs: each lies wholly in one area of every level (AreaOutput.Parents reads those from LsoaArea).
        foreach (var child in levels.Values.Where(l => l.Name != "lsoa"))
            foreach (var parentId in child.Spec.Parents)
            {
                var parent = levels[parentId];
                var acc = new Dictionary<(int Child, int Parent), (double Infants, long Lsoas)>();
                var totals = new double[child.Count];
                for (int k = 0; k < infants.Length; k++)
                {
                    int c = child.LsoaArea[k], p = parent.LsoaArea[k];
                    if (c < 0 || p < 0) continue;
                    var v = acc.GetValueOrDefault((c, p));
                    acc[(c, p)] = (v.Infants + infants[k], v.Lsoas + 1);
                    totals[c] += infants[k];
                }
                foreach (var ((c, p), v) in acc)
                {
                    var key = (child.Name, child.Codes[c]);
                    if (!result.TryGetValue(key, out var list)) result[key] = list = [];
                    list.Add(new ParentShare(parent.Name, parent.Codes[p], parent.Names[p], totals[c] > 0 ? v.Infants / totals[c] : 0, v.Lsoas));
                }
            }
        // In the catalog's order of parents, and within a level by share of infants.
        return result.ToDictionary(kv => kv.Key, kv =>
        {
            var order = levels[kv.Key.Item1].Spec.Parents.ToList();
            return kv.Value.OrderBy(p => order.IndexOf(p.Level)).ThenByDescending(p => p.InfantsShare).ThenBy(p => p.Code, StringComparer.Ordinal).ToList();
        });
    }
}
