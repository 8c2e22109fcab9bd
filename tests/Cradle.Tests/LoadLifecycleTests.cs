using System.Diagnostics;
using System.Net;

namespace Cradle.Tests;

/// <summary>Partial loads, unchanged data, and loads killed half-way.</summary>
[Collection("database")]
public sealed class LoadLifecycleTests(DatabaseFixture db)
{
    [Fact]
    public async Task A_partial_load_replaces_one_dataset_and_bumps_the_data_version()
    {
        var (version, count) = await db.Served();
        var keptLoadedAt = await db.Scalar<DateTime>("select loaded_at from cradle.datasets where id = 'lsoa21'");

        var result = await TestEnvironment.RunCliAsync("load", "--data", TestEnvironment.DataDir, "--manifest", TestEnvironment.Manifest, "--only", "iod2025_imd");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var (after, afterCount) = await db.Served();
        Assert.True(after > version);
        Assert.Equal(count, afterCount);
        Assert.Equal(after, await db.Scalar<long>("select data_version from cradle.datasets where id = 'iod2025_imd'"));
        Assert.Equal(keptLoadedAt, await db.Scalar<DateTime>("select loaded_at from cradle.datasets where id = 'lsoa21'"));
        Assert.Equal(33_755, await db.Scalar<long>("select count(*) from cradle.src_iod2025_file1"));
    }

    [Fact]
    public async Task Loading_unchanged_data_with_if_changed_does_nothing()
    {
        var before = await db.Served();
        var result = await TestEnvironment.RunCliAsync("load", "--data", TestEnvironment.DataDir, "--manifest", TestEnvironment.Manifest, "--if-changed");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("data unchanged", result.Stdout);
        Assert.Equal(before, await db.Served());
    }

    [Fact]
    public async Task Unknown_dataset_or_option_is_a_usage_error()
    {
        var r = await TestEnvironment.RunCliAsync("load", "--only", "no_such_dataset");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no such dataset", r.Stderr);
        Assert.Contains("lsoa21", r.Stderr);
        r = await TestEnvironment.RunCliAsync("load", "--frobnicate");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown option '--frobnicate'", r.Stderr);
    }

    [Theory]
    [InlineData("lsoa21: read", 300)]     // reading and bulk-copying boundaries
    [InlineData("model: derive", 2000)]   // deriving the model: dissolves, carries, tiles
    public async Task A_load_killed_half_way_leaves_the_previous_version_served_and_the_next_load_succeeds(string stage, int extraMs)
    {
        var before = await db.Served();
        var abandonedBefore = await db.Scalar<long>("select count(*) from cradle_meta.loads where status = 'abandoned'");
        // Readers all through the load and the kill: every answer is the old version, whole.
        using var stop = new CancellationTokenSource();
        var answers = new List<(long Version, int Count)>();
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                answers.Add(await db.Served());
                await Task.Delay(50);
            }
        });
        using (var load = TestEnvironment.StartCli(["load", "--data", TestEnvironment.DataDir, "--manifest", TestEnvironment.Manifest]))
        {
            var reached = new TaskCompletionSource();
            load.OutputDataReceived += (_, e) => { if (e.Data?.Contains(stage) == true) reached.TrySetResult(); };
            load.BeginOutputReadLine();
            await reached.Task.WaitAsync(TimeSpan.FromMinutes(3));
            await Task.Delay(extraMs);
            Assert.False(load.HasExited, "the load finished before it could be killed");
            Process.Start("kill", ["-9", load.Id.ToString()])!.WaitForExit();
            await load.WaitForExitAsync();
        }

        stop.Cancel();
        await reader;
        Assert.True(answers.Count >= 5, $"only {answers.Count} reads during the load");
        Assert.All(answers, a => Assert.Equal(before, a));
        Assert.Equal(before, await db.Served());
        Assert.Equal(HttpStatusCode.OK, (await db.Http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(35_672, await db.Scalar<long>("select count(*) from cradle.area where level = 'lsoa'"));

        var next = await TestEnvironment.RunCliAsync("load", "--data", TestEnvironment.DataDir, "--manifest", TestEnvironment.Manifest);
        Assert.True(next.ExitCode == 0, next.Stderr);
        var after = await db.Served();
        Assert.True(after.Version > before.Version);
        Assert.Equal(before.Count, after.Count);
        // The killed attempt is on record as abandoned.
        Assert.Equal(abandonedBefore + 1, await db.Scalar<long>("select count(*) from cradle_meta.loads where status = 'abandoned'"));
        Assert.False(await db.Scalar<bool>("select exists (select 1 from pg_namespace where nspname in ('cradle_next', 'cradle_prev'))"));
    }
}
