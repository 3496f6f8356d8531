using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Journal;
using PromotionEngine.Clearing.Ledger;
using PromotionEngine.Clearing.Store;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Clearing;

/// <summary>
/// Coupons claimed, locked, consumed and refunded through the API reach the clearing journal as facts and the analytic store as
/// facts and balanced ledger entries: the operators' status shows the store caught up, and the merchant's trial balance is zero.
/// </summary>
public abstract class ClearingPipeline(EngineApp app)
{
    private readonly long _merchantId = EngineApp.NewId();
    private readonly long _userId = EngineApp.NewId();

    [Fact]
    public async Task A_coupon_lifecycle_through_the_api_is_stored_as_facts_and_balanced_entries()
    {
        var merchant = app.AsMerchant(_merchantId);
        var user = app.AsUser(_userId);
        var service = app.AsService();
        var now = app.Clock.GetUtcNow();
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(now, perUserLimit: 3))).Id();
        var coupons = new List<string>();
        for (var i = 0; i < 3; i++) coupons.Add(await user.ClaimedCouponIdAsync(template));
        var order = Api.NewOrderId();
        Assert.Equal(HttpStatusCode.OK, (await service.LockAsync(order, _userId, coupons[..2])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(order, "consume")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(order, "refund")).StatusCode);

        var store = app.Services.GetRequiredService<IAnalyticStore>();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var query = new ActivityQuery(_merchantId, null, [new OffsetSegment(now.AddDays(-1), now.AddDays(1), 0)], 86_400, ByTemplate: false);
        var expected = new Dictionary<string, long>
        {
            [Movements.Claimed] = 3, [Movements.Locked] = 2, [Movements.Consumed] = 2, [Movements.Restored] = 2,
        };
        // Events of different coupons may arrive in any order: wait for the whole lifecycle, then check nothing else came.
        var stored = await Polling.Eventually(
            async () => (await store.ActivityAsync(query, default))
                .Where(r => r.Movement is not (Movements.DiscountSpent or Movements.DiscountAllocated))
                .ToDictionary(r => r.Movement, r => r.Facts),
            facts => expected.All(e => facts.GetValueOrDefault(e.Key) >= e.Value), Polling.Seconds(30),
            "the lifecycle's facts to reach the store");
        Assert.Equal(expected, stored);
        var trial = (await store.TrialBalanceAsync(today, today, default)).Where(r => r.MerchantId == _merchantId).ToList();
        Assert.NotEmpty(trial);
        Assert.All(trial, row => Assert.Equal(0, row.Sum));
        var balances = (await store.BalancesBeforeAsync(_merchantId, today.AddDays(1), default))
            .Where(b => b.Unit == LedgerUnits.Coupons).ToDictionary(b => b.Account, b => b.Amount);
        Assert.Equal(-3, balances[Accounts.CouponsIssued]);
        Assert.Equal(3, balances[Accounts.CouponsOutstanding]);
        Assert.Equal(0, balances[Accounts.CouponsLocked]);
        Assert.Equal(0, balances[Accounts.CouponsRedeemed]);

        var status = await Polling.Eventually(async () => await (await app.AsOperator().GetAsync("/api/v1/operator/clearing")).JsonAsync(),
            s => s.GetProperty("lagRows").GetInt64() == 0, Polling.Seconds(30), "the store to hold the whole journal");
        Assert.Equal("duckdb", status.Str("store"));
        Assert.Equal(status.GetProperty("journalHead").GetInt64(), status.GetProperty("watermark").GetInt64());
        Assert.Equal(JsonValueKind.String, status.GetProperty("ingester").ValueKind);
    }

    [Fact]
    public async Task A_rebuild_asked_for_by_an_operator_stores_the_journal_again_once()
    {
        var merchant = app.AsMerchant(_merchantId);
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), perUserLimit: 2))).Id();
        await app.AsUser(_userId).ClaimedCouponIdAsync(template);
        await Polling.Eventually(async () => await (await app.AsOperator().GetAsync("/api/v1/operator/clearing")).JsonAsync(),
            s => s.GetProperty("lagRows").GetInt64() == 0 && s.GetProperty("journalHead").GetInt64() > 0, Polling.Seconds(30),
            "the store to hold the whole journal");

        var asked = await app.AsOperator().PostAsync("/api/v1/operator/clearing/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        Assert.Equal("duckdb", (await asked.JsonAsync()).Str("store"));

        // Events of other tests may still be journaled meanwhile: the store is compared with the journal up to its watermark.
        var store = app.Services.GetRequiredService<IAnalyticStore>();
        var journal = app.Services.GetRequiredService<ClearingJournal>();
        var (totals, journaled) = await Polling.Eventually(async () =>
            {
                var status = await (await app.AsOperator().GetAsync("/api/v1/operator/clearing")).JsonAsync();
                var totals = await store.TotalsAsync(default);
                if (status.GetProperty("rebuildPending").GetBoolean()) return (Totals: totals, Journaled: new List<ClearingFact>());
                var rows = await journal.ReadAsync(0, int.MaxValue, default);
                return (Totals: totals, Journaled: rows.Where(f => f.Seq <= totals.Watermark).ToList());
            },
            t => t.Journaled.Count > 0 && t.Totals.Facts == t.Journaled.Count, Polling.Seconds(30), "the rebuild to store the journal again");
        Assert.Equal(journaled.Sum(f => Posting.For(f).Count), totals.Entries); // every fact and entry once
        Assert.Equal(journaled.Sum(f => (long)f.Coupons), totals.Coupons);
        Assert.Equal(journaled.Max(f => f.Seq), totals.Watermark);
    }
}

public sealed class ClearingPipelineOnSqlite(SqliteApp app) : ClearingPipeline(app), IClassFixture<SqliteApp>;

public sealed class ClearingPipelineOnMariaDb(MariaDbApp app) : ClearingPipeline(app), IClassFixture<MariaDbApp>;
