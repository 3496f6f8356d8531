using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PromotionEngine.Clearing.Store;
using PromotionEngine.Clearing.Store.ClickHouse;

namespace PromotionEngine.Clearing.Tests.Store.ClickHouse;

/// <summary>Clearing:Store picks the analytic store; Clearing:ClickHouse says where the server is.</summary>
public sealed class ChoosingTheClickHouseStore : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "clr-choose-" + Guid.NewGuid().ToString("N")[..8]);

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddClearing(_data);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Store_ClickHouse_makes_the_ClickHouse_adapter_the_analytic_store_with_its_settings()
    {
        using var services = Services(new()
        {
            ["Clearing:Store"] = "ClickHouse",
            ["Clearing:ClickHouse:Url"] = "http://clickhouse.internal:8123/",
            ["Clearing:ClickHouse:Database"] = "clearing_eu",
            ["Clearing:ClickHouse:User"] = "clearing",
        });

        Assert.Equal("clickhouse", services.GetRequiredService<IAnalyticStore>().Name);
        var options = services.GetRequiredService<IOptions<ClickHouseOptions>>().Value;
        Assert.Equal(("http://clickhouse.internal:8123/", "clearing_eu", "clearing"), (options.Url.ToString(), options.Database, options.User));
    }

    [Fact]
    public void Without_a_choice_the_store_is_DuckDB()
    {
        using var services = Services([]);

        Assert.Equal("duckdb", services.GetRequiredService<IAnalyticStore>().Name);
    }

    [Fact]
    public void A_database_name_that_is_not_a_plain_identifier_is_refused_at_start()
    {
        using var services = Services(new() { ["Clearing:Store"] = "ClickHouse", ["Clearing:ClickHouse:Database"] = "clearing; DROP" });

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ClickHouseOptions>>().Value);
        Assert.Contains("Database", e.Message);
    }

    [Fact]
    public void Idle_connections_are_dropped_before_the_server_closes_them()
    {
        // ClickHouse closes a kept-alive connection idle for keep_alive_timeout (3 s by default): a request sent on it as the
        // server closes it breaks (a POST is not retried), so the client must give up idle connections first.
        using var services = Services(new() { ["Clearing:Store"] = "ClickHouse" });

        var handler = services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("ClickHouseClient");
        while (handler is DelegatingHandler { InnerHandler: { } inner }) handler = inner;
        var sockets = Assert.IsType<SocketsHttpHandler>(handler);
        Assert.True(sockets.PooledConnectionIdleTimeout < TimeSpan.FromSeconds(3), $"idle timeout {sockets.PooledConnectionIdleTimeout}");
        Assert.Equal(services.GetRequiredService<IOptions<ClickHouseOptions>>().Value.IdleConnectionTimeout, sockets.PooledConnectionIdleTimeout);
    }

    [Fact]
    public void An_idle_timeout_not_below_the_servers_keep_alive_is_refused_at_start()
    {
        using var services = Services(new() { ["Clearing:Store"] = "ClickHouse", ["Clearing:ClickHouse:IdleConnectionTimeout"] = "00:00:05" });

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ClickHouseOptions>>().Value);
        Assert.Contains("IdleConnectionTimeout", e.Message);
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
