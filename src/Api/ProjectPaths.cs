namespace Cradle.Api;

/// <summary>Where the checkout's files are, found from the working directory or the binary.</summary>
public static class ProjectPaths
{
    public static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "data", "boundaries", "manifest.json")))
                    return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    public static string Teams => Path.Combine(Root, "data", "teams", "teams.csv");

    public static string Manifest => Path.Combine(Root, "data", "boundaries", "manifest.json");

    /// <summary>DATA_DIR, else ../shared/data beside the checkout.</summary>
    public static string DataDir =>
        Environment.GetEnvironmentVariable("DATA_DIR") is { Length: > 0 } d ? d : Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
}
