namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>The repository the tests run from: the folder above the test binaries that holds PromotionEngine.slnx.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootFolder = new(() =>
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "PromotionEngine.slnx"))) folder = folder.Parent;
        return folder?.FullName
            ?? throw new InvalidOperationException("Cannot find the repository root (PromotionEngine.slnx) above " + AppContext.BaseDirectory);
    });

    public static string Root => RootFolder.Value;

    /// <summary>A path under the repository root, e.g. <c>Repository.PathOf("docs", "openapi", "v1.json")</c>.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);
}
