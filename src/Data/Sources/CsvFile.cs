using Cradle.Core;

namespace Cradle.Data.Sources;

/// <summary>
/// RFC 4180 CSV: quoted fields with embedded commas, quotes and line breaks; a byte-order mark;
/// gzip. Records report the line they start on. Some official sheets exported to CSV have title
/// lines above the header (<paramref name="headerLine"/> says where it starts) and empty rows
/// (every cell blank) after the table: both are skipped.
/// </summary>
public sealed class CsvFile : SourceFile
{
    readonly List<(int Line, string?[] Cells)> _rows = [];
    readonly string[] _columns;

    public CsvFile(string path, int headerLine = 1) : this(path, DecodeUtf8(path, ReadAllBytes(path)), headerLine) { }

    /// <summary>CSV already in memory (a register release's text); <paramref name="name"/> is what messages call it.</summary>
    public static CsvFile FromText(string name, string text) => new(name, text, 1);

    CsvFile(string path, string text, int headerLine) : base(path)
    {
        var rows = Parse(path, text);
        int header = rows.FindIndex(r => r.Line >= headerLine);
        if (header < 0 || rows[header].Line != headerLine)
            throw new DataFileException(path, $"line {headerLine}", rows.Count == 0 ? "the file is empty: no header row" : "no header row starts on this line");
        _columns = rows[header].Cells.Select(c => c ?? "").ToArray();
        for (int i = header + 1; i < rows.Count; i++)
        {
            var (line, cells) = rows[i];
            if (cells.All(string.IsNullOrEmpty)) continue; // a blank line, or a row of empty cells
            if (cells.Length != _columns.Length)
                throw new DataFileException(path, $"line {line}", $"{cells.Length} fields where the header has {_columns.Length}");
            _rows.Add((line, cells));
        }
    }

    public override IReadOnlyList<string> Columns => _columns;
    public override bool IsSpatial => false;
    public int RowCount => _rows.Count;

    public override IEnumerable<RawRecord> Records() =>
        _rows.Select(r => new RawRecord($"line {r.Line}", r.Cells, RawRecord.NoGeometry, r.Line));

    static List<(int Line, string?[] Cells)> Parse(string path, string text)
    {
        var rows = new List<(int Line, string?[] Cells)>();
        var cells = new List<string?>();
        var cell = new System.Text.StringBuilder();
        int line = 1, rowLine = 1, i = 0, n = text.Length;
        bool quoted = false, wasQuoted = false;
        while (i < n)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < n && text[i + 1] == '"') { cell.Append('"'); i += 2; continue; }
                    quoted = false; i++; continue;
                }
                if (c == '\n') line++;
                cell.Append(c); i++; continue;
            }
            switch (c)
            {
                case '"' when cell.Length == 0 && !wasQuoted:
                    quoted = wasQuoted = true; i++; break;
                case '"':
                    throw new DataFileException(path, $"line {line}", "a quote inside an unquoted field");
                case ',':
                    cells.Add(cell.ToString()); cell.Clear(); wasQuoted = false; i++; break;
                case '\r':
                    i++; break;
                case '\n':
                    cells.Add(cell.ToString()); cell.Clear(); wasQuoted = false;
                    rows.Add((rowLine, cells.ToArray())); cells.Clear();
                    line++; rowLine = line; i++; break;
                default:
                    if (wasQuoted) throw new DataFileException(path, $"line {line}", "text after a closing quote (a quote is missing or not doubled)");
                    cell.Append(c); i++; break;
            }
        }
        if (quoted) throw new DataFileException(path, $"line {rowLine}", "a quoted field is never closed (is the file cut short?)");
        if (cell.Length > 0 || cells.Count > 0 || wasQuoted)
        {
            cells.Add(cell.ToString());
            rows.Add((rowLine, cells.ToArray()));
        }
        return rows;
    }
}
