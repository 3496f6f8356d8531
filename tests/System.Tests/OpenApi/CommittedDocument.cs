using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Infrastructure.OpenApi;

namespace PromotionEngine.System.Tests.OpenApi;

/// <summary>
/// docs/openapi/v1.json is the document clients are generated from and the one every answer of the suite is checked
/// against: it must be what the app serves. `scripts/openapi.sh update` rewrites it (this test, with
/// PROMO_OPENAPI_UPDATE=1, on a developer's machine only).
/// </summary>
public sealed class CommittedDocument(SqliteApp app) : IClassFixture<SqliteApp>
{
    public const string UpdateVariable = "PROMO_OPENAPI_UPDATE";

    [Fact]
    public async Task The_served_document_is_the_committed_one()
    {
        var served = await ServedAsync(app);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true",
                $"{UpdateVariable}=1 rewrites docs/openapi/v1.json: a developer's step, never CI's.");
            await File.WriteAllTextAsync(DocumentFile.Path, served);
            return;
        }

        var committed = File.Exists(DocumentFile.Path) ? await File.ReadAllTextAsync(DocumentFile.Path) : "";
        Assert.True(served == committed,
            $"docs/openapi/v1.json is not the document the app serves ({DocumentFile.FirstDifference(committed, served)}). " +
            "Run `scripts/openapi.sh update` and commit the file (clients are generated from it).");
    }

    [Fact]
    public async Task The_document_is_the_same_bytes_from_another_start_on_another_store()
    {
        var other = new MariaDbApp();
        await other.InitializeAsync();
        try
        {
            Assert.Equal(await ServedAsync(app), await ServedAsync(other));
        }
        finally
        {
            await ((IAsyncLifetime)other).DisposeAsync();
        }
    }

    private static async Task<string> ServedAsync(EngineApp app)
    {
        using var client = app.CreateClient();
        return DocumentFile.From(await client.GetStringAsync("/openapi/v1.json"), client.BaseAddress!);
    }
}
