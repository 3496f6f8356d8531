using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Settlement;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Clearing;

/// <summary>
/// A day reconciled through the operator's endpoints against the engine's real state: orders paid and refunded through the
/// API, an order file uploaded with drift in it; the run answers with its counts, its discrepancies page and download.
/// </summary>
public abstract class ReconciliationApi(EngineApp app)
{
    private readonly long _merchantId = EngineApp.NewId();
    private readonly long _userId = EngineApp.NewId();

    [Fact]
    public async Task A_day_with_drift_in_the_order_file_reports_that_drift_about_its_orders()
    {
        var user = app.AsUser(_userId);
        var service = app.AsService();
        var now = app.Clock.GetUtcNow();
        var template = (await app.AsMerchant(_merchantId).CreateTemplateAsync(Api.ATemplate(now, perUserLimit: 3))).Id();
        var coupons = new List<string>();
        for (var i = 0; i < 3; i++) coupons.Add(await user.ClaimedCouponIdAsync(template));
        var (paid, refunded, unknown) = (Api.NewOrderId(), Api.NewOrderId(), Api.NewOrderId());
        Assert.Equal(HttpStatusCode.OK, (await service.LockAsync(paid, _userId, coupons[..2])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(paid, "consume")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.LockAsync(refunded, _userId, coupons[2..])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(refunded, "consume")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(refunded, "refund")).StatusCode);

        // What the settlement records say (the order system would say the same): the discounts the file must carry.
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var settled = new Dictionary<string, SettledOrderView>();
        await foreach (var o in app.Services.GetRequiredService<ISettledOrders>().PaidBetweenAsync(from, from.AddDays(1), default))
        {
            if (o.OrderId == paid || o.OrderId == refunded) settled[o.OrderId] = o;
        }
        Assert.Equal(("PAID", "REFUNDED"), (settled[paid].Status, settled[refunded].Status));
        Assert.Equal(coupons[..2].Select(long.Parse).Order(), settled[paid].Coupons.Select(c => c.UserCouponId).Order());

        // The order file: the paid order as it is, the refunded order marked paid, an order the engine never saw.
        var at = now.ToString("O", CultureInfo.InvariantCulture);
        var file = "order_id,paid_at,coupon_ids,discount,status\n"
            + $"{paid},{at},{coupons[0]};{coupons[1]},{settled[paid].Discount},PAID\n"
            + $"{refunded},{at},{coupons[2]},{settled[refunded].Discount},PAID\n"
            + $"{unknown},{at},,0,PAID\n";
        var operatorClient = app.AsOperator();
        var response = await operatorClient.PostAsync("/api/v1/operator/clearing/reconciliations", Form(day, file));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var run = await response.JsonAsync();
        Assert.Equal(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), run.Str("day"));
        Assert.Equal(3, run.GetProperty("orderLines").GetInt64());
        Assert.Equal(run.GetProperty("discrepancies").GetInt64(),
            run.GetProperty("counts").EnumerateObject().Sum(c => c.Value.GetInt64()));
        Assert.Equal(response.Headers.Location!.ToString(), $"/api/v1/operator/clearing/reconciliations/{run.Id()}");

        var found = new List<(string Kind, string Order, string? Coupon)>();
        string? cursor = null;
        do
        {
            var path = $"/api/v1/operator/clearing/reconciliations/{run.Id()}/discrepancies?limit=1000" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await operatorClient.GetAsync(path)).JsonAsync();
            found.AddRange(page.GetProperty("items").EnumerateArray().Select(d => (d.Str("kind"), d.Str("orderId"),
                d.GetProperty("couponId").ValueKind == JsonValueKind.Null ? null : d.Str("couponId"))));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.Str("nextCursor");
        }
        while (cursor is not null);
        Assert.Equal(run.GetProperty("discrepancies").GetInt64(), found.Count);

        // About these orders, apart from the clearing side (whether clearing has their facts yet depends on the settlement's
        // events reaching it): the refunded order marked paid, the order the engine never saw.
        var mine = found.Where(d => (d.Order == paid || d.Order == refunded || d.Order == unknown) && d.Kind != "MISSING_IN_CLEARING")
            .OrderBy(d => d.Kind).ToList();
        Assert.Equal([("MISSING_IN_ENGINE", unknown, (string?)null), ("STATUS_MISMATCH", refunded, null)], mine);

        var csv = await operatorClient.GetAsync(
            $"/api/v1/operator/clearing/reconciliations/{run.Id()}/discrepancies?format=csv&kind=STATUS_MISMATCH");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("seq,kind,order_id,coupon_id,sources,values", lines[0]);
        Assert.Contains(lines, l => l.Contains($",STATUS_MISMATCH,{refunded},", StringComparison.Ordinal));
        Assert.Equal(run.GetProperty("counts").GetProperty("STATUS_MISMATCH").GetInt64(), lines.Length - 1);

        var again = await (await operatorClient.GetAsync($"/api/v1/operator/clearing/reconciliations/{run.Id()}")).JsonAsync();
        Assert.Equal(run.GetProperty("counts").ToString(), again.GetProperty("counts").ToString());
    }

    [Fact]
    public async Task An_order_file_with_a_bad_row_is_refused_and_nothing_is_stored()
    {
        var day = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var file = "order_id,paid_at,coupon_ids,discount,status\nSO-1,2026-12-06T00:00:00Z,1,12.5,PAID\n";

        var response = await app.AsOperator().PostAsync("/api/v1/operator/clearing/reconciliations", Form(day, file));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("ORDER_FILE_INVALID", problem.Str("code"));
        Assert.StartsWith("Row 2: discount", problem.GetProperty("errors").GetProperty("file")[0].GetString());
    }

    [Fact]
    public async Task A_repeat_under_the_same_idempotency_key_answers_the_run_it_stored_and_stores_no_other()
    {
        var day = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var key = "recon-" + EngineApp.NewId();
        var paidAt = app.Clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        var file = $"order_id,paid_at,coupon_ids,discount,status\nSO-{key},{paidAt},,0,PAID\n";
        using var client = app.AsOperator();

        async Task<HttpResponseMessage> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/operator/clearing/reconciliations") { Content = Form(day, file) };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request);
        }

        var first = await PostAsync();
        var again = await PostAsync();

        Assert.True(first.StatusCode == HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var id = (await first.JsonAsync()).Str("id");
        Assert.Equal(id, (await again.JsonAsync()).Str("id"));
        var other = await client.PostAsync("/api/v1/operator/clearing/reconciliations", Form(day, file));
        Assert.NotEqual(id, (await other.JsonAsync()).Str("id"));
    }

    [Fact]
    public async Task A_reconciliation_that_does_not_exist_is_not_found()
    {
        var response = await app.AsOperator().GetAsync("/api/v1/operator/clearing/reconciliations/1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("RECONCILIATION_NOT_FOUND", (await response.JsonAsync()).Str("code"));
    }

    private static MultipartFormDataContent Form(DateOnly day, string file)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return new MultipartFormDataContent
        {
            { new StringContent(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), "day" },
            { content, "file", "orders.csv" },
        };
    }
}

public sealed class ReconciliationApiOnSqlite(SqliteApp app) : ReconciliationApi(app), IClassFixture<SqliteApp>;

public sealed class ReconciliationApiOnMariaDb(MariaDbApp app) : ReconciliationApi(app), IClassFixture<MariaDbApp>;
