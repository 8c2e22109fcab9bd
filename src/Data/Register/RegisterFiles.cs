using Cradle.Core.Register;
using Cradle.Data.Sources;

namespace Cradle.Data.Register;

/// <summary>
/// Reads the register's two files (data/teams/teams.csv and area-evidence.csv). The columns and
/// the rules of a row are the core's (<see cref="TeamCsv"/>, <see cref="AreaEvidenceCsv"/>); this
/// opens the file and matches its header as every other source file's is matched.
/// </summary>
public static class RegisterFiles
{
    /// <summary>Every team in the file, with the line it is on; a malformed value names its line, the team and the column.</summary>
    public static List<(string Where, Team Team)> ReadTeams(string path) => Teams(new CsvFile(path));

    /// <summary>The teams of a register CSV held in memory (a release's), read as the file would be.</summary>
    public static List<Team> TeamsOfText(string name, string text) => [.. Teams(CsvFile.FromText(name, text)).Select(x => x.Team)];

    static List<(string Where, Team Team)> Teams(CsvFile csv)
    {
        using var _ = csv;
        var index = CsvCells.Index(csv.Path, Header(csv), TeamCsv.Columns, TeamCsv.Required);
        return csv.Records().Select(record => { var r = Cells(csv.Path, record, index); return (r.Where, TeamCsv.Parse(r)); }).ToList();
    }

    /// <summary>Reads and checks every row of the evidence file; the first problem names its line, area and column.</summary>
    public static List<AreaEvidence> ReadEvidence(string path, Func<string, bool> knownArea, DateOnly today)
    {
        using var csv = new CsvFile(path);
        var index = CsvCells.Index(path, Header(csv), AreaEvidenceCsv.Columns, AreaEvidenceCsv.Required);
        return AreaEvidenceCsv.ParseAll(csv.Records().Select(record => Cells(path, record, index)), knownArea, today);
    }

    static string[] Header(CsvFile csv) => [.. csv.Columns.Select(HeaderMatch.Normalise)];

    static CsvCells Cells(string path, RawRecord record, Dictionary<string, int> index) => new(path, record.Where, record.Cells, index);
}
