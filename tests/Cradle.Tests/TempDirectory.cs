namespace Cradle.Tests;

/// <summary>A directory under the system's temporary one, removed with everything in it when the test ends.</summary>
public sealed class TempDirectory(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // a client still holding a file open must not fail the test it served
        catch (UnauthorizedAccessException) { }
    }
}
