namespace Cradle.Core;

/// <summary>
/// A problem with an input file, told the way a data engineer needs it: which file, where in it
/// (row, feature, field) and what is wrong. The loader stops on the first one and keeps the
/// data already served.
/// </summary>
public sealed class DataFileException(string file, string? where, string problem) : Exception(Format(file, where, problem))
{
    public string File { get; } = file;
    public string? Where { get; } = where;
    public string Problem { get; } = problem;

    static string Format(string file, string? where, string problem) =>
        where is null ? $"{file}: {problem}" : $"{file}: {where}: {problem}";
}
