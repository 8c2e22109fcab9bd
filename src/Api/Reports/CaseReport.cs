using System.Globalization;
using Cradle.Api.Areas;
using Cradle.Api.Infrastructure;
using Cradle.Api.Maps;
using Cradle.Api.Scenarios;
using Cradle.Core.Case;
using Cradle.Core.Catalog;
using Cradle.Core.Coverage;
using Cradle.Core.Register;
using Npgsql;
using Cradle.Api.Model;

namespace Cradle.Api.Reports;

/// <summary>A scenario as a report takes it: teams to add and register teams to close; and, to compare
/// options, up to two more options (teams to add) and a name for each option.</summary>
public sealed record ReportScenario(IReadOnlyList<ScenarioTeam> Teams, IReadOnlyList<string> Close)
{
    public bool IsEmpty => Teams.Count == 0 && Close.Count == 0;

    public IReadOnlyList<IReadOnlyList<ScenarioTeam>> MoreOptions { get; init; } = [];
    public IReadOnlyList<string> OptionNames { get; init; } = [];

    public string NameOf(int option) => option < OptionNames.Count && OptionNames[option].Length > 0 ? OptionNames[option] : $"Option {option + 1}";
}

/// <summary>
/// The case for change for one area, as a <see cref="ReportDocument"/>: key messages made from
/// the figures by templates (never written for one area), the map, the figures against region,
/// England and similar areas, who commissions, the teams, a scenario's value for money, trends,
/// sources and caveats.
/// </summary>
public static class CaseReport
{
    // Invariant: the app runs in globalization-invariant mode; its numbers and month names are English.
    static readonly CultureInfo En = CultureInfo.InvariantCulture;
    internal static string N0(double v) => v.ToString("N0", En);
    internal static string N1(double v) => v.ToString("N1", En);
    internal static string Pct(double v) => (v * 100).ToString(v < 0.1 && v > 0 ? "N1" : "N0", En) + "%";
    internal static string Gbp(double v) => "£" + v.ToString("N0", En);

    public const string Attribution = "Contains OS data © Crown copyright and database right 2024. Source: Office for National Statistics licensed under the Open Government Licence v3.0. " +
        "English indices of deprivation 2025 and 2019: Ministry of Housing, Communities and Local Government (OGL v3). Children in low income families: Department for Work and Pensions (OGL v3). " +
        "Team register: Cradle, from public sources (each team's source and date below).";

    /// <summary>The attribution, naming the derived ICB lookup where it is the one loaded.</summary>
    public static string AttributionOf(ModelSnapshot s) => s.DerivedIcbLookup
        ? Attribution + " ICBs and sub-ICB locations of 1 April 2026: derived by Cradle from the ONS April 2024 lookup and NHS England ODS successions, not an official file (Frimley's split by district inferred)."
        : Attribution + " ICBs and sub-ICB locations of 1 April 2026: ONS's April 2026 lookup (OGL v3).";

    /// <summary>The options side by side in the area: its unmet need and each district's before and after, and what each option costs and buys.</summary>
    static ReportSection OptionsSection(List<ScenarioResult> options, ReportScenario scenario, string name)
    {
        var header = new List<string> { "", "Before" };
        header.AddRange(options.Select((_, i) => scenario.NameOf(i)));
        var rows = new List<IReadOnlyList<string>>();
        var frames = options.Select(o => o.Frame!).ToList();
        rows.Add([$"{name}: unmet need, families a year", N0(frames[0].Area.UnmetNeedBefore), .. frames.Select(fr => N0(fr.Area.UnmetNeedAfter))]);
        for (int k = 0; k < frames[0].Districts.Count; k++)
        {
            var d = frames[0].Districts[k];
            rows.Add([d.Name + (d.Partial ? $" ({Pct(d.InsideShare)} of its infants)" : ""), N0(d.UnmetNeedBefore), .. frames.Select(fr => N0(fr.Districts[k].UnmetNeedAfter))]);
        }
        rows.Add(["New teams", "", .. options.Select(o => N0(o.Teams.Count))]);
        rows.Add(["Extra families reached a year", "", .. options.Select(o => N0(o.ValueForMoney.ExtraFamiliesReached))]);
        rows.Add(["Annual cost of the new teams", "", .. options.Select(o => Gbp(o.ValueForMoney.AnnualCost))]);
        rows.Add(["Cost per family reached", "", .. options.Select(o => o.ValueForMoney.CostPerFamily is { } c ? Gbp(c) : "–")]);
        rows.Add(["Break-even: children kept out of care a year", "", .. options.Select(o => o.ValueForMoney.BreakEvenFor(UnitCosts.ChildLookedAfterYear) is { } b ? N1(b.OutcomesPerYear) : "–")]);
        rows.Add(["Warnings about the inputs", "", .. options.Select(o => N0(o.Warnings.Count))]);
        var widths = new List<float> { 2.2f, 0.8f };
        widths.AddRange(options.Select(_ => 0.9f));
        return new ReportSection("Options compared", [
            new Table($"In {name}: each option's effect, families a year (estimates)", header, rows, widths),
            new Paragraph("Unmet need: families a year needing a team that no team's capacity reaches. A district partly inside the area counts its part inside, so the districts add up to the area. " +
                "Break-even: the children who would have to be kept out of care for a year, each year, for the new teams to pay for themselves (a year in care costs councils about £96,900 a child, 2023–24, derived).", Small: true),
        ]);
    }

    public static async Task<(ReportDocument? Document, Dictionary<string, string[]>? Errors)> BuildAsync(ModelStore store, NpgsqlDataSource db, ModelSnapshot s,
        ModelParameters p, BenefitParameters benefit, string level, string code, ReportScenario scenario, CancellationToken ct)
    {
        var lv = s.Levels[level];
        var spec = AreaLevels.Get(level);
        int index = lv.Index[code];
        var (figures, ranks) = store.Figures(s, p, level);
        var f = figures[index];
        var dep = store.Deprivation(s, level, p);
        var run = store.Baseline(s, p);
        var name = f.Name;

        ScenarioResult? result = null;
        if (!scenario.IsEmpty)
        {
            var (r, errors) = ScenarioEvaluation.Evaluate(store, s, p, level, scenario.Teams, scenario.Close, benefit, within: code);
            if (errors is not null) return (null, errors);
            result = r;
        }

        var parents = AreaOutput.Parents(s, level, code);
        var region = parents.FirstOrDefault(x => x.Level == "region");
        AreaFigures? Of(string l, string? c) => c is null || !s.Levels[l].Index.TryGetValue(c, out var i) ? null : store.Figures(s, p, l).Areas[i];
        var regionFigures = level == "region" ? null : Of("region", region?.Code);
        var england = Of("england", "E92000001")!;
        var similar = AreaCase.Similar(store, s, p, level, index);
        var commissioning = AreaCase.Commissioning(s, level, index);
        var trends = AreaCase.Trends(store, s, p, level, index);
        var today = run.AsOf;

        var sections = new List<ReportSection>();
        // Key messages.
        var messages = new List<string>
        {
            p.NeedModel == NeedModel.Flat || f.Births <= 0
                ? $"About {N0(f.Need)} families a year in {name} may need a specialised parent-infant relationship team: an estimate, {Pct(p.NeedRate)} of about {N0(f.Births)} births a year."
                : p.NeedModel == NeedModel.Risk
                ? $"About {N0(f.Need)} families a year in {name} may need a specialised parent-infant relationship team (range {N0(f.Range.NeedLow)} to {N0(f.Range.NeedHigh)}): an estimate, {N1(f.Need / f.Births * 1000)} per 1,000 of about {N0(f.Births)} births a year against {N1(england.Need / england.Births * 1000)} in England, because need rises with income deprivation."
                : $"About {N0(f.Need)} families a year in {name} may need a specialised parent-infant relationship team: an estimate, {Pct(f.Need / f.Births)} of about {N0(f.Births)} births a year once weighted by deprivation.",
            StateMessage(s, f, name, level, index, today, p),
            $"That leaves about {N0(f.Unmet)} families a year that no team's capacity covers: {(f.UnmetPer1000Births is { } u ? N1(u) : "–")} per 1,000 births"
                + (regionFigures?.UnmetPer1000Births is { } ru ? $", against {N1(ru)} in {regionFigures.Name}" : "")
                + (england.UnmetPer1000Births is { } eu && level != "england" ? $" and {N1(eu)} in England." : "."),
        };
        if (result is not null)
        {
            var v = result.ValueForMoney;
            var care = v.BreakEvenFor(UnitCosts.ChildLookedAfterYear);
            messages.Add(v.CostPerFamily is { } cpf
                ? $"With the scenario, the new teams would reach about {N0(v.ExtraFamiliesReached)} more families a year for {Gbp(v.AnnualCost)} a year: about {Gbp(cpf)} per family."
                  + (care is null ? "" : $" They pay for themselves if they keep about {N1(care.OutcomesPerYear)} children out of care for a year, each year (a year in care costs councils about {Gbp(care.UnitCostGbp)} a child, {care.PriceBase}).")
                : $"With the scenario, covered need in England changes by {N0(result.Totals.ExtraFamiliesCovered)} families a year.");
            foreach (var w in result.Warnings) messages.Add("Check: " + w.Message);
        }
        else if (similar is not null)
        {
            int served = similar.Count(x => x.TeamState == "served");
            messages.Add($"{served} of its {similar.Count} most similar {spec.Plural.ToLowerInvariant()} {(served == 1 ? "has" : "have")} a team serving most of their infants.");
        }
        messages.Add(commissioning.StartForLifeText);
        sections.Add(new ReportSection("Key messages", [new Bullets(messages, Emphasis: true)]));

        // The map, as the PNG maps draw it.
        var figure = Figures.Get("unmet_need_per_1000_births");
        // The scenario's new teams are drawn where they would work (their figures are the scenario's section).
        var proposed = scenario.Teams.Select(t => (IReadOnlyList<int>)s.Resolve(t.Areas ?? []).Lsoas).ToList();
        var map = await AreaMap.RequestAsync(store, db, s, level, code, figure, 1200, 900, p, proposed, ct);
        sections.Add(new ReportSection(null, [new MapBlock(map, $"{figure.Label}, {name} and neighbouring {spec.Plural.ToLowerInvariant()}. Patterns show the team state where no team serves most infants.")]));

        // Figures against region, England and similar areas.
        var header = new List<string> { "", name };
        if (regionFigures is not null) header.Add(regionFigures.Name);
        if (level != "england") header.Add("England");
        if (similar is not null) header.Add("Similar areas (median)");
        var depRegion = regionFigures is null ? null : store.Deprivation(s, "region", p)[regionFigures.Index];
        var depEngland = store.Deprivation(s, "england", p)[0];
        var simIdx = similar?.Select(x => lv.Index[x.Code]).ToList();
        List<string> Row(string label, Func<AreaFigures, DeprivationSummary, double?> value, Func<double, string> text)
        {
            var row = new List<string> { label, Text(value(f, dep[index]), text) };
            if (regionFigures is not null) row.Add(Text(value(regionFigures, depRegion!), text));
            if (level != "england") row.Add(Text(value(england, depEngland), text));
            if (simIdx is not null) row.Add(Text(Median(simIdx.Select(i => value(figures[i], dep[i]))), text));
            return row;
        }
        // A row of text for the area, its region and England (no median of similar areas).
        List<string> RangeRow(string label, Func<AreaFigures, string> text)
        {
            var row = new List<string> { label, text(f) };
            if (regionFigures is not null) row.Add(text(regionFigures));
            if (level != "england") row.Add(text(england));
            if (simIdx is not null) row.Add("");
            return row;
        }
        var rows = new List<IReadOnlyList<string>>
        {
            Row($"Births a year (age 0, {(p.Population == "mid2024" ? "mid-2024 estimate" : "mid-2020")})", (a, _) => a.Births, N0),
            Row("Families a year needing a team (estimate)", (a, _) => a.Need, N0),
            RangeRow("Families a year needing a team, low to high (8% to 15% nationally)", a => $"{N0(a.Range.NeedLow)} to {N0(a.Range.NeedHigh)}"),
            Row("Infants where a team takes referrals", (a, _) => a.GeographicCoverage, Pct),
            Row("Need covered by teams' capacity, families a year", (a, _) => a.Covered, N0),
            Row("Unmet need, families a year", (a, _) => a.Unmet, N0),
            RangeRow("Unmet need, low to high", a => $"{N0(a.Range.UnmetLow)} to {N0(a.Range.UnmetHigh)}"),
            Row("Unmet need per 1,000 births", (a, _) => a.UnmetPer1000Births, N1),
            Row($"Infants in England's most deprived 20% of LSOAs ({(p.Deprivation == "imd2019" ? "IMD 2019" : "IoD 2025")})", (_, d) => d.ShareInfantsDeciles12, Pct),
        };
        if (level is "lad" or "utla")
        {
            double? Poverty(AreaFigures a) => CoverageModel.BhcRate(s, a.Code) is var r && double.IsFinite(r) ? r / 100 : null;
            rows.Add(Row("Children in low income families (before housing costs)", (a, _) => Poverty(a), Pct));
        }
        var gapBlocks = new List<ReportBlock>
        {
            new Table($"{name} against {(regionFigures is null ? "" : regionFigures.Name + ", ")}England{(similar is null ? "" : " and its 10 most similar " + spec.Plural.ToLowerInvariant())}. Estimates of the model: the gap rank of {name} is {ranks[index]} of {lv.Count} {spec.Plural.ToLowerInvariant()}.",
                header, rows, [2.6f, .. Enumerable.Repeat(1f, header.Count - 1)]),
        };
        // Above district level, each district's part inside the area, so that the rows add up to it.
        if (level != "lad" && s.AreasWithin("lad", code) is { Length: > 1 })
            gapBlocks.Add(DistrictsInside(s, run, level, index, $"{name}'s districts, most unmet need first (a district partly inside counts its part)"));
        sections.Add(new ReportSection("Need, provision and the gap", gapBlocks));

        if (similar is not null)
        {
            var bars = new List<Bar> { new(name, f.UnmetPer1000Births, true) };
            bars.AddRange(similar.Select(x => new Bar(x.Name, x.UnmetNeedPer1000Births, false)));
            sections.Add(new ReportSection($"{name} against its 10 most similar {spec.Plural.ToLowerInvariant()}", [
                new BarChart("Unmet need per 1,000 births", "unmet families a year per 1,000 births", bars, N1),
                new Table("The similar areas, most similar first, and what decides similarity.",
                    ["Area", "Births (mid-2024)", "Most deprived 20% (IoD 2025)", "Child poverty", "Persons per km²", "Team state", "Unmet per 1,000 births"],
                    similar.Select(x => (IReadOnlyList<string>)[x.Name, N0(x.BirthsProxy), Pct(x.ShareInfantsDeciles12),
                        x.ChildPovertyPercent is { } c ? N1(c) + "%" : "–", N0(x.PersonsPerKm2), StateLabel(x.TeamState),
                        x.UnmetNeedPer1000Births is { } u ? N1(u) : "–"]).ToList(),
                    [2.2f, 0.8f, 1f, 0.9f, 0.9f, 1.1f, 1f]),
                new Paragraph("Method: " + SimilarAreas.Method, Small: true),
            ]));
        }

        // Who commissions.
        string List(IEnumerable<CommissionerRef> xs) => string.Join("; ", xs.Select(x => x.InfantsShare >= 0.9995 ? x.Name : $"{x.Name} ({Pct(x.InfantsShare)} of infants)"));
        var who = new List<string>();
        if (commissioning.Icbs.Count > 0) who.Add($"Integrated Care Board: {List(commissioning.Icbs)}.");
        if (commissioning.SubIcbLocations.Count > 0) who.Add($"Sub-ICB location: {List(commissioning.SubIcbLocations)}.");
        if (commissioning.UpperTierCouncils.Count > 0)
            who.Add($"Upper-tier council (public health and children's services): {List(commissioning.UpperTierCouncils)}.");
        if (level != "lad" && commissioning.Districts.Count > 0) who.Add($"Districts: {string.Join(", ", commissioning.Districts.Select(d => d.Name))}.");
        who.Add(commissioning.StartForLifeText);
        sections.Add(new ReportSection("Who commissions here", [
            new Bullets(who),
            new Table("National programmes (dated facts)", ["Programme", "From", "What", "Source"],
                commissioning.Programmes.Select(x => (IReadOnlyList<string>)[x.Programme, x.From + (x.To is null ? "" : " to " + x.To), x.Says, $"{x.SourceUrl} ({x.SourceDate})"]).ToList(),
                [1.3f, 0.8f, 2.6f, 2f]),
        ]));

        // The teams, or the state where there are none.
        var touching = s.TeamsTouching(level, index).OrderBy(t => t.Status != "active").ThenBy(t => t.Name).ToList();
        var counted = f.Teams.Select(t => t.Id).ToHashSet(); // the teams the model counts under these parameters
        var teamBlocks = new List<ReportBlock>();
        if (touching.Count > 0)
            teamBlocks.Add(new Table("Teams in the register whose service area includes part of the area", ["Team", "Provider", "Status", "Capacity, families a year", "Source", "Last confirmed"],
                touching.Select(t => (IReadOnlyList<string>)[t.Name, t.Provider ?? "–", t.Status.Replace('_', ' ') + (t.FitUncertain ? " (fit uncertain)" : ""),
                    t.CapacityFamiliesPerYear is { } c ? N0(c) : counted.Contains(t.Id) ? $"{N0(p.DefaultCapacity)} (assumed)" : "–",
                    $"{t.SourceUrl} ({t.SourceDate})",
                    (t.ConfirmedOn?.ToString() ?? "–") + (t.NeedsReconfirming(today, Team.DefaultReconfirmAfterMonths) ? $" (needs re-confirming: nothing newer than {Team.DefaultReconfirmAfterMonths} months)" : "")]).ToList(),
                [1.6f, 1.2f, 0.9f, 0.9f, 2.4f, 0.8f]));
        teamBlocks.Add(new Paragraph($"Team state: {StateLabel(f.TeamState.Id())} (the state of most of its infants). " +
            string.Join(" ", TeamStates.All.Where(x => f.StateShare(x) > 0).Select(x => $"{StateLabel(x.Id())}: {Pct(f.StateShare(x))} of infants."))));
        foreach (var e in s.EvidenceTouching(level, index))
            teamBlocks.Add(new Paragraph($"Evidence ({e.Evidence.Replace('_', ' ')}, {e.SourceDate}{(e.IsCurrent(today, p.EvidenceMaxAgeYears) ? "" : ", older than " + N0(p.EvidenceMaxAgeYears) + " years so it no longer counts")}): {e.Statement} Source: {e.SourceUrl}", Small: true));
        sections.Add(new ReportSection("Teams serving the area", teamBlocks));

        if (result is not null) sections.Add(ScenarioSection(result, f, name, level, code, p));
        if (result is not null && scenario.MoreOptions.Count > 0)
        {
            var options = new List<ScenarioResult> { result };
            foreach (var teams in scenario.MoreOptions)
            {
                var (r, errors) = ScenarioEvaluation.Evaluate(store, s, p, level, teams, [], benefit, within: code);
                if (errors is not null) return (null, errors.ToDictionary(e => $"option{options.Count + 1}.{e.Key}", e => e.Value));
                options.Add(r!);
            }
            sections.Add(OptionsSection(options, scenario, name));
        }

        // Trends.
        var trendRows = new List<IReadOnlyList<string>>
        {
            new[] { "Births a year (age 0)", $"mid-2020: {N0(trends.Births.Mid2020)}", $"mid-2024: {N0(trends.Births.Mid2024)}",
                trends.Births.Change is { } ch ? (ch * 100).ToString("+0.0;-0.0;0.0", En) + "%" : "–" },
            new[] { "Infants in England's most deprived 20% of LSOAs", $"IMD 2019: {Pct(trends.Deprivation.ShareInfantsDeciles12Imd2019)}",
                $"IoD 2025: {Pct(trends.Deprivation.ShareInfantsDeciles12Iod2025)}",
                $"{(trends.Deprivation.ShareInfantsDeciles12Iod2025 - trends.Deprivation.ShareInfantsDeciles12Imd2019) * 100:+0.0;-0.0;0.0} points" },
        };
        if (trends.ChildPovertyBeforeHousingCosts is { Count: > 0 } cp)
            trendRows.Add(["Children in low income families (before housing costs)", $"FYE {cp[0].Fye}: {N1(cp[0].Percent)}%", $"FYE {cp[^1].Fye}: {N1(cp[^1].Percent)}%",
                $"{cp[^1].Percent - cp[0].Percent:+0.0;-0.0;0.0} points"]);
        var trendBlocks = new List<ReportBlock> { new Table("From the vintages Cradle holds", ["", "Earlier", "Latest", "Change"], trendRows, [2.4f, 1.2f, 1.2f, 0.9f]) };
        trendBlocks.Add(new Paragraph(trends.Teams.Count == 0 ? "Teams: the register records no team starting or ending here."
            : "Teams: " + string.Join("; ", trends.Teams.Select(e => $"{e.TeamName} {e.Event} {e.Date}")) + "."));
        trendBlocks.Add(new Paragraph(trends.Deprivation.Note + " Mid-2020 births are ONS's LSOA estimates; mid-2024 LSOA births are Cradle's estimates, constrained to ONS's district figures.", Small: true));
        // The map changing under the area: what it was made of (a board of 1 April 2026), and dated changes to come.
        var history = new List<string>();
        if (spec.VintageOf is null && spec.InForceFrom is { } from && s.Successions(level, index) is { Count: > 0 } before)
            history.Add($"{name} was formed on {from.ToString("d MMMM yyyy", En)} from {string.Join(", ", before.Select(b => $"{b.Name} ({Pct(b.InfantsShare)} of its infants, mid-2024)"))}.");
        if (s.IcbBasisOf(level, index) is { } basis)
            history.Add(basis == "partly_inferred" ? $"Part of {name}'s outline is inferred: Frimley's split by district (455 LSOAs) is not yet read from ONS's official April 2026 lookup." : $"Its ICB of April 2026 is inferred ({basis}).");
        foreach (var c in s.ChangesOf(level, code))
            history.Add($"{c.Date.ToString("d MMMM yyyy", En)} ({c.Status.Replace('_', ' ')}): {c.Says} Source: {c.SourceUrl} ({c.SourceDate}).");
        if (history.Count > 0) trendBlocks.Add(new Bullets(history));
        sections.Add(new ReportSection("Trends", trendBlocks));

        // Sources and caveats.
        var latest = ModelParameters.LatestFoundationCount("England");
        var model = AreaOutput.Describe(p, s);
        sections.Add(new ReportSection("Sources, licences and caveats", [
            new Bullets([
                AttributionOf(s),
                "Population: " + ModelParameters.PopulationDescriptions[p.Population] + ".",
                "Need: " + model.Source + $" ({model.Name} model). Start for Life councils: {Programmes.StartForLifeListSource} ({Programmes.StartForLifeListSourceDate}); {Programmes.StartForLifeListChecked}",
                "Value for money (indicative), lifetime benefit per family reached: " + string.Join(" ", BenefitParameters.Sources.Zip([benefit.Low, benefit.Central, benefit.High]).Select(x =>
                    $"{x.First.Parameter.Replace("benefit_per_family_", "")} {Gbp(x.Second)}{(x.Second == x.First.Default ? $" ({x.First.Url}{(x.First.Derived ? ", derived" : "")})" : " (given for this report)")}.")),
            ]),
            new Bullets([
                $"Register completeness: the register holds {s.Teams.Count(t => t.IsActive)} active teams in England; the Parent-Infant Foundation counted {latest.Teams} ({latest.AsOf}). Where the register knows of no team and no source says there is none, the state is 'not known', not 'no team'.",
                $"Assumed capacities: teams without a published capacity count as {N0(p.DefaultCapacity)} families a year.",
                "Estimated infants: mid-2024 LSOA infants are estimates summing to ONS's district figures; need is an indicative share of births, not a count of families.",
                "Value for money: cost per family and break-even use the unit costs named with them; the lifetime benefit per family is a published national estimate, not an evaluation of any team, and the central figure's method was not published in what we could read.",
                "Every figure here comes from Cradle's API for the same data version and parameters; see GET /api/model for every parameter and its source.",
            ]),
        ]));

        var title = $"The case for a parent-infant relationship team: {name}";
        var subtitle = $"{spec.Singular} {code} · {today.ToString("d MMMM yyyy", En)} · data version {s.DataVersion} · Cradle" + (result is null ? "" : " · with a scenario");
        return (new ReportDocument(title, subtitle, $"Cradle · {name} · data version {s.DataVersion} · indicative estimates; see the caveats", sections), null);
    }

    /// <summary>What is known about provision, naming the teams or the dated statement it rests on.</summary>
    internal static string StateMessage(ModelSnapshot s, AreaFigures f, string name, string level, int index, DateOnly today, ModelParameters p)
    {
        switch (f.TeamState)
        {
            case TeamState.Served:
                return $"{string.Join(", ", f.Teams.Select(t => t.Name))} {(f.Teams.Count == 1 ? "takes" : "take")} referrals from {Pct(f.GeographicCoverage)} of {name}'s infants, with capacity for about {N0(f.Capacity)} families a year.";
            case TeamState.InDevelopment:
                var building = s.TeamsTouching(level, index).Where(t => t.IsInDevelopment && CoverageModel.Counts(t, p)).ToList();
                return $"{string.Join(" and ", building.Select(t => $"{t.Name} (source dated {t.SourceDate})"))} {(building.Count == 1 ? "is" : "are")} being set up for {name}; until then, no team is known to serve most of its infants.";
            case TeamState.ConfirmedNone:
                var statement = s.EvidenceTouching(level, index).FirstOrDefault(e => e.Evidence == "confirmed_none" && e.IsCurrent(today, p.EvidenceMaxAgeYears));
                var about = statement is null ? null : s.NameOf(statement.AreaCode);
                return statement is null ? $"A dated source says that no specialised parent-infant relationship team is commissioned for most of {name}."
                    : $"No specialised parent-infant relationship team is commissioned for {(about == name ? name : $"{about}, which includes {Pct(f.StateShare(TeamState.ConfirmedNone))} of {name}'s infants")}: a statement dated {statement.SourceDate}.";
            default:
                return f.NoTeam ? $"No team is known to serve {name}: the register has none, and no source says whether there is one."
                    : $"Teams reach {Pct(f.GeographicCoverage)} of {name}'s infants; for the rest, no team is known and no source says whether there is one.";
        }
    }

    static ReportSection ScenarioSection(ScenarioResult r, AreaFigures f, string name, string level, string code, ModelParameters p)
    {
        var here = r.Areas.FirstOrDefault(a => a.Code == code);
        var v = r.ValueForMoney;
        var blocks = new List<ReportBlock>();
        var what = new List<string>();
        what.AddRange(r.Teams.Select(t => $"New team '{t.Name}': {t.Lsoas} LSOAs ({string.Join(", ", t.Areas)}), {N0(t.CapacityFamiliesPerYear)} families a year, {Gbp(t.AnnualCost)} a year."));
        what.AddRange(r.Closed.Select(id => $"Closed: {id}."));
        blocks.Add(new Bullets(what));
        double coveredBefore = here?.CoveredNeedBefore ?? f.Covered, coveredAfter = here?.CoveredNeedAfter ?? f.Covered;
        blocks.Add(new Table("Before and after", ["", $"{name}, before", $"{name}, after", "England, before", "England, after"],
        [
            ["Need covered, families a year", N0(coveredBefore), N0(coveredAfter), N0(r.Totals.CoveredNeedBefore), N0(r.Totals.CoveredNeedAfter)],
            ["Unmet need, families a year", N0(here?.UnmetNeedBefore ?? f.Unmet), N0(here?.UnmetNeedAfter ?? f.Unmet), N0(r.Totals.UnmetNeedBefore), N0(r.Totals.UnmetNeedAfter)],
            ["Infants where a team takes referrals", Pct(here?.GeographicCoverageBefore ?? f.GeographicCoverage), Pct(here?.GeographicCoverageAfter ?? f.GeographicCoverage), "", ""],
            ["Team state", StateLabel(here?.TeamStateBefore ?? f.TeamState.Id()), StateLabel(here?.TeamStateAfter ?? f.TeamState.Id()), "", ""],
        ], [2.2f, 1, 1, 1, 1]));
        // In the commissioner's frame: the area and each district in it (the part inside, for one partly inside).
        if (r.Frame is { Districts.Count: > 0 } frame)
            blocks.Add(new Table($"{name} district by district (families a year; a district partly inside counts its part)",
                ["District", "Need", "Unmet before", "Unmet after", "Team state after"],
                [
                    .. frame.Districts.Select(d => (IReadOnlyList<string>)[d.Partial ? $"{d.Name} ({Pct(d.InsideShare)} of its infants)" : d.Name,
                        N0(d.NeedFamiliesPerYear), N0(d.UnmetNeedBefore), N0(d.UnmetNeedAfter), StateLabel(d.TeamStateAfter)]),
                    [$"{name} (total)", N0(frame.Area.NeedFamiliesPerYear), N0(frame.Area.UnmetNeedBefore), N0(frame.Area.UnmetNeedAfter), StateLabel(frame.Area.TeamStateAfter)],
                ], [2.4f, 0.8f, 0.9f, 0.9f, 1.1f]));
        blocks.Add(new Table("Value for money: what a finance director can check", ["", "Figure", "Unit cost, price base and source"],
        [
            ["Annual cost of the new teams", Gbp(v.AnnualCost), "as proposed"],
            ["Extra families reached a year", N0(v.ExtraFamiliesReached), "Cradle's model"],
            ["Cost per family reached", v.CostPerFamily is { } c ? Gbp(c) : "–", "annual cost ÷ extra families"],
            .. v.BreakEven.Select(b => (IReadOnlyList<string>)[$"Break-even, prevented each year: {b.Outcome}", N1(b.OutcomesPerYear),
                $"{Gbp(b.UnitCostGbp)} each ({b.PriceBase}{(b.Derived ? ", derived" : "")}): {b.Source}"]),
        ], [2.2f, 0.8f, 2.6f]));
        if (r.Warnings.Count > 0)
            blocks.Add(new Bullets(r.Warnings.Select(w => $"Check {w.Field}: {w.Message} ({w.Source})").ToList()));
        blocks.Add(new Table("A national estimate, not an evaluated return (secondary)", ["", "Low", "Central", "High"],
        [
            ["Lifetime benefit per family", Gbp(v.BenefitPerFamily.Low), Gbp(v.BenefitPerFamily.Central), Gbp(v.BenefitPerFamily.High)],
            ["Lifetime benefit of a year's families", Gbp(v.LifetimeBenefit.Low), Gbp(v.LifetimeBenefit.Central), Gbp(v.LifetimeBenefit.High)],
        ], [2.4f, 1, 1, 1]));
        blocks.Add(new Paragraph(v.Method + " " + v.Caveat + " " + string.Join(" ", UnitCosts.All.Select(u => u.Says)), Small: true));
        return new ReportSection("The scenario: before and after, and value for money", blocks);
    }

    /// <summary>
    /// The districts of an area above district level, most unmet need first, each with its part inside the area (marked, with
    /// its share of infants, where only part is), and optionally the area's own total: the rows add up to the area.
    /// </summary>
    internal static Table DistrictsInside(ModelSnapshot s, CoverageRun run, string level, int index, string caption, AreaFigures? total = null)
    {
        var lv = s.Levels[level];
        var parts = CoverageModel.Aggregate(run, "lad", lv.Mask(index));
        IReadOnlyList<string> Row(AreaFigures d, string label) =>
            [label, N0(d.Need), N0(d.Covered), N0(d.Unmet), d.UnmetPer1000Births is { } u ? N1(u) : "–", StateLabel(d.TeamState.Id())];
        var rows = s.AreasWithin("lad", lv.Codes[index])!.Select(d => parts[d]).OrderByDescending(d => d.Unmet)
            .Select(d => Row(d, d.Partial ? $"{d.Name} ({Pct(d.InsideShare)} of its infants)" : d.Name)).ToList();
        if (total is not null) rows.Add(Row(total, $"{total.Name} (total)"));
        return new Table(caption, ["District", "Need, families a year", "Covered", "Unmet", "Unmet per 1,000 births", "Team state"], rows,
            [2.2f, 0.9f, 0.8f, 0.8f, 0.9f, 1f]);
    }

    internal static string StateLabel(string id) => Figures.TeamStateVocabulary.FirstOrDefault(x => x.State.Id() == id).Label ?? id;

    static string Text(double? v, Func<double, string> text) => v is { } x && double.IsFinite(x) ? text(x) : "–";

    static double? Median(IEnumerable<double?> values)
    {
        var xs = values.Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).Order().ToArray();
        if (xs.Length == 0) return null;
        return xs.Length % 2 == 1 ? xs[xs.Length / 2] : (xs[xs.Length / 2 - 1] + xs[xs.Length / 2]) / 2;
    }
}
