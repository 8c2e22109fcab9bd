using Cradle.Api.Maps;

namespace Cradle.Api.Reports;

/// <summary>
/// A report as content, independent of how it is drawn: the PDF and the HTML are two renderings
/// of the same document, so that they cannot say different things.
/// </summary>
public sealed record ReportDocument(string Title, string Subtitle, string Footer, IReadOnlyList<ReportSection> Sections);

public sealed record ReportSection(string? Heading, IReadOnlyList<ReportBlock> Blocks);

public abstract record ReportBlock;

public sealed record Paragraph(string Text, bool Small = false) : ReportBlock;

public sealed record Bullets(IReadOnlyList<string> Items, bool Emphasis = false) : ReportBlock;

/// <summary>A table; <paramref name="Widths"/> are relative column widths.</summary>
public sealed record Table(string Caption, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, IReadOnlyList<float> Widths) : ReportBlock;

public sealed record Bar(string Label, double? Value, bool Highlight);

/// <summary>A horizontal bar chart whose numbers are also given as text (each bar is labelled with its value).</summary>
public sealed record BarChart(string Caption, string Unit, IReadOnlyList<Bar> Bars, Func<double, string> Text) : ReportBlock;

public sealed record MapBlock(MapRequest Map, string Caption) : ReportBlock;
