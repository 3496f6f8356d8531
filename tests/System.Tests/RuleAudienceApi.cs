using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Events.Settlement.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// Rule audiences (docs/audiences.md, "Audiences from rules"), run on every store and so on both claim gates: the rule is
/// evaluated over the facts when the audience is created, and a claim is refused or admitted as the facts change afterwards
/// (coupons consumed, templates claimed, orders settled, the settled-orders window sliding past).
/// </summary>
public abstract class RuleAudienceApi(EngineApp app)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly long _merchantId = EngineApp.NewId();
    private HttpClient Merchant => app.AsMerchant(_merchantId);
    protected EngineApp App => app;

    protected async Task<JsonElement> RuleAudienceAsync(object rule)
    {
        var created = await Merchant.PostAsJsonAsync("/api/v1/merchant/audiences", new { name = "rule", rule });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return await created.JsonAsync();
    }

    protected async Task<string> TemplateAsync(string? audience = null, long? shopId = null)
    {
        var template = JsonSerializer.SerializeToElement(Api.ATemplate(app.Clock.GetUtcNow(), perUserLimit: 5, lasts: TimeSpan.FromDays(90)))
            .Deserialize<Dictionary<string, object?>>()!;
        if (audience is not null) template["audienceId"] = audience;
        if (shopId is not null) (template["scope"], template["shopId"]) = ("SHOP", shopId);
        return (await Merchant.CreateTemplateAsync(template)).Id();
    }

    /// <summary>The user claims a coupon of the template and spends it on an order (lock, then consume, as the order service does).</summary>
    protected async Task<string> SpendAsync(long user, string template) =>
        await SpendCouponAsync(user, await app.AsUser(user).ClaimedCouponIdAsync(template));

    /// <summary>The user spends this coupon of theirs on a new order; its id.</summary>
    protected async Task<string> SpendCouponAsync(long user, string coupon)
    {
        var order = Api.NewOrderId();
        Assert.Equal(HttpStatusCode.OK, (await app.AsService().LockAsync(order, user, [coupon])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.AsService().OrderAsync(order, "consume")).StatusCode);
        return order;
    }

    private Task ClaimsEventuallyAsync(long user, string template, HttpStatusCode status, string describe) =>
        Polling.Eventually(async () => (await app.AsUser(user).ClaimAsync(template)).StatusCode == status, Deadline, describe);

    private async Task<long> MembersAsync(string audience) =>
        (await (await Merchant.GetAsync($"/api/v1/merchant/audiences/{audience}")).JsonAsync()).GetProperty("members").GetInt64();

    [Fact]
    public async Task A_new_user_claims_until_a_consumed_coupon_of_the_merchant_makes_them_known()
    {
        long shopper = EngineApp.NewId(), newcomer = EngineApp.NewId();
        var audience = await RuleAudienceAsync(new { kind = "NEW_USER" });
        var forNewUsers = await TemplateAsync(audience.Id());
        var anyone = await TemplateAsync();

        Assert.Equal(HttpStatusCode.Created, (await app.AsUser(shopper).ClaimAsync(forNewUsers)).StatusCode);
        await SpendAsync(shopper, anyone);

        await ClaimsEventuallyAsync(shopper, forNewUsers, HttpStatusCode.Conflict, "the shopper to be known to the merchant");
        await (await app.AsUser(shopper).ClaimAsync(forNewUsers)).AssertProblemAsync(HttpStatusCode.Conflict, "NOT_IN_AUDIENCE");
        Assert.Equal(HttpStatusCode.Created, (await app.AsUser(newcomer).ClaimAsync(forNewUsers)).StatusCode);
        var read = await (await Merchant.GetAsync($"/api/v1/merchant/audiences/{audience.Id()}")).JsonAsync();
        Assert.Equal(1, read.GetProperty("members").GetInt64()); // the one user it leaves out
        Assert.True(read.GetProperty("rule").GetProperty("excludes").GetBoolean());
        Assert.Equal("NEW_USER", read.GetProperty("rule").Str("kind"));
    }

    [Fact]
    public async Task A_refunded_order_no_longer_counts_so_a_user_whose_only_order_it_was_is_new_again()
    {
        var user = EngineApp.NewId();
        var newUsers = await RuleAudienceAsync(new { kind = "NEW_USER" });
        var settled = (await RuleAudienceAsync(new { kind = "SETTLED_ORDERS", days = 30, minOrders = 1 })).Id();
        var forNewUsers = await TemplateAsync(newUsers.Id());
        var order = await SpendAsync(user, await TemplateAsync());
        await Polling.Eventually(async () => await MembersAsync(newUsers.Id()) == 1 && await MembersAsync(settled) == 1, Deadline,
            "the consumed coupon and the settled order to make the user known");

        Assert.Equal(HttpStatusCode.OK, (await app.AsService().OrderAsync(order, "refund")).StatusCode);

        await Polling.Eventually(async () => await MembersAsync(newUsers.Id()) == 0 && await MembersAsync(settled) == 0, Deadline,
            "the whole refund to withdraw the order's facts");
        Assert.Equal(HttpStatusCode.Created, (await app.AsUser(user).ClaimAsync(forNewUsers)).StatusCode);
    }

    [Fact]
    public async Task The_exposure_offers_a_template_for_new_users_to_new_users_only()
    {
        long known = EngineApp.NewId(), newcomer = EngineApp.NewId(), shop = EngineApp.NewId();
        await SpendAsync(known, await TemplateAsync());
        var audience = (await RuleAudienceAsync(new { kind = "NEW_USER" })).Id();
        await Polling.Eventually(async () => await MembersAsync(audience) == 1, Deadline, "the consumed coupon to make the user known");
        var template = await TemplateAsync(audience, shop);
        async Task<bool> OfferedToAsync(long user) =>
            (await (await app.AsUser(user).GetAsync($"/api/v1/search/exposure?shopId={shop}&limit=100")).JsonAsync())
                .GetProperty("items").EnumerateArray().Any(i => i.Id() == template);

        await Polling.Eventually(() => OfferedToAsync(newcomer), Deadline, "the template to be indexed and offered to a new user");

        Assert.False(await OfferedToAsync(known));
    }

    [Fact]
    public async Task Claiming_a_template_moves_a_user_from_has_not_claimed_it_to_has_claimed_it()
    {
        var user = EngineApp.NewId();
        var x = await TemplateAsync();
        var notClaimed = await TemplateAsync((await RuleAudienceAsync(new { kind = "NOT_CLAIMED_TEMPLATE", templateId = x })).Id());
        var claimed = await TemplateAsync((await RuleAudienceAsync(new { kind = "CLAIMED_TEMPLATE", templateId = x })).Id());

        Assert.Equal(HttpStatusCode.Created, (await app.AsUser(user).ClaimAsync(notClaimed)).StatusCode);
        await (await app.AsUser(user).ClaimAsync(claimed)).AssertProblemAsync(HttpStatusCode.Conflict, "NOT_IN_AUDIENCE");
        Assert.Equal(HttpStatusCode.Created, (await app.AsUser(user).ClaimAsync(x)).StatusCode);

        await ClaimsEventuallyAsync(user, claimed, HttpStatusCode.Created, "the claim of X to admit the user to has-claimed-X");
        await ClaimsEventuallyAsync(user, notClaimed, HttpStatusCode.Conflict, "the claim of X to leave the user out of has-not-claimed-X");
    }

    [Fact]
    public async Task A_rule_created_after_the_facts_holds_whom_they_name_at_once()
    {
        long claimer = EngineApp.NewId(), other = EngineApp.NewId();
        var x = await TemplateAsync();
        await app.AsUser(claimer).ClaimedCouponIdAsync(x);

        var audience = await RuleAudienceAsync(new { kind = "CLAIMED_TEMPLATE", templateId = x });

        Assert.Equal(1, audience.GetProperty("members").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, audience.GetProperty("rule").GetProperty("evaluatedAt").ValueKind);
        var template = await TemplateAsync(audience.Id());
        Assert.Equal(HttpStatusCode.Created, (await app.AsUser(claimer).ClaimAsync(template)).StatusCode);
        await (await app.AsUser(other).ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "NOT_IN_AUDIENCE");
    }

    [Fact]
    public async Task Settled_orders_admit_a_user_and_the_sliding_window_lets_them_go_again()
    {
        var user = EngineApp.NewId();
        var audience = (await RuleAudienceAsync(new { kind = "SETTLED_ORDERS", days = 30, minOrders = 2 })).Id();
        var forRegulars = await TemplateAsync(audience);
        var anyone = await TemplateAsync();

        await SpendAsync(user, anyone);
        await (await app.AsUser(user).ClaimAsync(forRegulars)).AssertProblemAsync(HttpStatusCode.Conflict, "NOT_IN_AUDIENCE");
        await SpendAsync(user, anyone);
        await ClaimsEventuallyAsync(user, forRegulars, HttpStatusCode.Created, "the second settled order to admit the user");

        app.Clock.Advance(TimeSpan.FromDays(31)); // the orders leave the window; the sweep's timer falls due

        await Polling.Eventually(async () => await MembersAsync(audience) == 0, Deadline, "the sweep to let the user go");
        await (await app.AsUser(user).ClaimAsync(forRegulars)).AssertProblemAsync(HttpStatusCode.Conflict, "NOT_IN_AUDIENCE");
    }

    [Fact]
    public async Task An_order_settled_twice_or_redelivered_counts_once()
    {
        var user = EngineApp.NewId();
        var two = (await RuleAudienceAsync(new { kind = "SETTLED_ORDERS", days = 30, minOrders = 2 })).Id();
        var three = (await RuleAudienceAsync(new { kind = "SETTLED_ORDERS", days = 30, minOrders = 3 })).Id();
        var claimed = await app.AsUser(user).ClaimedCouponIdAsync(await TemplateAsync());
        var coupon = long.Parse(claimed, global::System.Globalization.CultureInfo.InvariantCulture);
        var now = app.Clock.GetUtcNow();
        var (first, second) = (await SpendCouponAsync(user, claimed), Api.NewOrderId()); // only a consumed coupon's order counts
        var settled = OutgoingEvent.Now(new OrderSettled(first, user, [coupon], now), now, first);

        // Settlement's own order-settled of the first order, the same event delivered twice (one event id), the same fact published
        // again under another id, then another order: the test's under one partition key, so they are handled in this order and the
        // last one's effect means the others were handled.
        await PublishAsync(settled, settled, OutgoingEvent.Now(new OrderSettled(first, user, [coupon], now), now, first),
            OutgoingEvent.Now(new OrderSettled(second, user, [coupon], now), now, first));

        await Polling.Eventually(async () => await MembersAsync(two) == 1, Deadline, "the two orders to count");
        Assert.Equal(0, await MembersAsync(three));
    }

    private async Task PublishAsync(params OutgoingEvent[] events)
    {
        var db = app.Services.GetRequiredService<IDatabase>();
        var outbox = app.Services.GetRequiredService<IOutbox>();
        foreach (var e in events)
        {
            await using var scope = await db.BeginWriteAsync(CancellationToken.None);
            await outbox.AddAsync([e], scope, CancellationToken.None);
            await scope.CommitAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_rule_is_checked_field_by_field_and_its_members_are_not_pushed()
    {
        var otherMerchants = await app.AsMerchant(EngineApp.NewId()).CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()));

        async Task<JsonElement> RefusedAsync(object rule) =>
            (await (await Merchant.PostAsJsonAsync("/api/v1/merchant/audiences", new { name = "rule", rule }))
                .AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED")).GetProperty("errors");

        Assert.True((await RefusedAsync(new { kind = "BIG_SPENDER" })).TryGetProperty("rule.kind", out _));
        Assert.True((await RefusedAsync(new { kind = "CLAIMED_TEMPLATE" })).TryGetProperty("rule.templateId", out _));
        var notMine = await RefusedAsync(new { kind = "CLAIMED_TEMPLATE", templateId = otherMerchants.Id() });
        Assert.True(notMine.TryGetProperty("rule.templateId", out _));
        var window = await RefusedAsync(new { kind = "SETTLED_ORDERS", days = 0, minOrders = 1001 });
        Assert.True(window.TryGetProperty("rule.days", out _) && window.TryGetProperty("rule.minOrders", out _));
        Assert.True((await RefusedAsync(new { kind = "NEW_USER", days = 7 })).TryGetProperty("rule.days", out _));
        var audience = (await RuleAudienceAsync(new { kind = "NEW_USER" })).Id();
        var push = await app.AsService().PostAsJsonAsync($"/api/v1/audiences/{audience}/members", new { add = new[] { 5L } });
        await push.AssertProblemAsync(HttpStatusCode.Conflict, "AUDIENCE_HAS_RULE");
        Assert.Equal(0, await MembersAsync(audience));
    }

    [Fact]
    public async Task A_file_uploaded_to_a_rule_audience_is_refused_and_changes_nothing()
    {
        var audience = (await RuleAudienceAsync(new { kind = "SETTLED_ORDERS", days = 30, minOrders = 1 })).Id();
        var file = new ByteArrayContent(global::System.Text.Encoding.UTF8.GetBytes($"uid\n{EngineApp.NewId()}\n"));
        file.Headers.ContentType = new global::System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");

        var upload = await Merchant.PostAsync(
            $"/api/v1/merchant/audience-files/{audience}", new MultipartFormDataContent { { file, "file", "vip.csv" } });

        await upload.AssertProblemAsync(HttpStatusCode.Conflict, "AUDIENCE_HAS_RULE");
        Assert.Equal(0, await MembersAsync(audience));
    }
}

public sealed class RuleAudienceApiOnSqlite(SqliteApp app) : RuleAudienceApi(app), IClassFixture<SqliteApp>;

public sealed class RuleAudienceApiOnMariaDb(MariaDbApp app) : RuleAudienceApi(app), IClassFixture<MariaDbApp>;

/// <summary>On the Redis gate, whose copy of an excluding audience holds whom it leaves out, with the mark 0.</summary>
public sealed class RuleAudienceApiOnRedis(RedisApp app) : RuleAudienceApi(app), IClassFixture<RedisApp>
{
    private readonly string _prefix = app.KeyPrefix;

    [Fact]
    public async Task An_excluding_copy_that_misses_whom_it_leaves_out_never_grants_and_is_corrected()
    {
        long known = EngineApp.NewId(), newcomer = EngineApp.NewId();
        await SpendAsync(known, await TemplateAsync());
        var audience = await RuleAudienceAsync(new { kind = "NEW_USER" });
        await Polling.Eventually(async () => (await (await App.AsMerchant(long.Parse(audience.Str("merchantId"),
                global::System.Globalization.CultureInfo.InvariantCulture)).GetAsync($"/api/v1/merchant/audiences/{audience.Id()}")).JsonAsync())
            .GetProperty("members").GetInt64() == 1, TimeSpan.FromSeconds(30), "the consumed coupon to make the user known");
        var template = await TemplateAsync(audience.Id());
        await App.AsUser(newcomer).ClaimedCouponIdAsync(template); // the copy is loaded
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisApp.RedisConfiguration);
        var copy = $"{_prefix}:{{t:{template}}}:audience";
        Assert.True(await redis.GetDatabase().SetContainsAsync(copy, 0));
        Assert.True(await redis.GetDatabase().SetRemoveAsync(copy, known));

        await (await App.AsUser(known).ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "NOT_IN_AUDIENCE");

        Assert.True(await redis.GetDatabase().SetContainsAsync(copy, known));
    }
}
