using System.Diagnostics;
using Cradle.Data;
using Cradle.Data.Store;
using Npgsql;

namespace Cradle.Tests;

/// <summary>Where the tests find the checkout, the real data, the built CLI and their database.</summary>
public static class TestEnvironment
{
    public static string Root { get; } = FindRoot();
    public static string Manifest => Path.Combine(Root, "data", "boundaries", "manifest.json");
    public static string Teams => Path.Combine(Root, "data", "teams", "teams.csv");
    public static string DataDir =>
        Environment.GetEnvironmentVariable("DATA_DIR") is { Length: > 0 } d ? d : Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "fixtures");
    public static string ApiDll => Path.Combine(Root, "src", "Api", "bin", "Release", "net10.0", "Cradle.Api.dll");

    /// <summary>Tests use their own database in the project cluster, so they never disturb `make up`.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("CRADLE_TEST_DB") is { Length: > 0 } cs ? cs
        : $"Host=127.0.0.1;Port={Environment.GetEnvironmentVariable("PGPORT") ?? "55432"};Username=cradle;Database=cradle_test;Timeout=10;Command Timeout=600";

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "data", "boundaries", "manifest.json"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the checkout root from " + AppContext.BaseDirectory);
    }

    public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs the real command line (`dotnet Cradle.Api.dll …`) against the test database.</summary>
    public static Process StartCli(IEnumerable<string> args, string? connectionString = null, Dictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(ApiDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CRADLE_DB"] = connectionString ?? ConnectionString;
        foreach (var (k, v) in environment ?? []) psi.Environment[k] = v;
        return Process.Start(psi)!;
    }

    public static async Task<CliResult> RunCliAsync(params string[] args)
    {
        using var p = StartCli(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return new CliResult(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// The day the full tier's model runs take: the system's, as the server process it compares with
    /// uses the system clock (the fast tier has its fake clock instead).
    /// </summary>
    public static DateOnly Today => TimeProvider.System.Today();

    /// <summary>The register as committed (data/teams/teams.csv).</summary>
    public static readonly IReadOnlyList<Cradle.Core.Register.Team> CommittedTeams =
        Cradle.Data.Register.RegisterFiles.ReadTeams(Teams).Select(x => x.Team).ToList();

    /// <summary>Runs a program (ogrinfo, a script) to its end: its exit code, and its output and errors together.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    public static NpgsqlDataSource OpenDatabase() => CradleDatabase.Open(ConnectionString);
}
