using Cradle.Api.Infrastructure;
using Cradle.Api.Areas;
using Cradle.Api.Maps;
using Cradle.Api.Scenarios;
using Cradle.Core.Case;
using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Npgsql;
using static Cradle.Api.Reports.CaseReport;
using Cradle.Api.Model;

namespace Cradle.Api.Reports;

/// <summary>
/// The parent-infant section of an upper-tier council's Best Start local plan: need, provision, gaps
/// and options for the council's area, each option priced (cost per family, break-even) in the
/// council's own frame. Every council was to write a Best Start local plan (DfE and DHSC, Giving
/// every child the best start in life, July 2025; guidance for local authorities, 4 December 2025).
/// </summary>
public static class BestStartReport
{
    public const string GuidanceUrl = "https://www.gov.uk/government/publications/best-start-family-hubs-and-healthy-babies-guidance-for-local-authorities";

    /// <summary>An option the section prices: new teams (districts each), before and after in the council.</summary>
    public sealed record Option(string Label, IReadOnlyList<ScenarioTeam> Teams);

    public static async Task<ReportDocument> BuildAsync(ModelStore store, NpgsqlDataSource db, ModelSnapshot s, ModelParameters p, BenefitParameters benefit,
        string code, CancellationToken ct)
    {
        const string level = "utla";
        var lv = s.Levels[level];
        int index = lv.Index[code];
        var (figures, _) = store.Figures(s, p, level);
        var f = figures[index];
        var name = f.Name;
        var run = store.Baseline(s, p);
        var england = store.Figures(s, p, "england").Areas[0];
        var commissioning = AreaCase.Commissioning(s, level, index);
        var districts = s.AreasWithin("lad", code)!;
        var ladNames = s.Levels["lad"];
        var sections = new List<ReportSection>();

        sections.Add(new ReportSection("Why this section", [
            new Paragraph($"Every council was asked to write a Best Start local plan that identifies the needs of babies, children and families and sets out how gaps in provision will be addressed (DfE and DHSC, Best Start Family Hubs and Healthy Babies: guidance for local authorities, 4 December 2025, {GuidanceUrl}). This section covers one part of that: specialised parent-infant relationship teams, for families whose relationship with their baby is at risk. It gives the need, what is known about provision, the gap and priced options for {name}. Every figure is an estimate of Cradle's model (GET /api/model), for data version {s.DataVersion}."),
        ]));

        // Need.
        var needRows = new List<IReadOnlyList<string>>
        {
            new[] { $"Births a year (age 0, {(p.Population == "mid2024" ? "mid-2024 estimate" : "mid-2020")})", N0(f.Births), N0(england.Births) },
            new[] { "Families a year who may need a specialised team", $"{N0(f.Need)} ({N0(f.Range.NeedLow)} to {N0(f.Range.NeedHigh)})", $"{N0(england.Need)}" },
            new[] { "… per 1,000 births", N1(f.Need / f.Births * 1000), N1(england.Need / england.Births * 1000) },
            new[] { "Infants in England's most deprived 20% of LSOAs (IoD 2025)", Pct(store.Deprivation(s, level, p)[index].ShareInfantsDeciles12), Pct(store.Deprivation(s, "england", p)[0].ShareInfantsDeciles12) },
        };
        if (CoverageModel.BhcRate(s, code) is var poverty && double.IsFinite(poverty))
            needRows.Add(["Children in low income families (before housing costs, DWP)", N1(poverty) + "%", N1(CoverageModel.BhcRate(s, "E92000001")) + "%"]);
        sections.Add(new ReportSection("Need", [
            new Table($"{name} against England", ["", name, "England"], needRows, [2.6f, 1.2f, 1f]),
            new Paragraph(p.NeedModel switch
            {
                NeedModel.Risk => $"Need rises with income deprivation: each neighbourhood's rate is set by its share of income-deprived families with the odds ratio of a population study ({p.RiskOddsRatio:0.0#}: Skovgaard et al. 2007), calibrated so that England's total is {Pct(p.NeedRate)} of births (the Start for Life programme guide's 'at least 1 in 10'); the range is 8% to 15% nationally.",
                NeedModel.Flat => $"Need is {Pct(p.NeedRate)} of births everywhere (the flat model: the Start for Life programme guide's 'at least 1 in 10'); the range is 8% to 15%.",
                _ => $"Need is {Pct(p.NeedRate)} of births weighted by deprivation (a gradient that is Cradle's assumption), England's total unchanged; the range is 8% to 15% nationally.",
            }, Small: true),
        ]));

        // Provision.
        var provision = new List<ReportBlock> { new Bullets([StateMessage(s, f, name, level, index, run.AsOf, p)]) };
        var touching = s.TeamsTouching(level, index).OrderBy(t => t.Status != "active").ThenBy(t => t.Name).ToList();
        if (touching.Count > 0)
            provision.Add(new Table("Teams in the register whose service area includes part of the council", ["Team", "Provider", "Status", "Capacity, families a year", "Source"],
                touching.Select(t => (IReadOnlyList<string>)[t.Name, t.Provider ?? "–", t.Status.Replace('_', ' ') + (t.FitUncertain ? " (fit uncertain)" : ""),
                    t.CapacityFamiliesPerYear is { } c ? N0(c) : "not published", $"{t.SourceUrl} ({t.SourceDate})"]).ToList(), [1.6f, 1.2f, 0.9f, 0.9f, 2.4f]));
        provision.Add(new Paragraph(commissioning.StartForLifeText + " Integrated Care Board(s): " +
            string.Join("; ", commissioning.Icbs.Select(i => i.InfantsShare >= 0.9995 ? i.Name : $"{i.Name} ({Pct(i.InfantsShare)} of infants)")) + "."));
        sections.Add(new ReportSection("Provision", provision));

        // Gaps, district by district.
        var figure = Figures.Get("unmet_need_per_1000_births");
        var map = await AreaMap.RequestAsync(store, db, s, level, code, figure, 1200, 900, p, [], ct);
        sections.Add(new ReportSection("The gap", [
            new Bullets([$"About {N0(f.Unmet)} families a year in {name} that no team's capacity covers ({N0(f.Range.UnmetLow)} to {N0(f.Range.UnmetHigh)})."
                + (f.UnmetNotKnown >= 0.5 ? $" {N0(f.UnmetNotKnown)} of them live where nothing is known about provision, which a team the register lacks may meet." : "")]),
            new MapBlock(map, $"{figure.Label}: {name}, its districts and neighbouring councils."),
            DistrictsInside(s, run, level, index, $"{name}'s districts by unmet need (families a year)", total: f),
        ]));

        // Options, priced in the council's frame.
        var options = Options(store, s, p, code, districts.Select(d => ladNames.Codes[d]).ToList());
        var rows = new List<IReadOnlyList<string>>();
        var notes = new List<string>();
        var frames = new List<(Option Option, ScenarioFrame Frame)>();
        foreach (var o in options)
        {
            var (r, _) = ScenarioEvaluation.Evaluate(store, s, p, "lad", o.Teams, [], benefit, within: code);
            if (r is null) continue;
            var v = r.ValueForMoney;
            var care = v.BreakEvenFor(UnitCosts.ChildLookedAfterYear);
            rows.Add([o.Label, string.Join("; ", o.Teams.Select(t => string.Join(" and ", t.Areas!.Select(a => s.NameOf(a) ?? a)))),
                string.Join(" + ", o.Teams.Select(t => N0(t.CapacityFamiliesPerYear ?? ModelParameters.DefaultNewTeamCapacity))), N0(v.ExtraFamiliesReached), Gbp(v.AnnualCost),
                v.CostPerFamily is { } c ? Gbp(c) : "–", care is null ? "–" : N1(care.OutcomesPerYear), N0(r.Frame!.Area.UnmetNeedAfter)]);
            notes.AddRange(r.Warnings.Select(w => $"{o.Label}: {w.Message}"));
            frames.Add((o, r.Frame!));
        }
        var optionBlocks = new List<ReportBlock>
        {
            new Table($"Options for {name}: new teams placed where they meet the most need",
                ["Option", "Where", "Families a year per team", "Families reached a year", "Annual cost", "Cost per family", "Break-even: children kept out of care a year", $"Unmet need in {name} after"],
                rows, [0.8f, 1.8f, 0.8f, 0.8f, 0.8f, 0.8f, 0.9f, 0.9f]),
            new Paragraph($"Before any option, unmet need in {name} is {N0(f.Unmet)} families a year. Teams of {N0(ModelParameters.DefaultNewTeamCapacity)} families a year at {Gbp(ModelParameters.DefaultAnnualCost)} a year each (the published average throughput and LivPIP's cost; GET /api/model). Break-even: the annual cost over what a year in care costs councils for one child ({Gbp(UnitCosts.ChildLookedAfterYear.Gbp)}, {UnitCosts.ChildLookedAfterYear.PriceBase}; {UnitCosts.ChildLookedAfterYear.Url}). Places are chosen by Cradle's planner (greedy maximum coverage of need, teams not overlapping); try others in the viewer's Scenarios view.", Small: true),
        };
        // Each option district by district: the council's own frame (a district partly inside counts its part).
        if (frames.Count > 0 && frames[0].Frame.Districts.Count > 1)
            optionBlocks.Add(new Table($"Unmet need in {name}'s districts, families a year, before and after each option",
                ["District", "Before", .. frames.Select(x => $"After: {x.Option.Label}")],
                [.. frames[0].Frame.Districts.Select((d, k) => (IReadOnlyList<string>)[d.Partial ? $"{d.Name} ({Pct(d.InsideShare)} of its infants)" : d.Name,
                    N0(d.UnmetNeedBefore), .. frames.Select(x => N0(x.Frame.Districts[k].UnmetNeedAfter))])],
                [1.8f, 0.8f, .. frames.Select(_ => 0.9f)]));
        var building = touching.Where(t => t.IsInDevelopment).Select(t => t.Name).ToList();
        if (building.Count > 0)
            notes.Insert(0, $"{string.Join(" and ", building)} {(building.Count == 1 ? "is" : "are")} being set up: a team in development covers no need in the model, so these options come on top of it and may overlap it.");
        if (notes.Count > 0) optionBlocks.Add(new Bullets(notes.Select(n => "Check: " + n).ToList()));
        sections.Add(new ReportSection("Options", optionBlocks));

        sections.Add(new ReportSection("Sources, licences and caveats", [
            new Bullets([
                AttributionOf(s),
                "Need: " + AreaOutput.Describe(p, s).Source + ".",
                "Best Start local plans: DfE and DHSC, Best Start Family Hubs and Healthy Babies: guidance for local authorities (4 December 2025), " + GuidanceUrl + ".",
                $"Register completeness: the register holds {s.Teams.Count(t => t.IsActive)} active teams in England; the Parent-Infant Foundation counted {ModelParameters.LatestFoundationCount("England").Teams} ({ModelParameters.LatestFoundationCount("England").AsOf}). 'Not known' is not 'no team'.",
                "Estimates: mid-2024 small-area infants are estimated to sum to ONS's district figures; need is a modelled share of births, not a count of families.",
            ]),
        ]));

        return new ReportDocument($"Parent-infant relationships: a section for {name}'s Best Start local plan",
            $"Upper-tier council {code} · {run.AsOf.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)} · data version {s.DataVersion} · Cradle",
            $"Cradle · {name} · Best Start local plan section · data version {s.DataVersion} · indicative estimates; see the caveats", sections);
    }

    /// <summary>
    /// One to three new teams placed by the planner within the council (a unitary council of one
    /// district: one team, or one of twice the size at twice the cost).
    /// </summary>
    static List<Option> Options(ModelStore store, ModelSnapshot s, ModelParameters p, string code, List<string> lads)
    {
        double capacity = ModelParameters.DefaultNewTeamCapacity, cost = ModelParameters.DefaultAnnualCost;
        if (lads.Count == 1)
            return [new("One team", [new ScenarioTeam("One team", [code], capacity, cost)]),
                    new("One larger team", [new ScenarioTeam("One larger team", [code], 2 * capacity, 2 * cost)])];
        var inside = lads.ToHashSet();
        var candidates = Planner.Candidates(s, 3, inside.Contains);
        var weights = Planner.Weights(s, p, deprivationWeighted: false);
        var deprived = Planner.Weights(s, p, deprivationWeighted: true);
        var options = new List<Option>();
        for (int n = 1; n <= Math.Min(3, lads.Count); n++)
        {
            var picks = Planner.Greedy(store.Baseline(s, p), candidates, n, capacity, weights, deprived);
            if (picks.Count < n) break;
            options.Add(new(n == 1 ? "One team" : $"{n} teams",
                picks.Select((k, i) => new ScenarioTeam($"Team {i + 1}", k.Candidate.Lads, capacity, cost)).ToList()));
        }
        return options;
    }
}
