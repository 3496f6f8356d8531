using PromotionEngine.Clearing.Store.ClickHouse;

namespace PromotionEngine.Clearing.Tests.Store.ClickHouse;

/// <summary>
/// A database of the test's own on the ClickHouse that scripts/services.sh starts (PROMO_TEST_CLICKHOUSE to point elsewhere),
/// dropped afterwards. A missing server fails the test with the command that starts it; it never skips.
/// </summary>
public sealed class ClickHouseTestDatabase : IAsyncLifetime
{
    public static Uri ServerUrl => new(Environment.GetEnvironmentVariable("PROMO_TEST_CLICKHOUSE") ?? "http://127.0.0.1:8123/");

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public string Database { get; } = "clr_test_" + Guid.NewGuid().ToString("N")[..12];

    internal ClickHouseClient Client { get; }

    internal ClickHouseSchema Schema { get; }

    internal ClickHouseAnalyticStore Store { get; }

    public ClickHouseTestDatabase()
    {
        Client = new ClickHouseClient(_http, new ClickHouseOptions { Url = ServerUrl, Database = Database });
        Schema = new ClickHouseSchema(Database);
        Store = new ClickHouseAnalyticStore(Client, Schema);
    }

    public async Task InitializeAsync()
    {
        try
        {
            await Client.ExecuteAsync("SELECT 1", CancellationToken.None);
        }
        catch (ClickHouseException e)
        {
            throw new InvalidOperationException(
                $"ClickHouse is not reachable at {ServerUrl}. Start it with `scripts/services.sh start clickhouse` " +
                "(the README's test command does this), or set PROMO_TEST_CLICKHOUSE.", e);
        }
        await Store.EnsureSchemaAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Client.ExecuteAsync($"DROP DATABASE IF EXISTS {Database}", CancellationToken.None);
        }
        catch (ClickHouseException)
        {
            // The server is gone; InitializeAsync already failed the test with the reason.
        }
        _http.Dispose();
    }

    /// <summary>How many rows a table holds, second copies included (no FINAL, no merge).</summary>
    internal async Task<long> RowsAsync(string table)
    {
        var rows = await Client.ListAsync<CountRow>($"SELECT count() AS count FROM {table}", CancellationToken.None);
        return rows[0].Count;
    }

    private sealed record CountRow(long Count);
}
