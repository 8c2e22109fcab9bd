using System.Text;
using System.Text.RegularExpressions;
using Cradle.Core;

namespace Cradle.Data.Sources;

/// <summary>
/// Matches the manifest's headers to a file's columns, tolerant of how ONS and MHCLG word them:
/// case, spacing, a byte-order mark, and the "(where 1 is most deprived …)" notes, which vary
/// between releases and are cut short in IoD2025 File 1 ("… 10% of LSOA").
/// </summary>
public static partial class HeaderMatch
{
    [GeneratedRegex(@"\(where [^)]*(\)|$)", RegexOptions.IgnoreCase)]
    private static partial Regex WhereNote();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    public static string Normalise(string header)
    {
        var s = header.Trim('\uFEFF', ' ', '\t', '"');
        s = WhereNote().Replace(s, "");
        s = Spaces().Replace(s, " ").Trim();
        return s.ToLowerInvariant();
    }

    /// <summary>Index of each field's column, or an error naming the fields that have none.</summary>
    public static int[] Resolve(string file, IReadOnlyList<string> columns, IReadOnlyList<FieldSpec> fields)
    {
        var normalised = columns.Select(Normalise).ToArray();
        var result = new int[fields.Count];
        var missing = new List<string>();
        for (int i = 0; i < fields.Count; i++)
        {
            var wanted = fields[i].Headers.Select(Normalise).ToHashSet();
            result[i] = Array.FindIndex(normalised, c => wanted.Contains(c));
            if (result[i] < 0 && !fields[i].Optional) missing.Add($"'{fields[i].Headers[0]}' (for {fields[i].Name})");
        }
        if (missing.Count > 0)
        {
            var sb = new StringBuilder();
            sb.Append(missing.Count == 1 ? "missing column " : "missing columns ").Append(string.Join(", ", missing));
            sb.Append("; the file has: ").Append(string.Join(", ", columns.Select(c => $"'{c.Trim('\uFEFF')}'")));
            throw new DataFileException(file, "header", sb.ToString());
        }
        return result;
    }
}
