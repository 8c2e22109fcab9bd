namespace Cradle.Tests;

/// <summary>
/// A data directory that mirrors the real one through symbolic links, so a test can swap one file
/// for a broken one without copying (or touching) the real data.
/// </summary>
public sealed class ScratchDataDir : IDisposable
{
    readonly TempDirectory _dir = new("cradle-data-");

    public string Path => _dir.Path;

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

    /// <summary>Replaces a (plain or gzipped) text file by the real one's lines, changed.</summary>
    public void Rewrite(string relative, Func<IEnumerable<string>, IEnumerable<string>> change)
    {
        var real = Real(relative);
        bool gz = relative.EndsWith(".gz");
        string text;
        using (var input = File.OpenRead(real))
        using (var reader = new StreamReader(gz ? new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress) : input))
            text = reader.ReadToEnd();
        var output = string.Join("\n", change(text.Split('\n')));
        using var file = File.Create(Replace(relative));
        using var writer = new StreamWriter(gz ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest) : file);
        writer.Write(output);
    }

    public void Dispose() => _dir.Dispose();
}
