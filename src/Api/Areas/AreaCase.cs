using Cradle.Api.Infrastructure;
using Cradle.Core.Case;
using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using System.Text.Json.Serialization;
using Cradle.Api.Model;

namespace Cradle.Api.Areas;

/// <summary>A body that commissions for (part of) the area, with the share of the area's infants (mid-2024) it covers.</summary>
public sealed record CommissionerRef(string Level, string Code, string Name, double InfantsShare, bool? StartForLife);

/// <summary>Who commissions here: the ICBs, sub-ICB locations, upper-tier councils and districts that cover the area, and the national programmes.</summary>
public sealed record CommissioningOut(
    IReadOnlyList<CommissionerRef> Icbs, IReadOnlyList<CommissionerRef> SubIcbLocations, IReadOnlyList<CommissionerRef> UpperTierCouncils,
    IReadOnlyList<CommissionerRef> Districts,
    /// <summary>yes: every upper-tier council here was one of the 75 Start for Life councils; partly; no.</summary>
    string StartForLife, double StartForLifeInfantsShare, string StartForLifeText, string StartForLifeSource,
    IReadOnlyList<ProgrammeFact> Programmes);

public sealed record SimilarAreaOut(string Code, string Name, double Distance,
    [property: JsonPropertyName("unmet_need_per_1000_births")] double? UnmetNeedPer1000Births, double UnmetNeed, double NeedFamiliesPerYear,
    double GeographicCoverage, string TeamState, double BirthsProxy,
    [property: JsonPropertyName("share_infants_deciles_1_2")] double ShareInfantsDeciles12, double? ChildPovertyPercent, double PersonsPerKm2);

public sealed record BirthsTrend(double Mid2020, double Mid2024, double? Change, string Source);

public sealed record DeprivationTrend(
    [property: JsonPropertyName("share_infants_deciles_1_2_imd2019")] double ShareInfantsDeciles12Imd2019,
    [property: JsonPropertyName("share_infants_deciles_1_2_iod2025")] double ShareInfantsDeciles12Iod2025,
    string Note);

/// <summary>A team of the register that touches the area starting or ending, as dated as its source.</summary>
public sealed record TeamEvent(string Date, string Event, string TeamId, string TeamName);

public sealed record TrendsOut(BirthsTrend Births, IReadOnlyList<ChildPovertyPoint>? ChildPovertyBeforeHousingCosts, DeprivationTrend Deprivation,
    IReadOnlyList<TeamEvent> Teams);

/// <summary>The parts of an area's case for change beyond its figures: who commissions, its similar areas and its trends.</summary>
public static class AreaCase
{
    /// <summary>The areas of another level that overlap this one, by share of this area's infants (mid-2024), largest first.</summary>
    public static List<(int Index, double Share)> Overlaps(ModelSnapshot s, string level, int index, string other)
    {
        var (lv, ov) = (s.Levels[level], s.Levels[other]);
        var infants = s.Population(ModelParameters.DefaultPopulation).Infants;
        var acc = new Dictionary<int, double>();
        double total = 0;
        foreach (var i in lv.LsoasOf(index))
        {
            int o = ov.LsoaArea[i];
            total += infants[i];
            if (o >= 0) acc[o] = acc.GetValueOrDefault(o) + infants[i];
        }
        return acc.Where(kv => !(other == level && kv.Key == index))
            .Select(kv => (kv.Key, total > 0 ? kv.Value / total : 0)).OrderByDescending(x => x.Item2).ThenBy(x => ov.Codes[x.Key], StringComparer.Ordinal).ToList();
    }

    public static CommissioningOut Commissioning(ModelSnapshot s, string level, int index)
    {
        List<CommissionerRef> Of(string other, bool sfl = false) => other == level
            ? [new CommissionerRef(other, s.Levels[other].Codes[index], s.Levels[other].Names[index], 1, sfl ? Programmes.WasStartForLife(s.Levels[other].Codes[index]) : null)]
            : Overlaps(s, level, index, other).Select(x => new CommissionerRef(other, s.Levels[other].Codes[x.Index], s.Levels[other].Names[x.Index],
                Math.Round(x.Share, 4), sfl ? Programmes.WasStartForLife(s.Levels[other].Codes[x.Index]) : null)).ToList();
        var utlas = Of("utla", sfl: true);
        double share = utlas.Where(u => u.StartForLife == true).Sum(u => u.InfantsShare);
        string status = utlas.Count > 0 && utlas.All(u => u.StartForLife == true) ? "yes" : utlas.Any(u => u.StartForLife == true) ? "partly" : "no";
        string name = s.Levels[level].Names[index];
        string text = (level, utlas.Count, status) switch
        {
            ("utla", _, "yes") => $"{name} was one of the 75 Start for Life councils (2022–25).",
            ("utla", _, _) => $"{name} was not one of the 75 Start for Life councils (2022–25).",
            (_, 1, "yes") => $"Its upper-tier council, {utlas[0].Name}, was one of the 75 Start for Life councils (2022–25).",
            (_, 1, _) => $"Its upper-tier council, {utlas[0].Name}, was not one of the 75 Start for Life councils (2022–25).",
            (_, _, "yes") => $"All {utlas.Count} of its upper-tier councils were Start for Life councils (2022–25).",
            (_, _, "partly") => $"{utlas.Count(u => u.StartForLife == true)} of its {utlas.Count} upper-tier councils, with {Math.Round(share * 100):0}% of its infants, were Start for Life councils (2022–25).",
            _ => $"None of its {utlas.Count} upper-tier councils was a Start for Life council (2022–25).",
        };
        return new CommissioningOut(Of("icb"), Of("sicbl"), utlas, Of("lad"), status, Math.Round(share, 4), text,
            Programmes.StartForLifeListSource, Programmes.Facts);
    }

    /// <summary>The area's most similar areas of its level, with their figures under these parameters; null for levels without them.</summary>
    public static IReadOnlyList<SimilarAreaOut>? Similar(ModelStore store, ModelSnapshot s, ModelParameters p, string level, int index)
    {
        if (!SimilarAreas.Levels.Contains(level)) return null;
        var set = s.SimilarAreas(level);
        var figures = store.Figures(s, p, level).Areas;
        return set.Nearest[index].Select(n => Out(set, figures, n.Index, n.Distance)).ToList();
    }

    public static SimilarAreaOut Out(SimilarAreaSet set, AreaFigures[] figures, int i, double distance)
    {
        var (f, m) = (figures[i], set.Measures[i]);
        return new SimilarAreaOut(f.Code, f.Name, distance, f.UnmetPer1000Births is { } u ? Math.Round(u, 2) : null, Math.Round(f.Unmet, 2), Math.Round(f.Need, 2),
            Math.Round(f.GeographicCoverage, 4), f.TeamState.Id(), Math.Round(m.Births, 1), Math.Round(m.ShareInfantsDeciles12, 4),
            m.ChildPovertyPercent is { } c ? Math.Round(c, 2) : null, Math.Round(m.PersonsPerKm2, 1));
    }

    public static TrendsOut Trends(ModelStore store, ModelSnapshot s, ModelParameters p, string level, int index)
    {
        var lsoas = s.Levels[level].LsoasOf(index);
        double b2020 = lsoas.Sum(i => s.Population("mid2020").Births[i]), b2024 = lsoas.Sum(i => s.Population("mid2024").Births[i]);
        var code = s.Levels[level].Codes[index];
        var poverty = level is "lad" or "utla" or "england" && s.ChildPoverty.TryGetValue(code, out var series)
            ? series.Where(x => x.Measure == "bhc").OrderBy(x => x.Fye).Select(x => x with { Percent = Math.Round(x.Percent, 2) }).ToList() : null;
        // Both vintages with the same (mid-2024) infants, whatever the request's population, so that only the index differs.
        var q = p with { Population = ModelParameters.DefaultPopulation };
        double d2019 = store.Deprivation(s, level, q with { Deprivation = "imd2019" })[index].ShareInfantsDeciles12;
        double d2025 = store.Deprivation(s, level, q with { Deprivation = "iod2025" })[index].ShareInfantsDeciles12;
        var events = new List<TeamEvent>();
        foreach (var t in s.TeamsTouching(level, index))
        {
            if (t.Started is { } st) events.Add(new TeamEvent(st.ToString(), "started", t.Id, t.Name));
            if (t.Ended is { } en) events.Add(new TeamEvent(en.ToString(), t.Status == "closed" ? "closed" : "ended", t.Id, t.Name));
        }
        return new TrendsOut(
            new BirthsTrend(Math.Round(b2020, 1), Math.Round(b2024, 1), b2020 > 0 ? Math.Round(b2024 / b2020 - 1, 4) : null,
                "Age-0 population: ONS mid-2020 (LSOA 2011, carried to LSOA 2021) and mid-2024 (districts as published; LSOAs estimated)"),
            poverty,
            new DeprivationTrend(Math.Round(d2019, 4), Math.Round(d2025, 4),
                "Share of the area's infants (mid-2024) in England's most deprived 20% of LSOAs: IMD 2019 (carried from LSOA 2011) and IoD 2025. Both are relative ranks within England, so a change means the area moved against the rest of England."),
            events.OrderBy(e => e.Date, StringComparer.Ordinal).ToList());
    }
}
