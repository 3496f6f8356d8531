using System.Net;
using System.Net.Http.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// Two instances behind one gateway share one line per template in Redis: tickets taken on either are numbered in one order, and a
/// ticket one instance signed is admitted (or refused) by the other alike.
/// </summary>
public sealed class WaitingRoomOnTwoInstances
{
    private static EngineApp Instance(string database, string prefix) => new MariaDbApp(database, workerId: null)
        .WithSetting("Engine:ClaimGate", "Redis")
        .WithSetting("Engine:Redis:Configuration", RedisApp.RedisConfiguration)
        .WithSetting("Engine:Redis:KeyPrefix", prefix);

    [Fact]
    public async Task Tickets_taken_on_either_instance_are_numbered_in_one_line_and_admitted_by_either()
    {
        await RedisApp.RequireRedisAsync(RedisApp.RedisConfiguration);
        var database = "promo_test_wr2_" + Guid.NewGuid().ToString("N")[..8];
        var prefix = "promo-test-" + Guid.NewGuid().ToString("N")[..8];
        var first = Instance(database, prefix);
        var second = Instance(database, prefix).SharingClockWith(first);
        try
        {
            await first.InitializeAsync();
            await second.InitializeAsync();
            var merchant = first.AsMerchant(EngineApp.NewId());
            var now = first.Clock.GetUtcNow();
            var template = (await merchant.CreateTemplateAsync(Api.ATemplate(now, startsIn: TimeSpan.FromMinutes(10)))).Id();
            var set = await merchant.PutAsJsonAsync($"/api/v1/merchant/waiting-rooms/{template}", new { admitPerSecond = 2 });
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            var start = (await set.JsonAsync()).GetProperty("admissionStartsAt").GetDateTimeOffset();

            // Users alternate between the instances, as a gateway would spread them; and all ask at once.
            var users = Enumerable.Range(0, 6).Select(_ => EngineApp.NewId()).ToArray();
            var takes = users.Select(async (user, i) =>
            {
                var app = i % 2 == 0 ? first : second;
                var response = await app.AsUser(user).PostAsJsonAsync("/api/v1/waiting-room/tickets", new { templateId = template });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                var ticket = await response.JsonAsync();
                return (User: user, Number: ticket.GetProperty("number").GetInt64(), Ticket: ticket.Str("ticket"));
            });
            var tickets = (await Task.WhenAll(takes)).OrderBy(t => t.Number).ToArray();
            Assert.Equal([1L, 2, 3, 4, 5, 6], tickets.Select(t => t.Number));
            var again = await second.AsUser(tickets[0].User).PostAsJsonAsync("/api/v1/waiting-room/tickets", new { templateId = template });
            Assert.Equal(HttpStatusCode.OK, again.StatusCode); // the line is one: the other instance knows the user's number
            Assert.Equal(1, (await again.JsonAsync()).GetProperty("number").GetInt64());

            first.Clock.Advance(start - first.Clock.GetUtcNow());
            // Each ticket is claimed on the instance that did not sign it.
            for (var i = 0; i < tickets.Length; i++)
            {
                var other = tickets[i].Number % 2 == 0 ? first : second;
                var response = await ClaimAsync(other.AsUser(tickets[i].User), template, tickets[i].Ticket);
                if (i < 2) Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                else await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "WAITING_ROOM_NOT_ADMITTED");
            }
            first.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.Created, (await ClaimAsync(second.AsUser(tickets[2].User), template, tickets[2].Ticket)).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await ClaimAsync(first.AsUser(tickets[3].User), template, tickets[3].Ticket)).StatusCode);
        }
        finally
        {
            await ((IAsyncLifetime)second).DisposeAsync();
            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }

    private static Task<HttpResponseMessage> ClaimAsync(HttpClient user, string template, string ticket)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/claims") { Content = JsonContent.Create(new { templateId = template }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        request.Headers.Add(WaitingRoomApi.Header, ticket);
        return user.SendAsync(request);
    }
}
