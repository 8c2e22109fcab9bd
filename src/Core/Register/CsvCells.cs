using System.Globalization;

namespace Cradle.Core.Register;

/// <summary>
/// The cells of one register record, read by column name; a bad value names the file, the line
/// (<paramref name="where"/>) and the column. Reading the file itself is the data project's job.
/// </summary>
public sealed class CsvCells(string path, string where, string?[] cells, IReadOnlyDictionary<string, int> index)
{
    public string Where => where;

    public string? Text(string c) => index.TryGetValue(c, out var i) && i >= 0 && cells[i] is { Length: > 0 } s && s.Trim() is { Length: > 0 } t ? t : null;

    public double? Number(string c)
    {
        var s = Text(c);
        if (s is null) return null;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
            : throw Bad(c, $"'{s}' is not a number");
    }

    public DateOnly? Date(string c)
    {
        var s = Text(c);
        if (s is null) return null;
        return DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
            : throw Bad(c, $"'{s}' is not a date (yyyy-mm-dd)");
    }

    public PartialDate? Partial(string c)
    {
        var s = Text(c);
        if (s is null) return null;
        return PartialDate.TryParse(s, out var d) ? d : throw Bad(c, $"'{s}' is not a date (yyyy, yyyy-mm or yyyy-mm-dd)");
    }

    public DataFileException Bad(string column, string message)
    {
        var id = Text("id") is { } i ? $" (team '{i}')" : Text("area_code") is { } a ? $" (area {a})" : "";
        return new DataFileException(path, $"{where}{id}, column '{column}'", message);
    }

    /// <summary>
    /// The column index of each wanted column (−1 when absent), given the file's header names as
    /// the data project's reader normalised them (<c>RegisterFiles</c>, by <c>HeaderMatch</c>); a
    /// missing required column or an unknown one is an error.
    /// </summary>
    public static Dictionary<string, int> Index(string path, IReadOnlyList<string> header, IEnumerable<string> columns, params string[] required)
    {
        var names = header.ToList();
        var index = columns.ToDictionary(c => c, c => names.IndexOf(c));
        var missing = required.Where(c => index[c] < 0).ToList();
        if (missing.Count > 0) throw new DataFileException(path, "header", $"missing column(s) {string.Join(", ", missing)}");
        var unknown = names.Where(n => n.Length > 0 && !index.ContainsKey(n)).ToList();
        if (unknown.Count > 0) throw new DataFileException(path, "header", $"unknown column(s) {string.Join(", ", unknown)}; the columns are {string.Join(", ", index.Keys)}");
        return index;
    }
}
