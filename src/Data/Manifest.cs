using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Cradle.Core;

namespace Cradle.Data;

/// <summary>The dataset manifest (data/boundaries/manifest.json): what to load, from where, and how to read it.</summary>
/// <param name="AreaChanges">Dated changes to areas the loaded lookups do not show (re-coded districts, decided and possible
/// reorganisations), relative to the manifest's folder: data/areas/area-changes.csv.</param>
public sealed record Manifest(
    int Version,
    string? Errata,
    IReadOnlyList<DatasetSpec> Datasets,
    string? AreaChanges = null)
{
    /// <summary>The repository files, besides the datasets, that feed every figure: a change to one reloads.</summary>
    [JsonIgnore] public IEnumerable<string> ModelInputs => new[] { Errata, AreaChanges }.OfType<string>().Select(f => System.IO.Path.Combine(Directory, f));

    [JsonIgnore] public string Path { get; init; } = "";
    [JsonIgnore] public string Directory => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public DatasetSpec this[string id] =>
        Datasets.FirstOrDefault(d => d.Id == id) ?? throw new KeyNotFoundException($"no dataset '{id}' in the manifest {Path}");

    public static Manifest Load(string path)
    {
        Manifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), Json)
                ?? throw new DataFileException(path, null, "the manifest is empty");
        }
        catch (JsonException e)
        {
            throw new DataFileException(path, e.LineNumber is { } l ? $"line {l + 1}" : null, e.Message);
        }
        manifest = manifest with { Path = path };
        manifest.Validate();
        return manifest;
    }

    static readonly Regex Identifier = new("^[a-z][a-z0-9_]{0,62}$", RegexOptions.Compiled);

    void Validate()
    {
        var ids = new HashSet<string>();
        var tables = new HashSet<string>();
        foreach (var d in Datasets)
        {
            string where = $"dataset '{d.Id}'";
            if (!Identifier.IsMatch(d.Id)) throw new DataFileException(Path, where, "an id must be lower case letters, digits and _");
            if (!ids.Add(d.Id)) throw new DataFileException(Path, where, "the id is used twice");
            if (!Identifier.IsMatch(d.Table) || !tables.Add(d.Table)) throw new DataFileException(Path, where, $"table '{d.Table}' is not a unique lower-case identifier");
            if (d.Files.Count == 0) throw new DataFileException(Path, where, "no files are named");
            if (d.Fields.Count == 0) throw new DataFileException(Path, where, "no fields are named");
            if (d.HeaderLine < 1) throw new DataFileException(Path, where, "header_line counts from 1");
            if (!d.Fields.Any(f => f.Key)) throw new DataFileException(Path, where, "no field is marked as key");
            var names = new HashSet<string>();
            foreach (var f in d.Fields)
            {
                if (!Identifier.IsMatch(f.Name) || f.Name is "geom" or "src_row" || !names.Add(f.Name))
                    throw new DataFileException(Path, $"{where}, field '{f.Name}'", "a field name must be a unique lower-case identifier, not geom or src_row");
                if (f.Headers.Count == 0) throw new DataFileException(Path, $"{where}, field '{f.Name}'", "no headers are given");
                if (f.Pattern is not null) _ = new Regex(f.Pattern);
            }
        }
        foreach (var d in Datasets)
            foreach (var f in d.Fields.Where(f => f.References is not null))
            {
                var (rd, rf) = f.ReferenceTarget;
                if (!ids.Contains(rd) || !this[rd].Fields.Any(x => x.Name == rf))
                    throw new DataFileException(Path, $"dataset '{d.Id}', field '{f.Name}'", $"references '{f.References}', which is not a dataset field");
            }
    }
}

public enum DatasetKind { Boundaries, Table }

/// <summary>Percent: a number that may carry a trailing '%' (as DWP's sheets print them).</summary>
public enum FieldType { Code, Text, Int, Number, Percent }

/// <summary>One dataset: its files (the first that exists is loaded), its fields and where it comes from.</summary>
public sealed record DatasetSpec(
    string Id,
    string Title,
    DatasetKind Kind,
    string Table,
    string Vintage,
    IReadOnlyList<string> Files,
    IReadOnlyList<FieldSpec> Fields,
    Expectation? Expect,
    SourceInfo Source,
    string? Layer = null,
    double MaxRepairAreaChange = 0.01,
    int HeaderLine = 1,
    string? Notes = null)
{
    public IEnumerable<FieldSpec> KeyFields => Fields.Where(f => f.Key);

    /// <summary>The first of the alternative files that exists in the data directory.</summary>
    public string? ResolveFile(string dataDir) =>
        Files.Select(f => System.IO.Path.Combine(dataDir, f)).FirstOrDefault(File.Exists);
}

/// <summary>
/// A column: its name in the store, the header(s) it may have in the file (matched after
/// <see cref="HeaderMatch.Normalise"/>), its type and its checks.
/// </summary>
public sealed record FieldSpec(
    string Name,
    IReadOnlyList<string> Headers,
    FieldType Type = FieldType.Text,
    bool Key = false,
    bool Optional = false,
    string? Pattern = null,
    double? Min = null,
    double? Max = null,
    string? References = null)
{
    public (string Dataset, string Field) ReferenceTarget
    {
        get
        {
            var parts = (References ?? "").Split('.', 2);
            return parts.Length == 2 ? (parts[0], parts[1]) : ("", "");
        }
    }
}

/// <summary>Row counts the official release documents; a load that disagrees fails.</summary>
public sealed record Expectation(int? Rows = null, int? England = null);

public sealed record SourceInfo(string Publisher, string Url, string Licence, string Attribution, string? Via = null);
