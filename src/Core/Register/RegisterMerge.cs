namespace Cradle.Core.Register;

/// <summary>Which side an import takes where the file and the register changed the same field differently.</summary>
public enum MergeSide { File, Register }

/// <summary>One row the file and the register both changed, and the fields where they disagree.</summary>
public sealed record MergeConflict(string Entity, string Key, IReadOnlyList<string> Fields, string Detail);

/// <summary>What an import does to the register: rows to write (null: remove), and the conflicts.</summary>
public sealed record MergePlan(IReadOnlyDictionary<string, string?[]?> Apply, IReadOnlyList<MergeConflict> Conflicts, int KeptFromRegister);

/// <summary>
/// The three-way merge of an import: the file as it is now, the register as it is now, and the
/// file as last imported (the base). A change made only in the file is applied; one made only in
/// the register (an edit through the API, an accepted contribution) is kept; a field both changed
/// differently is a conflict, unless the operator names the side to take. Rows are compared cell
/// by cell in the CSV's own form, so that "277" and 277.0 are one value.
/// </summary>
public static class RegisterMerge
{
    public static MergePlan Plan(string entity, IReadOnlyList<string> columns,
        IReadOnlyDictionary<string, string?[]> @base, IReadOnlyDictionary<string, string?[]> file, IReadOnlyDictionary<string, string?[]> register,
        MergeSide? prefer = null)
    {
        var apply = new SortedDictionary<string, string?[]?>(StringComparer.Ordinal);
        var conflicts = new List<MergeConflict>();
        int kept = 0;
        foreach (var key in file.Keys.Union(register.Keys).Union(@base.Keys).Order(StringComparer.Ordinal))
        {
            var b = @base.GetValueOrDefault(key);
            var f = file.GetValueOrDefault(key);
            var d = register.GetValueOrDefault(key);
            if (Same(f, d)) continue;
            if (Same(b, f)) { kept++; continue; }                  // only the register changed it
            if (Same(b, d)) { apply[key] = f; continue; }          // only the file changed it
            if (b is not null && f is not null && d is not null)
            {
                var merged = new string?[columns.Count];
                var fields = new List<string>();
                var detail = new List<string>();
                for (int i = 0; i < columns.Count; i++)
                {
                    if (f[i] == d[i] || f[i] == b[i]) merged[i] = d[i];
                    else if (d[i] == b[i]) merged[i] = f[i];
                    else
                    {
                        fields.Add(columns[i]);
                        detail.Add($"{columns[i]}: file '{Clip(f[i])}', register '{Clip(d[i])}', last import '{Clip(b[i])}'");
                        merged[i] = prefer == MergeSide.Register ? d[i] : f[i];
                    }
                }
                if (fields.Count > 0 && prefer is null) conflicts.Add(new(entity, key, fields, string.Join("; ", detail)));
                else if (!Same(merged, d)) apply[key] = merged;
                if (fields.Count == 0 || prefer == MergeSide.Register) kept++;
                continue;
            }
            // Added on both sides differently, or removed on one side and changed on the other.
            var why = (b, f, d) switch
            {
                (null, _, _) => "added in the file and in the register with different values",
                (_, null, _) => "removed from the file but changed in the register",
                _ => "changed in the file but removed from the register",
            };
            if (prefer is null) conflicts.Add(new(entity, key, ["(whole row)"], why));
            else if (prefer == MergeSide.File) apply[key] = f;
            else kept++;
        }
        return new(apply, conflicts, kept);
    }

    static bool Same(string?[]? a, string?[]? b) =>
        a is null || b is null ? a is null && b is null : a.AsSpan().SequenceEqual(b);

    static string Clip(string? s) => s is null ? "" : s.Length <= 60 ? s : s[..60] + "…";
}

/// <summary>An import stopped: the file and the register changed the same fields differently. Nothing was changed.</summary>
public sealed class RegisterMergeException(string file, IReadOnlyList<MergeConflict> conflicts) : Exception(
    $"{file}: {conflicts.Count} row(s) changed both in the file and in the register since the last import: " +
    string.Join(" | ", conflicts.Select(c => $"{(c.Entity == "team" ? "team" : "area evidence")} '{c.Key}' ({c.Detail})")) +
    ". Nothing was changed. Bring the file up to date (cradle teams export), or choose a side: --prefer file or --prefer register.")
{
    public IReadOnlyList<MergeConflict> Conflicts { get; } = conflicts;
}
