using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// Audiences (docs/audiences.md), run on every store and so on both claim gates: a template for an audience grants its members
/// and refuses everyone else NOT_IN_AUDIENCE, and a change pushed by another system takes effect at once.
/// </summary>
public abstract class AudienceApi(EngineApp app)
{
    private readonly long _merchantId = EngineApp.NewId();
    private HttpClient Merchant => app.AsMerchant(_merchantId);
    protected EngineApp App => app;

    protected async Task<string> AudienceAsync(params long[] members)
    {
        var created = await Merchant.PostAsJsonAsync("/api/v1/merchant/audiences", new { name = "会员日 VIP" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var audience = (await created.JsonAsync()).Id();
        if (members.Length > 0) await PushAsync(audience, add: members);
        return audience;
    }

    protected async Task<JsonElement> PushAsync(string audience, long[]? add = null, long[]? remove = null, string? key = null)
    {
        var response = await SendPushAsync(audience, add, remove, key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private Task<HttpResponseMessage> SendPushAsync(string audience, long[]? add, long[]? remove, string? key = null, HttpClient? caller = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/audiences/{audience}/members")
        {
            Content = JsonContent.Create(new { add, remove }),
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return (caller ?? app.AsService()).SendAsync(request);
    }

    protected async Task<string> TemplateForAsync(string audience, int perUserLimit = 1)
    {
        var response = await Merchant.PostAsJsonAsync("/api/v1/merchant/templates", ForAudience(audience, perUserLimit));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var template = await response.JsonAsync();
        Assert.Equal(audience, template.Str("audienceId"));
        return template.Id();
    }

    private Dictionary<string, object?> ForAudience(string? audience, int perUserLimit = 1, long? shopId = null)
    {
        var template = JsonSerializer.SerializeToElement(Api.ATemplate(app.Clock.GetUtcNow(), perUserLimit: perUserLimit))
            .Deserialize<Dictionary<string, object?>>()!;
        if (audience is not null) template["audienceId"] = audience;
        if (shopId is not null) (template["scope"], template["shopId"]) = ("SHOP", shopId);
        return template;
    }

    [Fact]
    public async Task The_exposure_offers_a_template_for_an_audience_to_its_members_only()
    {
        long member = EngineApp.NewId(), stranger = EngineApp.NewId(), shop = EngineApp.NewId();
        var audience = await AudienceAsync(member);
        var template = (await Merchant.CreateTemplateAsync(ForAudience(audience, shopId: shop))).Id();
        var forAnyone = (await Merchant.CreateTemplateAsync(ForAudience(null, shopId: shop))).Id();
        var page = $"/api/v1/search/exposure?shopId={shop}&limit=100";
        // PLATFORM templates of other tests show on every page too: look at this test's own.
        async Task<List<string>> OfferedToAsync(HttpClient caller) =>
            (await (await caller.GetAsync(page)).JsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.Id())
                .Where(id => id == template || id == forAnyone).ToList();

        await Polling.Eventually(() => OfferedToAsync(app.AsUser(member)), ids => ids.Contains(template) && ids.Contains(forAnyone),
            TimeSpan.FromSeconds(30), "both templates to be indexed");
        using var anonymous = app.CreateClient();

        Assert.Equal([forAnyone], await OfferedToAsync(app.AsUser(stranger)));
        Assert.Equal([forAnyone], await OfferedToAsync(anonymous));
    }

    [Fact]
    public async Task A_member_claims_and_anyone_else_is_refused_NOT_IN_AUDIENCE()
    {
        long member = EngineApp.NewId(), stranger = EngineApp.NewId();
        var audience = await AudienceAsync(member);
        var template = await TemplateForAsync(audience);

        var granted = await app.AsUser(member).ClaimAsync(template);
        var refused = await app.AsUser(stranger).ClaimAsync(template);

        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict, "NOT_IN_AUDIENCE");
        Assert.Equal(audience, problem.Str("audienceId"));
        var read = await (await Merchant.GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync();
        Assert.Equal(1, read.GetProperty("issued").GetInt64());
    }

    [Fact]
    public async Task A_removal_takes_effect_on_the_next_claim_and_so_does_an_addition()
    {
        long leaving = EngineApp.NewId(), joining = EngineApp.NewId();
        var audience = await AudienceAsync(leaving);
        var template = await TemplateForAsync(audience, perUserLimit: 5);
        Assert.Equal(HttpStatusCode.Created, (await app.AsUser(leaving).ClaimAsync(template)).StatusCode); // the gate has read the audience
        await (await app.AsUser(joining).ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "NOT_IN_AUDIENCE");

        var change = await PushAsync(audience, add: [joining], remove: [leaving]);

        Assert.Equal(1, change.GetProperty("added").GetInt64());
        Assert.Equal(1, change.GetProperty("removed").GetInt64());
        await (await app.AsUser(leaving).ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "NOT_IN_AUDIENCE");
        Assert.Equal(HttpStatusCode.Created, (await app.AsUser(joining).ClaimAsync(template)).StatusCode);
    }

    [Fact]
    public async Task A_push_counts_only_real_changes_and_a_repeat_under_its_key_answers_the_first_answer()
    {
        long a = EngineApp.NewId(), b = EngineApp.NewId(), c = EngineApp.NewId();
        var audience = await AudienceAsync();

        var first = await PushAsync(audience, add: [a, b, b], key: "crm-batch-1");
        var repeat = await PushAsync(audience, add: [a, b, b], key: "crm-batch-1");
        var again = await PushAsync(audience, add: [a, c], remove: [EngineApp.NewId()]);

        Assert.Equal((2L, 0L, 2L), Counts(first));
        Assert.Equal(first.GetRawText(), repeat.GetRawText());
        Assert.Equal((1L, 0L, 3L), Counts(again));
        var read = await (await Merchant.GetAsync($"/api/v1/merchant/audiences/{audience}")).JsonAsync();
        Assert.Equal(3, read.GetProperty("members").GetInt64());
        await (await SendPushAsync(audience, add: [a], remove: null, key: "crm-batch-1"))
            .AssertProblemAsync(HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED");
    }

    private static (long Added, long Removed, long Members) Counts(JsonElement change) =>
        (change.GetProperty("added").GetInt64(), change.GetProperty("removed").GetInt64(), change.GetProperty("members").GetInt64());

    private Task<HttpResponseMessage> UploadAsync(string audience, string csv, HttpClient? merchant = null)
    {
        var file = new ByteArrayContent(global::System.Text.Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new global::System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        return (merchant ?? Merchant).PostAsync($"/api/v1/merchant/audience-files/{audience}",
            new MultipartFormDataContent { { file, "file", "vip.csv" } });
    }

    [Fact]
    public async Task A_file_adds_its_users_counts_the_rows_without_one_and_a_second_upload_adds_only_whom_it_missed()
    {
        long a = EngineApp.NewId(), b = EngineApp.NewId(), c = EngineApp.NewId();
        var audience = await AudienceAsync(a);

        var first = await UploadAsync(audience, $"name,userId\nAnn,{a}\nBo,{b}\nBad,12x\nBo again,{b}\n");
        var second = await UploadAsync(audience, $"uid\n{b}\n{c}\n");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var imported = await first.JsonAsync();
        Assert.Equal((4L, 1L, 1L, 2L), (imported.GetProperty("rows").GetInt64(), imported.GetProperty("added").GetInt64(),
            imported.GetProperty("failed").GetInt64(), imported.GetProperty("members").GetInt64()));
        var failure = Assert.Single(imported.GetProperty("failures").EnumerateArray());
        Assert.Equal((4L, "12x", "INVALID_USER_ID"), (failure.GetProperty("row").GetInt64(), failure.Str("value"), failure.Str("reason")));
        Assert.Equal(3, (await second.JsonAsync()).GetProperty("members").GetInt64());
        var template = await TemplateForAsync(audience);
        Assert.Equal(HttpStatusCode.Created, (await app.AsUser(c).ClaimAsync(template)).StatusCode);
    }

    [Fact]
    public async Task A_file_that_cannot_be_used_or_another_merchants_audience_changes_nothing()
    {
        var audience = await AudienceAsync();

        await (await UploadAsync(audience, "name\nAnn\n")).AssertProblemAsync(HttpStatusCode.BadRequest, "RECIPIENTS_FILE_INVALID");
        await (await UploadAsync(audience, $"uid\n{EngineApp.NewId()}\n", app.AsMerchant(EngineApp.NewId())))
            .AssertProblemAsync(HttpStatusCode.NotFound, "AUDIENCE_NOT_FOUND");
        Assert.Equal(0, (await (await Merchant.GetAsync($"/api/v1/merchant/audiences/{audience}")).JsonAsync()).GetProperty("members").GetInt64());
    }

    [Fact]
    public async Task A_push_is_checked_whole_and_only_services_push()
    {
        var audience = await AudienceAsync();

        await (await SendPushAsync(audience, add: null, remove: null)).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var both = await (await SendPushAsync(audience, add: [5], remove: [5])).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(both.GetProperty("errors").TryGetProperty("remove", out _));
        await (await SendPushAsync(audience, add: [0], remove: null)).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var tooMany = Enumerable.Range(1, 10_001).Select(i => (long)i).ToArray();
        await (await SendPushAsync(audience, add: tooMany, remove: null)).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await (await SendPushAsync("999999999", add: [5], remove: null)).AssertProblemAsync(HttpStatusCode.NotFound, "AUDIENCE_NOT_FOUND");
        await (await SendPushAsync(audience, add: [5], remove: null, caller: Merchant)).AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        var read = await (await Merchant.GetAsync($"/api/v1/merchant/audiences/{audience}")).JsonAsync();
        Assert.Equal(0, read.GetProperty("members").GetInt64()); // nothing half-written
    }

    [Fact]
    public async Task A_merchant_sees_and_names_only_its_own_audiences()
    {
        var mine = await AudienceAsync(EngineApp.NewId());
        var other = app.AsMerchant(EngineApp.NewId());

        await (await other.GetAsync($"/api/v1/merchant/audiences/{mine}")).AssertProblemAsync(HttpStatusCode.NotFound, "AUDIENCE_NOT_FOUND");
        var theirs = await other.PostAsJsonAsync("/api/v1/merchant/templates", ForAudience(mine));
        var refused = await theirs.AssertProblemAsync(HttpStatusCode.NotFound, "AUDIENCE_NOT_FOUND");
        Assert.Equal("audienceId", refused.Str("field"));
        var list = await (await Merchant.GetAsync("/api/v1/merchant/audiences?limit=1")).JsonAsync();
        Assert.Equal([mine], list.GetProperty("items").EnumerateArray().Select(a => a.Id()));
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/merchant/audiences")).JsonAsync()).GetProperty("items").GetArrayLength());
        await (await Merchant.PostAsJsonAsync("/api/v1/merchant/audiences", new { name = " " }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task The_audience_is_an_audited_term_fixed_at_creation()
    {
        var audience = await AudienceAsync();
        var template = await TemplateForAsync(audience);

        var history = await (await Merchant.GetAsync($"/api/v1/merchant/templates/{template}/history")).JsonAsync();
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/merchant/templates/{template}")
        {
            Content = new StringContent("""{"audienceId": null}""", global::System.Text.Encoding.UTF8, "application/json"),
        };

        Assert.Equal(audience, history.GetProperty("items")[0].GetProperty("after").Str("audienceId"));
        await (await Merchant.SendAsync(patch)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "TEMPLATE_FIELD_IMMUTABLE");
    }
}

public sealed class AudienceApiOnSqlite(SqliteApp app) : AudienceApi(app), IClassFixture<SqliteApp>;

public sealed class AudienceApiOnMariaDb(MariaDbApp app) : AudienceApi(app), IClassFixture<MariaDbApp>;

/// <summary>On the Redis gate, whose copy of an audience is a cache: the members' table decides wherever the copy is wrong.</summary>
public sealed class AudienceApiOnRedis(RedisApp app) : AudienceApi(app), IClassFixture<RedisApp>
{
    private readonly string _prefix = app.KeyPrefix;

    [Fact]
    public async Task A_copy_that_wrongly_holds_a_stranger_never_grants_and_is_corrected()
    {
        long member = EngineApp.NewId(), stranger = EngineApp.NewId();
        var audience = await AudienceAsync(member);
        var template = await TemplateForAsync(audience, perUserLimit: 5);
        await App.AsUser(member).ClaimedCouponIdAsync(template); // the copy is loaded
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisApp.RedisConfiguration);
        var copy = $"{_prefix}:{{t:{template}}}:audience";
        Assert.True(await redis.GetDatabase().SetAddAsync(copy, stranger));

        await (await App.AsUser(stranger).ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "NOT_IN_AUDIENCE");

        Assert.False(await redis.GetDatabase().SetContainsAsync(copy, stranger));
    }

    [Fact]
    public async Task A_copy_that_misses_a_member_still_lets_the_member_claim()
    {
        long member = EngineApp.NewId(), other = EngineApp.NewId();
        var audience = await AudienceAsync(member, other);
        var template = await TemplateForAsync(audience);
        await App.AsUser(other).ClaimedCouponIdAsync(template); // the copy is loaded
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisApp.RedisConfiguration);
        var copy = $"{_prefix}:{{t:{template}}}:audience";
        Assert.True(await redis.GetDatabase().SetRemoveAsync(copy, member));

        Assert.Equal(HttpStatusCode.Created, (await App.AsUser(member).ClaimAsync(template)).StatusCode);
        Assert.True(await redis.GetDatabase().SetContainsAsync(copy, member));
    }
}
