using System.Reflection;
using System.Runtime.CompilerServices;

namespace PromotionEngine.Architecture.Tests;

/// <summary>
/// In the Host and Platform every top-level type has a file of its name, and every file holds one top-level type: the file
/// list is the map of what is there. Nested types (a use case's outcomes, a row class) stay inside their type.
/// </summary>
public class OneTypePerFile
{
    public static TheoryData<string> Projects() => ["Host", "Platform"];

    [Theory]
    [MemberData(nameof(Projects))]
    public void Each_top_level_type_has_a_file_of_its_own(string project) =>
        Assert.Empty(Mismatches(Assemblies.Named(project), Path.Combine(Source.Root, "src", project), "PromotionEngine." + project));

    /// <summary>
    /// The names of the top-level types that have no file of their name, or share one name, and of the files named for no type:
    /// empty when each file holds exactly the type it is named for.
    /// </summary>
    internal static IReadOnlyList<string> Mismatches(Assembly assembly, string folder, string rootNamespace)
    {
        var types = assembly.GetTypes()
            .Where(t => !t.IsNested && t.Namespace?.StartsWith(rootNamespace, StringComparison.Ordinal) == true)
            .Where(t => t.GetCustomAttribute<CompilerGeneratedAttribute>() is null && !t.Name.StartsWith('<'))
            .Select(t => t.Name.Split('`')[0])
            .ToList();
        // Top-level statements: Program sits in the global namespace, in Program.cs.
        if (assembly.EntryPoint is { DeclaringType.Name: "Program" } && !types.Contains("Program")) types.Add("Program");
        var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Select(f => Path.GetFileNameWithoutExtension(f))
            .ToList();
        return [.. types.Distinct().Except(files).Select(t => "type without a file: " + t),
            .. types.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => "types sharing a name: " + g.Key),
            .. files.Except(types).Select(f => "file of no type: " + f + ".cs")];
    }
}

internal static class Source
{
    /// <summary>The repository's root: the folder above the test binaries that holds PromotionEngine.slnx.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PromotionEngine.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No PromotionEngine.slnx above {AppContext.BaseDirectory}.");
    }
}
