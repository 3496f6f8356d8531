using System.Reflection;
using System.Text.Json;

namespace PromotionEngine.Client.Tests;

/// <summary>The client package is versioned with the API (docs/versioning.md): its version is the document's info.version.</summary>
public sealed class TheClientsVersion
{
    [Fact]
    public void Is_the_api_version_the_document_it_was_generated_from_states()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "openapi", "v1.json")));
        var documented = document.RootElement.GetProperty("info").GetProperty("version").GetString();
        var built = typeof(PromotionEngineClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        Assert.Equal(documented, built.Split('+')[0]); // the SDK appends +<commit>
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PromotionEngine.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No PromotionEngine.slnx above {AppContext.BaseDirectory}.");
    }
}
