using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Cradle.Core.Coverage;
using Cradle.Data.Store;

namespace Cradle.Tests;

/// <summary>
/// The layout's promise, checked on the built assemblies: the core (catalog, model, register
/// rules, case for change) depends on nothing but .NET itself, does no input or output and reads
/// no clock; the data project knows no web framework. What breaks this fails here, by name.
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

    /// <summary>Every type the assembly's code names from outside itself, as namespace and name (a nested type under its outermost type's namespace).</summary>
    static List<(string Namespace, string Name, TypeReferenceHandle Handle)> TypesUsed(MetadataReader md)
    {
        string Namespace(TypeReference t) => t.ResolutionScope.Kind == HandleKind.TypeReference
            ? Namespace(md.GetTypeReference((TypeReferenceHandle)t.ResolutionScope)) : md.GetString(t.Namespace);
        return [.. md.TypeReferences.Select(h => (md.GetTypeReference(h), h)).Select(x => (Namespace(x.Item1), md.GetString(x.Item1.Name), x.h))];
    }

    [Fact]
    public void The_core_does_no_input_or_output_and_reads_no_clock()
    {
        using var pe = new PEReader(File.OpenRead(typeof(CoverageModel).Assembly.Location));
        var md = pe.GetMetadataReader();
        var types = TypesUsed(md);
        Assert.Contains(types, t => t.Namespace == "System.Collections.Generic"); // the reading works: the core surely uses lists
        string[] io = ["System.IO", "System.Net", "System.Data", "Microsoft.Data"];
        var forbidden = types.Where(t => io.Any(n => t.Namespace == n || t.Namespace.StartsWith(n + ".", StringComparison.Ordinal))
                || t.Namespace == "System" && t.Name is "Console" or "Environment" or "TimeProvider"
                || t.Namespace == "System.Diagnostics" && t.Name == "Process")
            .Select(t => $"{t.Namespace}.{t.Name}").Distinct().Order().ToList();
        // The wall clock: a "today" belongs to the caller, whose TimeProvider a test can fake.
        var byHandle = types.ToDictionary(t => t.Handle);
        var clocks = md.MemberReferences.Select(md.GetMemberReference)
            .Where(m => m.Parent.Kind == HandleKind.TypeReference && byHandle[(TypeReferenceHandle)m.Parent] is { Namespace: "System", Name: "DateTime" or "DateTimeOffset" })
            .Select(m => md.GetString(m.Name)).Where(n => n is "get_Now" or "get_UtcNow" or "get_Today").Distinct().ToList();
        Assert.True(forbidden.Count == 0, $"Cradle.Core must do no input or output, but uses {string.Join(", ", forbidden)}");
        Assert.True(clocks.Count == 0, $"Cradle.Core must take the day from its caller, but reads the clock ({string.Join(", ", clocks)})");
    }
}
