using System.Globalization;
using System.Text;

namespace Cradle.Core;

/// <summary>RFC 4180 output: fields quoted only when they must be; numbers in invariant culture.</summary>
public static class CsvWriter
{
    public static string Field(object? value) => Quote(Text(value));

    /// <summary>A value's text as a cell holds it, before quoting: one form per value, so that cells compare.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    public static void Row(StringBuilder sb, IEnumerable<object?> values)
    {
        bool first = true;
        foreach (var v in values)
        {
            if (!first) sb.Append(',');
            sb.Append(Field(v));
            first = false;
        }
        sb.Append("\r\n");
    }
}
