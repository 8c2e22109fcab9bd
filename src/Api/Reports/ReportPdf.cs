using Cradle.Api.Maps;
using SkiaSharp;

namespace Cradle.Api.Reports;

/// <summary>
/// Draws a <see cref="ReportDocument"/> as an A4 PDF with SkiaSharp's PDF backend: text as text
/// (DejaVu Sans, embedded as a subset, so it can be selected and searched) and the map as vectors,
/// drawn by the same <see cref="MapRenderer"/> as the PNG maps. The whole file is built in memory
/// before it is sent, so a failure never sends half a PDF. Not tagged: SkiaSharp does not expose
/// Skia's PDF structure tree.
/// </summary>
public static class ReportPdf
{
    const float PageWidth = 595.28f, PageHeight = 841.89f, Margin = 48, Bottom = PageHeight - 56;
    const float ContentWidth = PageWidth - 2 * Margin;
    static readonly SKColor Ink = SKColor.Parse("#0b0c0c"), Grey = SKColor.Parse("#505a5f"), Rule = SKColor.Parse("#b1b4b6"),
        Highlight = SKColor.Parse("#440154"), BarColour = SKColor.Parse("#21918c"), Shade = SKColor.Parse("#f3f2f1");

    public static byte[] Render(ReportDocument doc, DateTime created)
    {
        using var stream = new MemoryStream();
        using (var managed = new SKManagedWStream(stream))
        using (var pdf = SKDocument.CreatePdf(managed, new SKDocumentPdfMetadata
        {
            Title = doc.Title, Author = "Cradle", Subject = doc.Subtitle, Creator = "Cradle", Producer = "Cradle (SkiaSharp PDF)",
            Creation = created, Modified = created, RasterDpi = 300,
        }))
        {
            new Writer(pdf, doc).Write();
            pdf.Close();
        }
        return stream.ToArray();
    }

    sealed class Writer(SKDocument pdf, ReportDocument doc)
    {
        readonly SKTypeface _regular = MapRenderer.Font(false), _bold = MapRenderer.Font(true);
        SKCanvas? _canvas;
        float _y;
        int _page;

        // Unhinted, linear metrics: the advances drawn are the font's own, as the PDF records them, so text extracts without stray spaces.
        SKFont F(float size, bool bold = false) => new(bold ? _bold : _regular, size) { Subpixel = true, Hinting = SKFontHinting.None, LinearMetrics = true };

        public void Write()
        {
            NewPage();
            using (var title = F(19, bold: true)) Text(doc.Title, title, Ink, lineHeight: 24);
            using (var sub = F(9.5f)) Text(doc.Subtitle, sub, Grey, lineHeight: 13);
            _y += 8;
            foreach (var section in doc.Sections)
            {
                if (section.Heading is { } h)
                {
                    // A heading never ends a page: room for it and the start of what follows.
                    Need(130);
                    _y += 8;
                    using var font = F(13, bold: true);
                    Text(h, font, Ink, lineHeight: 17);
                    _y += 3;
                }
                foreach (var block in section.Blocks) Block(block);
            }
            Footer();
            pdf.EndPage();
        }

        void NewPage()
        {
            if (_canvas is not null) { Footer(); pdf.EndPage(); }
            _canvas = pdf.BeginPage(PageWidth, PageHeight);
            _page++;
            _y = Margin;
        }

        void Need(float height) { if (_y + height > Bottom) NewPage(); }

        void Footer()
        {
            using var font = F(7.5f);
            using var paint = new SKPaint { Color = Grey, IsAntialias = true };
            _canvas!.DrawText(doc.Footer, Margin, PageHeight - 30, font, paint);
            _canvas.DrawText($"Page {_page}", PageWidth - Margin, PageHeight - 30, SKTextAlign.Right, font, paint);
        }

        void Text(string text, SKFont font, SKColor colour, float lineHeight, float x = Margin, float width = ContentWidth)
        {
            using var paint = new SKPaint { Color = colour, IsAntialias = true };
            foreach (var line in MapRenderer.Wrap(text, font, width))
            {
                Need(lineHeight);
                _canvas!.DrawText(line, x, _y + font.Size, font, paint);
                _y += lineHeight;
            }
        }

        void Block(ReportBlock block)
        {
            switch (block)
            {
                case Paragraph p:
                    using (var font = F(p.Small ? 7.5f : 9.5f)) Text(p.Text, font, p.Small ? Grey : Ink, p.Small ? 10 : 13);
                    _y += 5;
                    break;
                case Bullets b:
                    using (var font = F(b.Emphasis ? 10.5f : 9.5f))
                    using (var paint = new SKPaint { Color = Ink, IsAntialias = true })
                        foreach (var item in b.Items)
                        {
                            float lh = b.Emphasis ? 14.5f : 13;
                            var lines = MapRenderer.Wrap(item, font, ContentWidth - 14).ToList();
                            Need(lh * Math.Min(lines.Count, 3));
                            _canvas!.DrawText("•", Margin + 2, _y + font.Size, font, paint);
                            foreach (var line in lines)
                            {
                                Need(lh);
                                _canvas!.DrawText(line, Margin + 14, _y + font.Size, font, paint);
                                _y += lh;
                            }
                            _y += 3;
                        }
                    _y += 3;
                    break;
                case Table t: DrawTable(t); break;
                case BarChart c: DrawChart(c); break;
                case MapBlock m:
                    {
                        float h = ContentWidth * m.Map.Height / m.Map.Width;
                        Need(h + 24);
                        _canvas!.Save();
                        _canvas.Translate(Margin, _y);
                        _canvas.Scale(ContentWidth / m.Map.Width);
                        MapRenderer.Draw(_canvas, m.Map);
                        _canvas.Restore();
                        _y += h + 4;
                        using var font = F(7.5f);
                        Text(m.Caption, font, Grey, 10);
                        _y += 6;
                        break;
                    }
            }
        }

        void DrawTable(Table t)
        {
            using var caption = F(8.5f, bold: true);
            using var head = F(7.5f, bold: true);
            using var body = F(7.5f);
            using var ink = new SKPaint { Color = Ink, IsAntialias = true };
            using var rule = new SKPaint { Color = Rule, StrokeWidth = 0.5f, IsAntialias = true };
            using var shade = new SKPaint { Color = Shade };
            // The caption, the header and the first rows stay together.
            Need(90);
            Text(t.Caption, caption, Ink, 11.5f);
            float total = t.Widths.Sum();
            var widths = t.Widths.Select(w => ContentWidth * w / total).ToArray();
            void Row(IReadOnlyList<string> cells, SKFont font, bool shaded)
            {
                var wrapped = cells.Select((c, i) => MapRenderer.Wrap(c, font, widths[i] - 6).ToList()).ToList();
                float h = wrapped.Max(l => Math.Max(1, l.Count)) * 9.5f + 5;
                Need(h);
                if (shaded) _canvas!.DrawRect(Margin, _y, ContentWidth, h, shade);
                float x = Margin;
                for (int i = 0; i < wrapped.Count; i++)
                {
                    float ly = _y + 2.5f + font.Size;
                    foreach (var line in wrapped[i]) { _canvas!.DrawText(line, x + 3, ly, font, ink); ly += 9.5f; }
                    x += widths[i];
                }
                _y += h;
                _canvas!.DrawLine(Margin, _y, Margin + ContentWidth, _y, rule);
            }
            Row(t.Header, head, true);
            for (int r = 0; r < t.Rows.Count; r++) Row(t.Rows[r], body, false);
            _y += 10;
        }

        void DrawChart(BarChart c)
        {
            using var caption = F(8.5f, bold: true);
            using var font = F(7.5f);
            using var ink = new SKPaint { Color = Ink, IsAntialias = true };
            float rowH = 13, labelW = 150, valueW = 40, barMax = ContentWidth - labelW - valueW;
            Need(rowH * c.Bars.Count + 20);
            Text($"{c.Caption} ({c.Unit})", caption, Ink, 11.5f);
            double max = c.Bars.Max(b => b.Value ?? 0);
            foreach (var b in c.Bars)
            {
                using var bar = new SKPaint { Color = b.Highlight ? Highlight : BarColour, IsAntialias = true };
                using var labelFont = b.Highlight ? F(7.5f, bold: true) : F(7.5f);
                var lines = MapRenderer.Wrap(b.Label, labelFont, labelW - 12).ToList();
                var label = lines.Count == 0 ? "" : lines.Count == 1 ? lines[0] : lines[0] + "…";
                _canvas!.DrawText(label, Margin, _y + 9, labelFont, ink);
                float w = max > 0 && b.Value is { } v ? (float)(v / max) * barMax : 0;
                _canvas.DrawRect(Margin + labelW, _y + 1.5f, Math.Max(w, 0.5f), rowH - 4, bar);
                _canvas.DrawText(b.Value is { } vv ? c.Text(vv) : "–", Margin + labelW + w + 4, _y + 9, font, ink);
                _y += rowH;
            }
            _y += 8;
        }
    }
}
