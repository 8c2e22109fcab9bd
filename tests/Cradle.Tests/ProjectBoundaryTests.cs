using System.Reflection;
using Cradle.Core.Coverage;
using Cradle.Data.Store;

namespace Cradle.Tests;

/// <summary>
/// The layout's promise, checked on the built assemblies: the core (catalog, model, register
/// rules, case for change) depends on nothing but .NET itself, and the data project on no web
/// framework. A package reference or project reference that breaks this fails here, by name.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class ProjectBoundaryTests
{
    static string[] References(Assembly a) => [.. a.GetReferencedAssemblies().Select(r => r.Name!).Order()];

    [Fact]
    public void The_core_references_only_the_framework()
    {
        var core = typeof(CoverageModel).Assembly;
        Assert.Equal("Cradle.Core", core.GetName().Name);
        var outside = References(core).Where(n => !(n.StartsWith("System.", StringComparison.Ordinal) || n is "System" or "netstandard" or "mscorlib")).ToList();
        Assert.True(outside.Count == 0, $"Cradle.Core must hold no database, HTTP or file-format code, but references {string.Join(", ", outside)}");
    }

    [Fact]
    public void The_data_project_builds_on_the_core_and_knows_no_web_framework()
    {
        var data = typeof(CradleDatabase).Assembly;
        Assert.Equal("Cradle.Data", data.GetName().Name);
        var refs = References(data);
        Assert.Contains("Cradle.Core", refs);
        Assert.Contains("Npgsql", refs);
        var web = refs.Where(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || n == "Cradle.Api").ToList();
        Assert.True(web.Count == 0, $"Cradle.Data must not depend on the web host, but references {string.Join(", ", web)}");
    }
}
