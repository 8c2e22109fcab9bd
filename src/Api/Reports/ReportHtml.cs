using System.Net;
using System.Text;
using Cradle.Api.Maps;

namespace Cradle.Api.Reports;

/// <summary>
/// The same <see cref="ReportDocument"/> as printable HTML, for pasting into documents: one
/// self-contained page (the map embedded as a PNG drawn by the same renderer, the chart as
/// labelled bars with their values as text), laid out for A4 when printed.
/// </summary>
public static class ReportHtml
{
    static string E(string s) => WebUtility.HtmlEncode(s);

    public static string Render(ReportDocument doc)
    {
        var sb = new StringBuilder();
        sb.Append($$"""
            <!doctype html>
            <html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{E(doc.Title)}}</title>
            <style>
            @page { size: A4; margin: 16mm; }
            body { font-family: "DejaVu Sans", Arial, sans-serif; color: #0b0c0c; max-width: 50rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.4; font-size: 11pt; }
            h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; break-after: avoid; }
            .sub, .small, figcaption { color: #505a5f; font-size: .85rem; }
            table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .5rem 0 1rem; break-inside: avoid; }
            caption { text-align: left; font-weight: bold; padding-bottom: .3rem; }
            th, td { border-bottom: 1px solid #b1b4b6; padding: .25rem .35rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
            thead th { background: #f3f2f1; }
            .key li { font-size: 1.05rem; margin-bottom: .35rem; }
            img { max-width: 100%; height: auto; }
            .bars { width: 100%; } .bars td { border: 0; padding: .1rem .35rem; } .bar { background: #21918c; height: .8rem; display: inline-block; vertical-align: middle; }
            .bars .self td { font-weight: bold; } .bars .self .bar { background: #440154; }
            footer { margin-top: 2rem; color: #505a5f; font-size: .8rem; }
            </style></head><body>
            <header><h1>{{E(doc.Title)}}</h1><p class="sub">{{E(doc.Subtitle)}}</p></header>
            <main>
            """);
        foreach (var section in doc.Sections)
        {
            sb.Append("<section>");
            if (section.Heading is { } h) sb.Append($"<h2>{E(h)}</h2>");
            foreach (var block in section.Blocks) Block(sb, block);
            sb.Append("</section>\n");
        }
        sb.Append($"</main><footer>{E(doc.Footer)}</footer></body></html>\n");
        return sb.ToString();
    }

    static void Block(StringBuilder sb, ReportBlock block)
    {
        switch (block)
        {
            case Paragraph p: sb.Append(p.Small ? $"<p class=\"small\">{E(p.Text)}</p>" : $"<p>{E(p.Text)}</p>"); break;
            case Bullets b:
                sb.Append(b.Emphasis ? "<ul class=\"key\">" : "<ul>");
                foreach (var item in b.Items) sb.Append($"<li>{E(item)}</li>");
                sb.Append("</ul>");
                break;
            case Table t:
                sb.Append($"<table><caption>{E(t.Caption)}</caption><thead><tr>");
                foreach (var h in t.Header) sb.Append($"<th scope=\"col\">{E(h)}</th>");
                sb.Append("</tr></thead><tbody>");
                foreach (var row in t.Rows)
                {
                    sb.Append("<tr>");
                    for (int i = 0; i < row.Count; i++) sb.Append(i == 0 ? $"<th scope=\"row\">{E(row[i])}</th>" : $"<td>{E(row[i])}</td>");
                    sb.Append("</tr>");
                }
                sb.Append("</tbody></table>");
                break;
            case BarChart c:
                double max = c.Bars.Max(x => x.Value ?? 0);
                sb.Append($"<table class=\"bars\"><caption>{E(c.Caption)} ({E(c.Unit)})</caption><tbody>");
                foreach (var bar in c.Bars)
                {
                    double pct = max > 0 && bar.Value is { } v ? v / max * 75 : 0;
                    sb.Append($"<tr{(bar.Highlight ? " class=\"self\"" : "")}><th scope=\"row\">{E(bar.Label)}</th><td><span class=\"bar\" style=\"width:{pct.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)}%\"></span> {E(bar.Value is { } vv ? c.Text(vv) : "–")}</td></tr>");
                }
                sb.Append("</tbody></table>");
                break;
            case MapBlock m:
                var png = Convert.ToBase64String(MapRenderer.Render(m.Map));
                sb.Append($"<figure><img src=\"data:image/png;base64,{png}\" width=\"{m.Map.Width}\" height=\"{m.Map.Height}\" alt=\"{E(m.Map.Title)}: map of the area and its neighbours\"><figcaption>{E(m.Caption)}</figcaption></figure>");
                break;
        }
    }
}
