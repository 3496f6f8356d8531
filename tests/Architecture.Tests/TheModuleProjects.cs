using System.Xml.Linq;

namespace PromotionEngine.Architecture.Tests;

/// <summary>R1 in the build: a module's project can only reach Kernel and Contracts, so a shortcut does not compile.</summary>
public class TheModuleProjects
{
    private static readonly string[] Shared = ["Contracts", "Kernel"];

    internal static XDocument Project(string name) => XDocument.Load(Path.Combine(Source.Root, "src", name, name + ".csproj"));

    /// <summary>The projects a project references, by name (..\Kernel\Kernel.csproj is "Kernel").</summary>
    internal static string[] ReferencedProjects(XDocument project) =>
        project.Descendants().Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(((string?)e.Attribute("Include") ?? "").Replace('\\', '/')))
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static string[] Included(XDocument project, string item) =>
        project.Descendants().Where(e => e.Name.LocalName == item).Select(e => (string?)e.Attribute("Include") ?? "").ToArray();

    /// <summary>Every folder of src/ with a project of its name.</summary>
    private static string[] ProjectNames()
    {
        var root = Source.Root;
        return Directory.GetDirectories(Path.Combine(root, "src"))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => File.Exists(Path.Combine(root, "src", name, name + ".csproj")))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Every project of src/ is a module, except the shared projects, Platform and the Host.</summary>
    internal static string[] ModuleNames() => ProjectNames().Except([.. Shared, "Platform", "Host"]).ToArray();

    public static TheoryData<string> Modules() => [.. ModuleNames()];

    [Fact]
    public void Every_module_is_found()
        => Assert.Subset(ModuleNames().ToHashSet(), new HashSet<string> { "Engine", "MerchantAdmin", "Distribution" });

    [Theory]
    [MemberData(nameof(Modules))]
    public void A_module_references_only_kernel_and_contracts(string module) => Assert.Equal(Shared, ReferencedProjects(Project(module)));

    [Fact]
    public void Platform_references_only_kernel_and_contracts() => Assert.Equal(Shared, ReferencedProjects(Project("Platform")));

    /// <summary>The Host composes everything: every other project of src/, so a new module or Platform is never left out.</summary>
    [Fact]
    public void The_host_references_every_other_project() =>
        Assert.Equal(ProjectNames().Except(["Host"]), ReferencedProjects(Project("Host")));

    [Fact]
    public void The_kernel_references_nothing_beyond_the_bcl()
    {
        var kernel = Project("Kernel");

        Assert.Empty(ReferencedProjects(kernel));
        Assert.Empty(Included(kernel, "PackageReference"));
        Assert.Empty(Included(kernel, "FrameworkReference"));
    }

    [Fact]
    public void Contracts_reference_only_the_kernel()
    {
        var contracts = Project("Contracts");

        Assert.Equal(["Kernel"], ReferencedProjects(contracts));
        Assert.Empty(Included(contracts, "PackageReference"));
        Assert.Empty(Included(contracts, "FrameworkReference"));
    }

    [Fact]
    public void The_check_fails_on_a_project_that_references_another_module()
    {
        var shortcut = XDocument.Parse("""
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <ProjectReference Include="..\Kernel\Kernel.csproj" />
                <ProjectReference Include="..\Contracts\Contracts.csproj" />
                <ProjectReference Include="..\MerchantAdmin\MerchantAdmin.csproj" />
              </ItemGroup>
            </Project>
            """);

        Assert.NotEqual(Shared, ReferencedProjects(shortcut));
    }

    [Fact]
    public void The_host_check_fails_on_a_host_that_leaves_a_project_out()
    {
        var partial = XDocument.Parse("""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <ItemGroup>
                <ProjectReference Include="..\Kernel\Kernel.csproj" />
                <ProjectReference Include="..\Contracts\Contracts.csproj" />
                <ProjectReference Include="..\Engine\Engine.csproj" />
              </ItemGroup>
            </Project>
            """);

        Assert.NotEqual(ProjectNames().Except(["Host"]), ReferencedProjects(partial));
    }
}
