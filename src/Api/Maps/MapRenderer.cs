using NetTopologySuite.Geometries;
using SkiaSharp;

namespace Cradle.Api.Maps;

public sealed record MapArea(string Code, string Name, Geometry Geometry, double? Value, Cradle.Core.Coverage.TeamState State, bool Focus);

public sealed record MapClass(double From, double To, SKColor Colour, string Label);

/// <param name="ProposedAreas">The areas of a scenario's new teams (a report with a scenario), drawn apart from the register's teams.</param>
/// <param name="Inner">For an area above districts (a council, an ICB, a region), the districts inside it: outlined thinly and named.</param>
public sealed record MapRequest(string Title, string Subtitle, string Unit, IReadOnlyList<MapArea> Areas, IReadOnlyList<Geometry> TeamAreas,
    IReadOnlyList<MapClass> Classes, int Width, int Height, string Attribution, IReadOnlyList<Geometry> ProposedAreas,
    IReadOnlyList<MapArea>? Inner = null);

/// <summary>
/// Renders a board-paper choropleth with SkiaSharp: the area and its neighbours coloured by a
/// metric, each team state but "served" marked by its own pattern (so that the four states are told
/// apart without colour), teams' service areas dashed, a legend with units, a title, a scale bar
/// and the attribution. Geometry is British National Grid (metres), drawn north-up.
/// </summary>
public static class MapRenderer
{
    /// <summary>The outline of a scenario's proposed team (GOV.UK blue).</summary>
    public const string ProposedColour = "#1d70b8";

    static readonly Lazy<SKTypeface> Regular = new(() => Load(false)), Bold = new(() => Load(true));

    /// <summary>DejaVu Sans, loaded once and shared (never disposed), so a report embeds each face once.</summary>
    public static SKTypeface Font(bool bold) => bold ? Bold.Value : Regular.Value;

    static SKTypeface Load(bool bold)
    {
        // DejaVu ships with Debian (fonts-dejavu-core); fall back to whatever fontconfig finds.
        var file = bold ? "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf" : "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        return File.Exists(file) ? SKTypeface.FromFile(file) : SKTypeface.FromFamilyName("sans-serif", bold ? SKFontStyle.Bold : SKFontStyle.Normal);
    }

    /// <summary>The map as a PNG image of r.Width × r.Height pixels.</summary>
    public static byte[] Render(MapRequest r)
    {
        using var surface = SKSurface.Create(new SKImageInfo(r.Width, r.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.White);
        Draw(surface.Canvas, r);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }

    /// <summary>
    /// Draws the map into (0, 0, r.Width, r.Height) of any canvas: a raster surface for PNG, or a
    /// PDF page (as vectors and selectable text) for the reports.
    /// </summary>
    public static void Draw(SKCanvas canvas, MapRequest r)
    {
        var regular = Font(false);
        var bold = Font(true);
        float scale = Math.Max(0.6f, Math.Min(r.Width, r.Height) / 900f);
        using var titleFont = new SKFont(bold, 26 * scale) { Subpixel = true, Hinting = SKFontHinting.None, LinearMetrics = true };
        using var textFont = new SKFont(regular, 15 * scale) { Subpixel = true, Hinting = SKFontHinting.None, LinearMetrics = true };
        using var smallFont = new SKFont(regular, 12 * scale) { Subpixel = true, Hinting = SKFontHinting.None, LinearMetrics = true };
        using var ink = new SKPaint { Color = SKColor.Parse("#0b0c0c"), IsAntialias = true };

        float margin = 20 * scale, top = 80 * scale, legendWidth = 260 * scale, bottom = 40 * scale;
        var frame = new SKRect(margin, top, r.Width - legendWidth - margin, r.Height - bottom);
        canvas.DrawText(r.Title, margin, 36 * scale, titleFont, ink);
        canvas.DrawText(r.Subtitle, margin, 62 * scale, textFont, ink);

        // Fit the focus area (with room for neighbours) into the frame, keeping metres square.
        var focus = new Envelope();
        foreach (var a in r.Areas.Where(a => a.Focus)) focus.ExpandToInclude(a.Geometry.EnvelopeInternal);
        focus.ExpandBy(Math.Max(focus.Width, focus.Height) * 0.45);
        double k = Math.Min(frame.Width / focus.Width, frame.Height / focus.Height);
        double cx = focus.Centre.X, cy = focus.Centre.Y;
        SKPoint P(Coordinate c) => new((float)(frame.MidX + (c.X - cx) * k), (float)(frame.MidY - (c.Y - cy) * k));

        canvas.Save();
        canvas.ClipRect(frame);
        using var fill = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        using var edge = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, Color = SKColors.White, StrokeWidth = 1.2f * scale };
        // Confirmed none: dense diagonal lines; not known: dots; in development: the other diagonal, sparse.
        // Repeating tiles (a picture shader), so that a PDF holds one small pattern, not thousands of shapes.
        var white = SKColors.White;
        using var hatchTile = Tile(7 * scale, 45, c => { using var l = new SKPaint { Color = white.WithAlpha(190), StrokeWidth = 1.4f * scale, IsAntialias = true }; c.DrawLine(0, 3.5f * scale, 7 * scale, 3.5f * scale, l); });
        using var dotTile = Tile(8 * scale, 0, c => { using var d = new SKPaint { Color = white.WithAlpha(210), IsAntialias = true }; c.DrawCircle(4 * scale, 4 * scale, 1.6f * scale, d); });
        using var buildingTile = Tile(12 * scale, -45, c => { using var l = new SKPaint { Color = white.WithAlpha(190), StrokeWidth = 1.2f * scale, IsAntialias = true }; c.DrawLine(0, 6 * scale, 12 * scale, 6 * scale, l); });
        using var hatch = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Shader = hatchTile };
        using var dots = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Shader = dotTile };
        using var building = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Shader = buildingTile };
        SKPaint? PatternOf(Cradle.Core.Coverage.TeamState state) => state switch
        {
            Cradle.Core.Coverage.TeamState.ConfirmedNone => hatch,
            Cradle.Core.Coverage.TeamState.NotKnown => dots,
            Cradle.Core.Coverage.TeamState.InDevelopment => building,
            _ => null,
        };
        foreach (var a in r.Areas)
        {
            using var path = ToPath(a.Geometry, P);
            fill.Color = a.Value is { } v && double.IsFinite(v) ? ClassOf(r.Classes, v).Colour : SKColor.Parse(Cradle.Core.Catalog.Figures.NoValueColour);
            canvas.DrawPath(path, fill);
            if (PatternOf(a.State) is { } pattern) canvas.DrawPath(path, pattern);
            canvas.DrawPath(path, edge);
        }
        // The districts inside a council or ICB, thinly, under the teams' and the proposed team's outlines.
        using var innerEdge = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, Color = SKColor.Parse("#0b0c0c").WithAlpha(150), StrokeWidth = 1f * scale };
        foreach (var a in r.Inner ?? []) { using var path = ToPath(a.Geometry, P); canvas.DrawPath(path, innerEdge); }
        using var team = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, Color = SKColor.Parse("#0b0c0c"), StrokeWidth = 2.5f * scale, PathEffect = SKPathEffect.CreateDash([8 * scale, 5 * scale], 0) };
        foreach (var g in r.TeamAreas) { using var path = ToPath(g, P); canvas.DrawPath(path, team); }
        // A proposed team: solid blue on a white casing, told from a register team's black dashes by line style too.
        using var proposedCasing = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, Color = SKColors.White, StrokeWidth = 5.5f * scale };
        using var proposed = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, Color = SKColor.Parse(ProposedColour), StrokeWidth = 3f * scale };
        foreach (var g in r.ProposedAreas) { using var path = ToPath(g, P); canvas.DrawPath(path, proposedCasing); canvas.DrawPath(path, proposed); }
        using var focusEdge = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, Color = SKColor.Parse("#d4351c"), StrokeWidth = 3.5f * scale };
        foreach (var a in r.Areas.Where(a => a.Focus)) { using var path = ToPath(a.Geometry, P); canvas.DrawPath(path, focusEdge); }
        Labels(canvas, r, frame, P, scale);
        canvas.Restore();
        using var frameEdge = new SKPaint { Style = SKPaintStyle.Stroke, Color = SKColor.Parse("#b1b4b6"), StrokeWidth = 1 };
        canvas.DrawRect(frame, frameEdge);

        // Legend
        float lx = frame.Right + margin, ly = top + 10 * scale;
        foreach (var line in Wrap(r.Unit, textFont, legendWidth - margin))
        {
            canvas.DrawText(line, lx, ly, textFont, ink);
            ly += 19 * scale;
        }
        foreach (var c in r.Classes)
        {
            fill.Color = c.Colour;
            canvas.DrawRect(lx, ly, 28 * scale, 20 * scale, fill);
            canvas.DrawText(c.Label, lx + 36 * scale, ly + 15 * scale, textFont, ink);
            ly += 26 * scale;
        }
        ly += 10 * scale;
        canvas.DrawText("Team state (most infants):", lx, ly + 12 * scale, smallFont, ink);
        ly += 20 * scale;
        foreach (var state in Cradle.Core.Coverage.TeamStates.All)
        {
            var swatch = new SKRect(lx, ly, lx + 28 * scale, ly + 20 * scale);
            fill.Color = r.Classes[^1].Colour; // the patterns are drawn over the darkest class, as on the map
            canvas.DrawRect(swatch, fill);
            if (PatternOf(state) is { } pattern) canvas.DrawRect(swatch, pattern);
            canvas.DrawText(Cradle.Core.Catalog.Figures.TeamStateVocabulary.Single(x => x.State == state).Label, lx + 36 * scale, ly + 15 * scale, smallFont, ink);
            ly += 26 * scale;
        }
        ly += 4 * scale;
        canvas.DrawLine(lx, ly + 10 * scale, lx + 28 * scale, ly + 10 * scale, team);
        canvas.DrawText("Team service area", lx + 36 * scale, ly + 15 * scale, smallFont, ink);
        ly += 30 * scale;
        if (r.ProposedAreas.Count > 0)
        {
            canvas.DrawLine(lx, ly + 10 * scale, lx + 28 * scale, ly + 10 * scale, proposedCasing);
            canvas.DrawLine(lx, ly + 10 * scale, lx + 28 * scale, ly + 10 * scale, proposed);
            canvas.DrawText("Proposed team (scenario)", lx + 36 * scale, ly + 15 * scale, smallFont, ink);
            ly += 30 * scale;
        }
        canvas.DrawLine(lx, ly + 10 * scale, lx + 28 * scale, ly + 10 * scale, focusEdge);
        canvas.DrawText("This area", lx + 36 * scale, ly + 15 * scale, smallFont, ink);

        // Scale bar: a round length near a fifth of the frame.
        double metres = frame.Width / 5 / k;
        double nice = Math.Pow(10, Math.Floor(Math.Log10(metres)));
        nice *= metres / nice >= 5 ? 5 : metres / nice >= 2 ? 2 : 1;
        float barPx = (float)(nice * k), bx = frame.Left + 12 * scale, by = frame.Bottom - 16 * scale;
        using var bar = new SKPaint { Color = SKColor.Parse("#0b0c0c"), StrokeWidth = 3 * scale, IsAntialias = true };
        fill.Color = SKColors.White.WithAlpha(220);
        canvas.DrawRect(bx - 6 * scale, by - 22 * scale, barPx + 80 * scale, 30 * scale, fill);
        canvas.DrawLine(bx, by, bx + barPx, by, bar);
        canvas.DrawLine(bx, by - 6 * scale, bx, by + 1, bar);
        canvas.DrawLine(bx + barPx, by - 6 * scale, bx + barPx, by + 1, bar);
        canvas.DrawText(nice >= 1000 ? $"{nice / 1000:0.#} km" : $"{nice:0} m", bx + barPx + 8 * scale, by, smallFont, ink);

        canvas.DrawText(r.Attribution, margin, r.Height - 14 * scale, smallFont, ink);
    }

    /// <summary>
    /// Names on the map, so that a board can read it: the area itself in bold, the districts inside it
    /// (above district level), then its neighbours, largest first, each at a point inside its shape,
    /// on a white halo (drawn as a path, so that the PDF's text holds each name once), skipping any
    /// that would overlap one already placed or leave the frame.
    /// </summary>
    static void Labels(SKCanvas canvas, MapRequest r, SKRect frame, Func<Coordinate, SKPoint> P, float scale)
    {
        using var focusFont = new SKFont(Font(true), 24 * scale) { Subpixel = true, Hinting = SKFontHinting.None, LinearMetrics = true };
        using var innerFont = new SKFont(Font(false), 18 * scale) { Subpixel = true, Hinting = SKFontHinting.None, LinearMetrics = true };
        using var otherFont = new SKFont(Font(false), 17 * scale) { Subpixel = true, Hinting = SKFontHinting.None, LinearMetrics = true };
        using var ink = new SKPaint { Color = SKColor.Parse("#0b0c0c"), IsAntialias = true };
        using var grey = new SKPaint { Color = SKColor.Parse("#0b0c0c").WithAlpha(215), IsAntialias = true };
        using var halo = new SKPaint { Color = SKColors.White.WithAlpha(235), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 4.5f * scale, StrokeJoin = SKStrokeJoin.Round };
        var placed = new List<SKRect>();
        var inner = r.Inner ?? [];
        var order = r.Areas.Where(a => a.Focus).Select(a => (Area: a, Font: focusFont, Paint: ink))
            .Concat(inner.OrderByDescending(a => a.Geometry.Area).Select(a => (Area: a, Font: innerFont, Paint: ink)))
            .Concat(r.Areas.Where(a => !a.Focus).OrderByDescending(a => a.Geometry.Area).Select(a => (Area: a, Font: otherFont, Paint: grey)));
        var inside = SKRect.Inflate(frame, -4 * scale, -4 * scale);
        foreach (var (area, font, paint) in order)
        {
            var at = P(area.Geometry.InteriorPoint.Coordinate);
            float width = font.MeasureText(area.Name);
            var box = new SKRect(at.X - width / 2 - 2 * scale, at.Y - font.Size * 0.8f, at.X + width / 2 + 2 * scale, at.Y + font.Size * 0.35f);
            if (!inside.Contains(box) || placed.Any(b => b.IntersectsWith(box))) continue;
            placed.Add(box);
            using var outline = font.GetTextPath(area.Name, new SKPoint(at.X - width / 2, at.Y));
            canvas.DrawPath(outline, halo);
            canvas.DrawText(area.Name, at.X - width / 2, at.Y, font, paint);
        }
    }

    /// <summary>A repeating pattern: <paramref name="draw"/> paints one square tile, turned by <paramref name="degrees"/>.</summary>
    static SKShader Tile(float size, float degrees, Action<SKCanvas> draw)
    {
        using var recorder = new SKPictureRecorder();
        var bounds = new SKRect(0, 0, size, size);
        draw(recorder.BeginRecording(bounds));
        using var picture = recorder.EndRecording();
        return SKShader.CreatePicture(picture, SKShaderTileMode.Repeat, SKShaderTileMode.Repeat, SKMatrix.CreateRotationDegrees(degrees), bounds);
    }

    /// <summary>
    /// Lines of at most <paramref name="width"/>: broken at spaces and at line breaks, and a word wider
    /// than the width (a URL) broken where it must be, never inside a surrogate pair, never fewer
    /// than one character a line (so it always ends).
    /// </summary>
    public static IEnumerable<string> Wrap(string text, SKFont font, float width)
    {
        foreach (var paragraph in text.Split('\n'))
        {
            var line = "";
            foreach (var raw in paragraph.Split(' '))
            {
                var word = raw;
                while (word.Length > 1 && font.MeasureText(word) > width)
                {
                    if (line.Length > 0) { yield return line; line = ""; }
                    int k = word.Length - 1;
                    while (k > 1 && font.MeasureText(word[..k]) > width) k--;
                    if (char.IsHighSurrogate(word[k - 1]) && k > 1) k--;
                    yield return word[..k];
                    word = word[k..];
                }
                var next = line.Length == 0 ? word : line + " " + word;
                if (font.MeasureText(next) > width && line.Length > 0) { yield return line; line = word; }
                else line = next;
            }
            if (line.Length > 0) yield return line;
        }
    }

    static MapClass ClassOf(IReadOnlyList<MapClass> classes, double v) =>
        classes.FirstOrDefault(c => v >= c.From && v < c.To) ?? (v < classes[0].From ? classes[0] : classes[^1]);

    static SKPath ToPath(Geometry g, Func<Coordinate, SKPoint> p)
    {
        var path = new SKPath { FillType = SKPathFillType.EvenOdd };
        foreach (var poly in NetTopologySuite.Geometries.Utilities.PolygonExtracter.GetPolygons(g).Cast<Polygon>())
            foreach (var ring in new[] { poly.ExteriorRing }.Concat(poly.InteriorRings))
            {
                var cs = ring.Coordinates;
                if (cs.Length < 3) continue;
                path.MoveTo(p(cs[0]));
                for (int i = 1; i < cs.Length; i++) path.LineTo(p(cs[i]));
                path.Close();
            }
        return path;
    }
}
