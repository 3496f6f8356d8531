using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MySqlConnector;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>Instances sharing a database never share a worker number, so they never issue the same id.</summary>
public sealed class WorkerLeases
{
    [Fact]
    public async Task Two_instances_on_one_database_lease_different_numbers_and_a_taken_number_refuses_to_start()
    {
        var database = "promo_test_lease_" + Guid.NewGuid().ToString("N")[..8];
        var first = new MariaDbApp(database, workerId: null);
        var second = new MariaDbApp(database, workerId: null);
        try
        {
            await first.InitializeAsync();
            await second.InitializeAsync();
            await using var connection = new MySqlConnection(first.ConnectionString);
            var leases = (await connection.QueryAsync<(int Worker, string Holder)>("SELECT worker_id, holder FROM host_worker_leases")).ToList();
            Assert.Equal(2, leases.Count);
            Assert.Equal(2, leases.Select(l => l.Holder).Distinct().Count());

            // Both claim; every id made by either instance is distinct, and the worker bits differ.
            var merchant = first.AsMerchant(EngineApp.NewId());
            var template = (await merchant.CreateTemplateAsync(Api.ATemplate(first.Clock.GetUtcNow(), stock: 10))).Id();
            var a = long.Parse(await first.AsUser(EngineApp.NewId()).ClaimedCouponIdAsync(template));
            var b = long.Parse(await second.AsUser(EngineApp.NewId()).ClaimedCouponIdAsync(template));
            Assert.NotEqual((a >> 12) & 1023, (b >> 12) & 1023);

            var taken = leases.Min(l => l.Worker);
            var duplicate = new MariaDbApp(database, workerId: taken);
            var refused = await Assert.ThrowsAnyAsync<Exception>(duplicate.InitializeAsync);
            Assert.Contains("held by another running instance", refused.ToString());
            duplicate.Dispose();
        }
        finally
        {
            await ((IAsyncLifetime)second).DisposeAsync();
            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }

    [Fact]
    public async Task An_instance_whose_number_was_taken_stops_rather_than_issue_duplicate_ids()
    {
        var app = new MariaDbApp();
        await app.InitializeAsync();
        try
        {
            await using (var connection = new MySqlConnection(app.ConnectionString))
                await connection.ExecuteAsync("UPDATE host_worker_leases SET holder = 'another-instance'");
            var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

            await Eventually(
                () => Task.FromResult(stopping.IsCancellationRequested),
                Seconds(20),
                "the instance to stop once its worker number was taken",
                every: TimeSpan.FromMilliseconds(50),
                between: () => app.Clock.Advance(TimeSpan.FromSeconds(15))); // one renewal period on the app's clock
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }
}
