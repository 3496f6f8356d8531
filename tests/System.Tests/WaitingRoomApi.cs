using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// The fair waiting room of a scheduled drop (docs/waiting-room.md), on the embedded default (its line in the process) and on the Redis
/// path (its line in Redis): tickets in the order taken, admitted at the rate set from the claim start, bound to their user and template.
/// </summary>
public abstract class WaitingRoomApi(EngineApp app)
{
    public const string Header = "Waiting-Room-Ticket";
    private readonly long _merchantId = EngineApp.NewId();
    private HttpClient Merchant => app.AsMerchant(_merchantId);

    /// <summary>A template whose claims open in ten minutes, with a waiting room admitting <paramref name="perSecond"/> a second.</summary>
    private async Task<(string Template, DateTimeOffset Start)> ADropAsync(int perSecond, int admissionMinutes = 30, int turnSeconds = 120,
        long stock = 100)
    {
        var now = app.Clock.GetUtcNow();
        var start = now + TimeSpan.FromMinutes(10);
        var template = (await Merchant.CreateTemplateAsync(Api.ATemplate(now, stock: stock, startsIn: TimeSpan.FromMinutes(10)))).Id();
        var set = await Merchant.PutAsJsonAsync($"/api/v1/merchant/waiting-rooms/{template}",
            new { admitPerSecond = perSecond, admissionMinutes, admittedForSeconds = turnSeconds });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var room = await set.JsonAsync();
        Assert.Equal(perSecond, room.GetProperty("admitPerSecond").GetInt32());
        var opens = room.GetProperty("admissionStartsAt").GetDateTimeOffset(); // the template's claim start, as stored (milliseconds)
        Assert.Equal(start.ToUnixTimeMilliseconds(), opens.ToUnixTimeMilliseconds());
        return (template, opens);
    }

    private void MoveTo(DateTimeOffset at) => app.Clock.Advance(at - app.Clock.GetUtcNow());

    private static async Task<JsonElement> TakeAsync(HttpClient user, string template, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await user.PostAsJsonAsync("/api/v1/waiting-room/tickets", new { templateId = template });
        Assert.Equal(expected, response.StatusCode);
        return await response.JsonAsync();
    }

    private static Task<HttpResponseMessage> ClaimWithAsync(HttpClient user, string template, string? ticket)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/claims") { Content = JsonContent.Create(new { templateId = template }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        if (ticket is not null) request.Headers.Add(Header, ticket);
        return user.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PositionAsync(HttpClient user, string ticket)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/waiting-room/position");
        request.Headers.Add(Header, ticket);
        return user.SendAsync(request);
    }

    [Fact]
    public async Task Tickets_are_admitted_in_the_order_taken_at_the_rate_set_from_the_claim_start()
    {
        var (template, start) = await ADropAsync(perSecond: 2);
        var users = Enumerable.Range(0, 5).Select(_ => app.AsUser(EngineApp.NewId())).ToArray();
        var tickets = new List<string>();
        foreach (var user in users)
        {
            var ticket = await TakeAsync(user, template);
            Assert.Equal(tickets.Count + 1, ticket.GetProperty("number").GetInt64());
            Assert.False(ticket.GetProperty("admitted").GetBoolean());
            tickets.Add(ticket.Str("ticket"));
        }

        MoveTo(start);
        Assert.Equal(HttpStatusCode.Created, (await ClaimWithAsync(users[0], template, tickets[0])).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ClaimWithAsync(users[1], template, tickets[1])).StatusCode);
        var early = await ClaimWithAsync(users[2], template, tickets[2]);
        var problem = await early.AssertProblemAsync(HttpStatusCode.TooManyRequests, "WAITING_ROOM_NOT_ADMITTED");
        Assert.Equal(1, problem.GetProperty("position").GetInt64());
        Assert.Equal(start + TimeSpan.FromSeconds(1), problem.GetProperty("admitsAt").GetDateTimeOffset());
        Assert.Equal("1", early.Headers.RetryAfter!.ToString());
        var last = await (await PositionAsync(users[4], tickets[4])).JsonAsync();
        Assert.Equal(3, last.GetProperty("position").GetInt64());
        Assert.Equal(start + TimeSpan.FromSeconds(2), last.GetProperty("admitsAt").GetDateTimeOffset());

        MoveTo(start + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Created, (await ClaimWithAsync(users[2], template, tickets[2])).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ClaimWithAsync(users[3], template, tickets[3])).StatusCode);
        await (await ClaimWithAsync(users[4], template, tickets[4])).AssertProblemAsync(HttpStatusCode.TooManyRequests, "WAITING_ROOM_NOT_ADMITTED");

        MoveTo(start + TimeSpan.FromSeconds(2));
        var admitted = await (await PositionAsync(users[4], tickets[4])).JsonAsync();
        Assert.True(admitted.GetProperty("admitted").GetBoolean());
        Assert.Equal(0, admitted.GetProperty("position").GetInt64());
        Assert.Equal(HttpStatusCode.Created, (await ClaimWithAsync(users[4], template, tickets[4])).StatusCode);
    }

    [Fact]
    public async Task While_the_room_admits_a_claim_without_a_ticket_is_refused_before_and_after_it_claims_as_ever()
    {
        var (template, start) = await ADropAsync(perSecond: 100, admissionMinutes: 5);
        var user = app.AsUser(EngineApp.NewId());

        await (await ClaimWithAsync(user, template, null)).AssertProblemAsync(HttpStatusCode.Conflict, "NOT_STARTED");
        MoveTo(start);
        var refused = await (await ClaimWithAsync(user, template, null)).AssertProblemAsync(HttpStatusCode.Conflict, "WAITING_ROOM_TICKET_REQUIRED");
        Assert.Equal(start + TimeSpan.FromMinutes(5), refused.GetProperty("admissionEndsAt").GetDateTimeOffset());

        MoveTo(start + TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.Created, (await ClaimWithAsync(user, template, null)).StatusCode);
        await (await user.PostAsJsonAsync("/api/v1/waiting-room/tickets", new { templateId = template }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "WAITING_ROOM_NOT_OPEN");
    }

    [Fact]
    public async Task A_ticket_works_only_for_its_user_and_template_and_as_signed()
    {
        var (template, start) = await ADropAsync(perSecond: 100);
        var (other, _) = await ADropAsync(perSecond: 100);
        var (owner, stranger) = (app.AsUser(EngineApp.NewId()), app.AsUser(EngineApp.NewId()));
        await TakeAsync(stranger, template);
        var ticket = (await TakeAsync(owner, template)).Str("ticket");
        MoveTo(start);

        await (await ClaimWithAsync(stranger, template, ticket)).AssertProblemAsync(HttpStatusCode.Forbidden, "WAITING_ROOM_TICKET_INVALID");
        await (await PositionAsync(stranger, ticket)).AssertProblemAsync(HttpStatusCode.Forbidden, "WAITING_ROOM_TICKET_INVALID");
        var none = await (await stranger.GetAsync("/api/v1/waiting-room/position")).AssertProblemAsync(HttpStatusCode.BadRequest,
            "VALIDATION_FAILED");
        Assert.True(none.GetProperty("errors").TryGetProperty(Header, out _));
        await (await ClaimWithAsync(owner, other, ticket)).AssertProblemAsync(HttpStatusCode.Forbidden, "WAITING_ROOM_TICKET_INVALID");
        var parts = ticket.Split('.');
        var forged = string.Join('.', parts[0], parts[1], parts[2], "1", parts[4]); // the owner holds 2: a better place
        await (await ClaimWithAsync(owner, template, forged)).AssertProblemAsync(HttpStatusCode.Forbidden, "WAITING_ROOM_TICKET_INVALID");
        await (await ClaimWithAsync(owner, template, "wr1.1.2.3.not-signed")).AssertProblemAsync(HttpStatusCode.Forbidden,
            "WAITING_ROOM_TICKET_INVALID");

        Assert.Equal(HttpStatusCode.Created, (await ClaimWithAsync(owner, template, ticket)).StatusCode);
    }

    [Fact]
    public async Task Asking_again_keeps_the_place_and_a_turn_that_is_over_sends_the_holder_to_the_back()
    {
        var (template, start) = await ADropAsync(perSecond: 1, turnSeconds: 10);
        var (late, next) = (app.AsUser(EngineApp.NewId()), app.AsUser(EngineApp.NewId()));
        var first = await TakeAsync(late, template);
        await TakeAsync(next, template);
        var again = await TakeAsync(late, template, HttpStatusCode.OK);
        Assert.Equal(first.Str("ticket"), again.Str("ticket"));

        MoveTo(start + TimeSpan.FromSeconds(10));
        var expired = await (await ClaimWithAsync(late, template, first.Str("ticket"))).AssertProblemAsync(HttpStatusCode.Conflict,
            "WAITING_ROOM_TICKET_EXPIRED");
        Assert.Equal(start + TimeSpan.FromSeconds(10), expired.GetProperty("usableUntil").GetDateTimeOffset());
        await (await PositionAsync(late, first.Str("ticket"))).AssertProblemAsync(HttpStatusCode.Conflict, "WAITING_ROOM_TICKET_EXPIRED");

        var back = await TakeAsync(late, template);
        Assert.Equal(3, back.GetProperty("number").GetInt64());
        Assert.True(back.GetProperty("admitted").GetBoolean()); // ten seconds in, ten tickets a second have been admitted
        Assert.Equal(HttpStatusCode.Created, (await ClaimWithAsync(late, template, back.Str("ticket"))).StatusCode);
    }

    [Fact]
    public async Task Only_the_templates_merchant_sets_its_room_and_only_before_its_claims_open()
    {
        var (template, start) = await ADropAsync(perSecond: 10);
        await (await app.AsMerchant(EngineApp.NewId()).PutAsJsonAsync($"/api/v1/merchant/waiting-rooms/{template}", new { admitPerSecond = 5 }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "TEMPLATE_NOT_FOUND");
        var invalid = await (await Merchant.PutAsJsonAsync($"/api/v1/merchant/waiting-rooms/{template}", new { admitPerSecond = 0 }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(invalid.GetProperty("errors").TryGetProperty("admitPerSecond", out _));

        MoveTo(start);
        await (await Merchant.PutAsJsonAsync($"/api/v1/merchant/waiting-rooms/{template}", new { admitPerSecond = 5 }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "CLAIMS_ALREADY_OPEN");
        await (await Merchant.DeleteAsync($"/api/v1/merchant/waiting-rooms/{template}"))
            .AssertProblemAsync(HttpStatusCode.Conflict, "CLAIMS_ALREADY_OPEN");
        var room = await (await Merchant.GetAsync($"/api/v1/merchant/waiting-rooms/{template}")).JsonAsync();
        Assert.Equal(10, room.GetProperty("admitPerSecond").GetInt32());
    }

    [Fact]
    public async Task A_template_without_a_room_gives_no_ticket_and_a_removed_room_asks_for_none()
    {
        var now = app.Clock.GetUtcNow();
        var plain = (await Merchant.CreateTemplateAsync(Api.ATemplate(now))).Id();
        var user = app.AsUser(EngineApp.NewId());
        await (await user.PostAsJsonAsync("/api/v1/waiting-room/tickets", new { templateId = plain }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "WAITING_ROOM_NOT_OPEN");

        var (template, start) = await ADropAsync(perSecond: 10);
        Assert.Equal(HttpStatusCode.NoContent, (await Merchant.DeleteAsync($"/api/v1/merchant/waiting-rooms/{template}")).StatusCode);
        MoveTo(start);
        Assert.Equal(HttpStatusCode.Created, (await ClaimWithAsync(user, template, null)).StatusCode);
    }
}

public sealed class WaitingRoomOnSqlite(SqliteApp app) : WaitingRoomApi(app), IClassFixture<SqliteApp>;

public sealed class WaitingRoomOnRedis(RedisApp app) : WaitingRoomApi(app), IClassFixture<RedisApp>;
