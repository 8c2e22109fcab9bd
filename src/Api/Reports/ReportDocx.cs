using Cradle.Api.Maps;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using A = DocumentFormat.OpenXml.Drawing;
using DW = DocumentFormat.OpenXml.Drawing.Wordprocessing;
using PIC = DocumentFormat.OpenXml.Drawing.Pictures;

namespace Cradle.Api.Reports;

/// <summary>
/// The same <see cref="ReportDocument"/> as a Word document (.docx), for pasting into board papers:
/// headings as Word headings, tables as Word tables with a header row, the map as a picture drawn by
/// the same <see cref="MapRenderer"/> as the PDF and the PNG maps, the chart as a table of labelled
/// bars. Built whole in memory, so a failure never sends half a document.
/// </summary>
public static class ReportDocx
{
    public const string MediaType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    // A4 with 2 cm margins, in twentieths of a point; the text width in EMU for pictures.
    const int PageWidthTwips = 11906, PageHeightTwips = 16838, MarginTwips = 1134;
    const long TextWidthEmu = (PageWidthTwips - 2 * MarginTwips) * 635L;

    public static byte[] Render(ReportDocument doc)
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            word.PackageProperties.Title = doc.Title;
            word.PackageProperties.Subject = doc.Subtitle;
            word.PackageProperties.Creator = "Cradle";
            var main = word.AddMainDocumentPart();
            AddStyles(main);
            var body = new Body();
            body.Append(Para(doc.Title, "Title"));
            body.Append(Para(doc.Subtitle, "Subtitle"));
            int picture = 0;
            foreach (var section in doc.Sections)
            {
                if (section.Heading is { } h) body.Append(Para(h, "Heading1"));
                foreach (var block in section.Blocks)
                    foreach (var element in Block(main, block, ref picture)) body.Append(element);
            }
            body.Append(Para(doc.Footer, "Small"));
            body.Append(new SectionProperties(
                new PageSize { Width = PageWidthTwips, Height = PageHeightTwips },
                new PageMargin { Top = MarginTwips, Bottom = MarginTwips, Left = (uint)MarginTwips, Right = (uint)MarginTwips, Header = 567, Footer = 567, Gutter = 0 }));
            main.Document = new Document(body);
            main.Document.Save();
        }
        return stream.ToArray();
    }

    static IEnumerable<OpenXmlElement> Block(MainDocumentPart main, ReportBlock block, ref int picture)
    {
        switch (block)
        {
            case Paragraph p: return [Para(p.Text, p.Small ? "Small" : null)];
            case Bullets b: return b.Items.Select(i => Para("• " + i, b.Emphasis ? "KeyMessage" : "Bullet")).ToList();
            case Table t: return [Para(t.Caption, "Caption"), WordTable(t.Header, t.Rows, t.Widths)];
            case BarChart c:
                double max = c.Bars.Max(x => x.Value ?? 0);
                var rows = c.Bars.Select(x => (IReadOnlyList<string>)[x.Label + (x.Highlight ? " (this area)" : ""),
                    new string('█', max > 0 && x.Value is { } v ? (int)Math.Round(v / max * 30) : 0), x.Value is { } vv ? c.Text(vv) : "–"]).ToList();
                return [Para($"{c.Caption} ({c.Unit})", "Caption"), WordTable(["Area", "", c.Unit], rows, [2f, 2.4f, 1f])];
            case MapBlock m:
                var png = MapRenderer.Render(m.Map);
                return [Picture(main, png, m.Map.Width, m.Map.Height, ++picture, $"{m.Map.Title}: map of the area and its neighbours"), Para(m.Caption, "Caption")];
            default: return [];
        }
    }

    static DocumentFormat.OpenXml.Wordprocessing.Paragraph Para(string text, string? style)
    {
        var p = new DocumentFormat.OpenXml.Wordprocessing.Paragraph();
        if (style is not null) p.Append(new ParagraphProperties(new ParagraphStyleId { Val = style }));
        p.Append(new Run(new Text(Clean(text)) { Space = SpaceProcessingModeValues.Preserve }));
        return p;
    }

    /// <summary>XML 1.0 cannot hold control characters; a name from a request might carry one.</summary>
    static string Clean(string s) => new(s.Where(c => c is '\t' or '\n' or '\r' || c >= ' ').Select(c => c is '\n' or '\r' ? ' ' : c).ToArray());

    static DocumentFormat.OpenXml.Wordprocessing.Table WordTable(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlyList<float> widths)
    {
        float sum = widths.Sum();
        int textWidth = PageWidthTwips - 2 * MarginTwips;
        var grid = new TableGrid(widths.Select(w => new GridColumn { Width = ((int)(w / sum * textWidth)).ToString() }));
        var table = new DocumentFormat.OpenXml.Wordprocessing.Table(
            new TableProperties(
                new TableStyle { Val = "CradleTable" },
                new TableWidth { Width = "5000", Type = TableWidthUnitValues.Pct },
                new TableBorders(
                    new TopBorder { Val = BorderValues.Single, Size = 4, Color = "B1B4B6" },
                    new BottomBorder { Val = BorderValues.Single, Size = 4, Color = "B1B4B6" },
                    new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4, Color = "B1B4B6" })),
            grid);
        TableRow Row(IReadOnlyList<string> cells, bool head)
        {
            var row = new TableRow();
            if (head) row.Append(new TableRowProperties(new TableHeader()));
            for (int i = 0; i < widths.Count; i++)
            {
                var cell = new TableCell(new TableCellProperties(new TableCellWidth { Width = ((int)(widths[i] / sum * textWidth)).ToString(), Type = TableWidthUnitValues.Dxa }));
                if (head) cell.TableCellProperties!.Append(new Shading { Val = ShadingPatternValues.Clear, Fill = "F3F2F1" });
                var p = Para(i < cells.Count ? cells[i] : "", "TableText");
                if (head || i == 0) p.Descendants<Run>().First().PrependChild(new RunProperties(new Bold { Val = head }));
                cell.Append(p);
                row.Append(cell);
            }
            return row;
        }
        table.Append(Row(header, true));
        foreach (var r in rows) table.Append(Row(r, false));
        return table;
    }

    static DocumentFormat.OpenXml.Wordprocessing.Paragraph Picture(MainDocumentPart main, byte[] png, int width, int height, int id, string description)
    {
        var part = main.AddImagePart(ImagePartType.Png);
        using (var ms = new MemoryStream(png)) part.FeedData(ms);
        string rel = main.GetIdOfPart(part);
        long cx = TextWidthEmu, cy = TextWidthEmu * height / width;
        var graphic = new A.Graphic(new A.GraphicData(
            new PIC.Picture(
                new PIC.NonVisualPictureProperties(new PIC.NonVisualDrawingProperties { Id = (UInt32Value)(uint)id, Name = $"map{id}.png", Description = description },
                    new PIC.NonVisualPictureDrawingProperties()),
                new PIC.BlipFill(new A.Blip { Embed = rel }, new A.Stretch(new A.FillRectangle())),
                new PIC.ShapeProperties(new A.Transform2D(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = cx, Cy = cy }),
                    new A.PresetGeometry(new A.AdjustValueList()) { Preset = A.ShapeTypeValues.Rectangle })))
        { Uri = "http://schemas.openxmlformats.org/drawingml/2006/picture" });
        var inline = new DW.Inline(new DW.Extent { Cx = cx, Cy = cy }, new DW.EffectExtent { LeftEdge = 0, TopEdge = 0, RightEdge = 0, BottomEdge = 0 },
            new DW.DocProperties { Id = (UInt32Value)(uint)id, Name = $"Map {id}", Description = description },
            new DW.NonVisualGraphicFrameDrawingProperties(new A.GraphicFrameLocks { NoChangeAspect = true }), graphic)
        { DistanceFromTop = 0, DistanceFromBottom = 0, DistanceFromLeft = 0, DistanceFromRight = 0 };
        return new DocumentFormat.OpenXml.Wordprocessing.Paragraph(new Run(new Drawing(inline)));
    }

    static void AddStyles(MainDocumentPart main)
    {
        var styles = main.AddNewPart<StyleDefinitionsPart>();
        Style S(string id, string name, int halfPoints, bool bold = false, string colour = "0B0C0C", int after = 120, string? basedOn = null, bool keepNext = false)
        {
            var s = new Style { Type = StyleValues.Paragraph, StyleId = id };
            s.Append(new StyleName { Val = name });
            if (basedOn is not null) s.Append(new BasedOn { Val = basedOn });
            s.Append(new PrimaryStyle());
            var pp = new StyleParagraphProperties(new SpacingBetweenLines { After = after.ToString() });
            if (keepNext) pp.Append(new KeepNext());
            s.Append(pp);
            var rp = new StyleRunProperties(new RunFonts { Ascii = "Arial", HighAnsi = "Arial", ComplexScript = "Arial" }, new Color { Val = colour }, new FontSize { Val = halfPoints.ToString() });
            if (bold) rp.Append(new Bold());
            s.Append(rp);
            return s;
        }
        var heading = S("Heading1", "heading 1", 28, bold: true, after: 120, keepNext: true);
        heading.StyleParagraphProperties!.Append(new OutlineLevel { Val = 0 });
        styles.Styles = new Styles(
            S("Normal", "Normal", 21),
            S("Title", "Title", 38, bold: true, after: 60),
            S("Subtitle", "Subtitle", 19, colour: "505A5F", after: 240),
            heading,
            S("KeyMessage", "Key message", 23, after: 100),
            S("Bullet", "Bullet", 20, after: 60),
            S("Caption", "Caption", 19, bold: true, after: 60, keepNext: true),
            S("Small", "Small", 17, colour: "505A5F", after: 100),
            S("TableText", "Table text", 17, after: 0));
        styles.Styles.Save();
    }
}
