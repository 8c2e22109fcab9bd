namespace Cradle.Tests;

/// <summary>
/// A data directory that mirrors the real one through symbolic links, so a test can swap one file
/// for a broken one without copying (or touching) the real data.
/// </summary>
public sealed class ScratchDataDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("cradle-data-").FullName;

    public ScratchDataDir()
    {
        foreach (var file in Directory.EnumerateFiles(TestEnvironment.DataDir, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(Path, System.IO.Path.GetRelativePath(TestEnvironment.DataDir, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.CreateSymbolicLink(target, file);
        }
    }

    public string Real(string relative) => System.IO.Path.Combine(TestEnvironment.DataDir, relative);

    /// <summary>Removes the link and returns the path to write the replacement to.</summary>
    public string Replace(string relative)
    {
        var path = System.IO.Path.Combine(Path, relative);
        File.Delete(path);
        return path;
    }

    public void Remove(string relative) => File.Delete(System.IO.Path.Combine(Path, relative));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
