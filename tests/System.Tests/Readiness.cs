using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Platform.Persistence;
using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Messaging;

namespace PromotionEngine.System.Tests;

/// <summary>
/// Readiness means the instance can serve: /health/ready (and /health) lists every dependency by name with its
/// status and answers 503 while one fails, naming it, and 200 again once it is back. /health/live only says the
/// process answers. Servers of the tests' own are stopped, never the shared ones.
/// </summary>
public sealed class Readiness
{
    [Fact]
    public async Task Ready_names_the_database_the_worker_lease_and_redis_while_they_fail_and_recovers_when_they_return()
    {
        await using var mariadb = await PrivateMariaDb.StartAsync();
        await using var redis = await PrivateRedis.StartAsync();
        var app = new RedisApp(redis.Configuration, mariadb.ConnectionString);
        try
        {
            await app.InitializeAsync();
            using var client = app.CreateClient();

            var ready = await UntilAsync(app, client, HttpStatusCode.OK, _ => true);
            Assert.Equal(["database", "migrations", "redis", "worker-lease"], ready.Keys.Order());
            Assert.All(ready.Values, status => Assert.Equal("Healthy", status));

            await mariadb.StopAsync();
            var down = await UntilAsync(app, client, HttpStatusCode.ServiceUnavailable, checks => checks["database"] == "Unhealthy");
            Assert.Equal("Healthy", down["redis"]);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
            // Renewals cannot reach the database: once the lease has run out, the worker number is no longer this instance's.
            app.Clock.Advance(WorkerLease.Length + TimeSpan.FromSeconds(1));
            await UntilAsync(app, client, HttpStatusCode.ServiceUnavailable, checks => checks["worker-lease"] == "Unhealthy");

            await mariadb.StartAgainAsync();
            await UntilAsync(app, client, HttpStatusCode.OK, checks => checks.Values.All(s => s == "Healthy"), advanceClock: true);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

            await redis.StopAsync();
            down = await UntilAsync(app, client, HttpStatusCode.ServiceUnavailable, checks => checks["redis"] == "Unhealthy");
            Assert.Equal("Healthy", down["database"]);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);

            await redis.StartAgainAsync();
            await UntilAsync(app, client, HttpStatusCode.OK, checks => checks.Values.All(s => s == "Healthy"));
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    [Fact]
    public async Task Ready_names_nats_while_the_transport_cannot_reach_it()
    {
        await using var nats = await PrivateNats.StartAsync();
        var app = NatsBackbone.NatsOn(new SqliteApp(), nats.Url);
        try
        {
            await app.InitializeAsync();
            using var client = app.CreateClient();
            var ready = await UntilAsync(app, client, HttpStatusCode.OK, checks => checks.Values.All(s => s == "Healthy"));
            Assert.Equal(["database", "migrations", "nats", "worker-lease"], ready.Keys.Order());

            await nats.StopAsync();
            var down = await UntilAsync(app, client, HttpStatusCode.ServiceUnavailable, checks => checks["nats"] == "Unhealthy");
            Assert.Equal("Healthy", down["database"]);

            await nats.StartAgainAsync();
            await UntilAsync(app, client, HttpStatusCode.OK, checks => checks.Values.All(s => s == "Healthy"));
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    [Fact]
    public async Task A_database_missing_a_migration_of_this_build_is_not_ready()
    {
        var app = new SqliteApp();
        try
        {
            await app.InitializeAsync();
            using var client = app.CreateClient();
            await UntilAsync(app, client, HttpStatusCode.OK, checks => checks["migrations"] == "Healthy");

            await using (var scope = await app.Services.GetRequiredService<Kernel.Persistence.IDatabase>().BeginWriteAsync(CancellationToken.None))
            {
                await using var forget = scope.Connection.CreateCommand(); // as if this build shipped a migration not applied yet
                forget.Transaction = scope.Transaction;
                forget.CommandText = "DELETE FROM changelog_engine WHERE id = (SELECT MAX(id) FROM changelog_engine)";
                await forget.ExecuteNonQueryAsync();
                await scope.CommitAsync(CancellationToken.None);
            }

            var response = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var migrations = Checks(await response.Content.ReadAsStringAsync(), out var descriptions)["migrations"];
            Assert.Equal("Unhealthy", migrations);
            Assert.Contains("engine: V", descriptions["migrations"]);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    /// <summary>
    /// Polls /health/ready until it answers <paramref name="status"/> with checks that satisfy
    /// <paramref name="until"/>; returns each check's status by name.
    /// </summary>
    private static async Task<Dictionary<string, string>> UntilAsync(EngineApp app, HttpClient client, HttpStatusCode status,
        Func<Dictionary<string, string>, bool> until, bool advanceClock = false)
    {
        var (_, body) = await Eventually(async () =>
        {
            var response = await client.GetAsync("/health/ready");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }, ready => ready.StatusCode == status && until(Checks(ready.Body, out _)), Seconds(60), $"/health/ready to answer {(int)status} as expected",
            every: TimeSpan.FromMilliseconds(100),
            between: advanceClock ? () => app.Clock.Advance(TimeSpan.FromSeconds(1)) : null); // the lease renewal runs on the app's clock
        return Checks(body, out _);
    }

    private static Dictionary<string, string> Checks(string body, out Dictionary<string, string> descriptions)
    {
        var json = JsonDocument.Parse(body).RootElement;
        var checks = json.GetProperty("checks").EnumerateArray().ToList();
        descriptions = checks.ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("description").GetString() ?? "");
        return checks.ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString()!);
    }
}
