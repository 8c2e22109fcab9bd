namespace Cradle.Tests;

/// <summary>The command line: help for every command, and usage errors named, exit 2 (no database needed).</summary>
[Trait("Tier", "Fast")]
public sealed class CliTests
{
    [Fact]
    public async Task Help_lists_every_command_and_each_commands_options()
    {
        var root = await TestEnvironment.RunCliAsync("--help");
        Assert.Equal(0, root.ExitCode);
        foreach (var command in new[] { "load", "serve", "teams", "keys", "ingest", "openapi" }) Assert.Contains(command, root.Stdout);
        var load = await TestEnvironment.RunCliAsync("load", "--help");
        Assert.Equal(0, load.ExitCode);
        foreach (var option in new[] { "--data", "--manifest", "--only", "--if-changed", "--teams", "--db" }) Assert.Contains(option, load.Stdout);
        var import = await TestEnvironment.RunCliAsync("teams", "import", "--help");
        foreach (var option in new[] { "<FILE>", "--force", "--prefer", "--replace", "--db" }) Assert.Contains(option, import.Stdout);
        // The same option, described the same, wherever it is taken.
        var ingest = await TestEnvironment.RunCliAsync("ingest", "--help");
        Assert.Contains(load.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith("--data")), ingest.Stdout);
    }

    [Theory]
    [InlineData("cradle load: unknown option '--frobnicate'", "load", "--frobnicate")]
    [InlineData("cradle: unknown command or argument 'bogus'", "bogus")]
    [InlineData("cradle keys add: NAME", "keys", "add", "no spaces allowed", "--file", "/tmp/cradle-cli-test-keys")]
    [InlineData("cradle teams import: Argument 'both' not recognized", "teams", "import", "x.csv", "--prefer", "both")]
    public async Task A_usage_error_names_what_is_wrong_and_exits_2(string message, params string[] args)
    {
        var result = await TestEnvironment.RunCliAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr);
        Assert.Contains("--help", result.Stderr);
    }
}
