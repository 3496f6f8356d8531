using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// Fair admission when demand exceeds stock (docs/admission.md), on the embedded default and on the Redis path: once the database
/// has issued a template's whole stock, claims of users holding none of it are answered OUT_OF_STOCK by the instance itself, a
/// winner's retried key still gets its coupon, more stock is claimable at once; a user over the claim limit gets 429 with
/// Retry-After. The refusals answered before the gate are read from the engine's metric, so these tests run alone (their own
/// collection, not in parallel with any other): another test's sold-out template would count too.
/// </summary>
[Collection(nameof(ClaimAdmissionCollection))]
public abstract class ClaimAdmission(Func<EngineApp> newApp)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Once_sold_out_claims_are_refused_before_the_gate_and_a_winner_still_gets_their_coupon_for_a_retried_key()
    {
        await WithAppAsync(async app =>
        {
            using var refusals = new LocalRefusals();
            var merchant = app.AsMerchant(EngineApp.NewId());
            var template = (await merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 2))).Id();
            var winner = app.AsUser(EngineApp.NewId());
            var first = await winner.ClaimAsync(template, key: "mine");
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await app.AsUser(EngineApp.NewId()).ClaimAsync(template)).StatusCode);

            // The gate refuses first; the flag is raised once the database has committed both grants (at once on SQLite, after the
            // group commit on the Redis path).
            await Polling.Eventually(async () =>
            {
                await (await app.AsUser(EngineApp.NewId()).ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "OUT_OF_STOCK");
                return refusals.SoldOut > 0;
            }, Patience, "a claim of the sold-out template answered by the flag");

            var before = refusals.SoldOut;
            await (await app.AsUser(EngineApp.NewId()).ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "OUT_OF_STOCK");
            Assert.Equal(before + 1, refusals.SoldOut);

            var retried = await winner.ClaimAsync(template, key: "mine");
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
            Assert.Equal(await first.Content.ReadAsStringAsync(), await retried.Content.ReadAsStringAsync());
            Assert.Equal(before + 1, refusals.SoldOut); // the winner went to the gate
            await (await winner.ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "USER_LIMIT_REACHED"); // a new key: the gate's answer
        });
    }

    [Fact]
    public async Task Stock_the_merchant_adds_to_a_sold_out_template_is_claimable_at_once()
    {
        await WithAppAsync(async app =>
        {
            using var refusals = new LocalRefusals();
            var merchant = app.AsMerchant(EngineApp.NewId());
            var template = (await merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 1))).Id();
            Assert.Equal(HttpStatusCode.Created, (await app.AsUser(EngineApp.NewId()).ClaimAsync(template)).StatusCode);
            await Polling.Eventually(async () =>
            {
                await (await app.AsUser(EngineApp.NewId()).ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "OUT_OF_STOCK");
                return refusals.SoldOut > 0;
            }, Patience, "a claim of the sold-out template answered by the flag");

            var added = await merchant.PostAsJsonAsync($"/api/v1/merchant/templates/{template}/stock", new { quantity = 1 });
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);

            Assert.Equal(HttpStatusCode.Created, (await app.AsUser(EngineApp.NewId()).ClaimAsync(template)).StatusCode);
        });
    }

    [Fact]
    public async Task A_user_over_the_claim_limit_is_refused_429_with_Retry_After_and_nothing_is_issued()
    {
        await WithAppAsync(async app =>
        {
            var merchant = app.AsMerchant(EngineApp.NewId());
            var template = (await merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 10, perUserLimit: 5))).Id();
            var user = app.AsUser(EngineApp.NewId());
            for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.Created, (await user.ClaimAsync(template)).StatusCode);

            var refused = await user.ClaimAsync(template);

            var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
            var retryAfter = (int)refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
            Assert.InRange(retryAfter, 1, 3600);
            Assert.Equal(retryAfter, problem.GetProperty("retryAfterSeconds").GetInt32());
            Assert.Equal("user", problem.GetProperty("limitedBy").GetString());
            Assert.Equal(2, (await (await user.GetAsync("/api/v1/me/coupons")).JsonAsync()).GetProperty("items").GetArrayLength());
            Assert.Equal(HttpStatusCode.Created, (await app.AsUser(EngineApp.NewId()).ClaimAsync(template)).StatusCode); // another user
        }, ("Engine:Admission:PerUser:PermitLimit", "2"), ("Engine:Admission:PerUser:Window", "01:00:00"));
    }

    private async Task WithAppAsync(Func<EngineApp, Task> test, params (string Key, string Value)[] settings)
    {
        var app = newApp();
        app.WithSetting("Engine:Admission:SoldOutConfirmInterval", "00:00:00.010");
        foreach (var (key, value) in settings) app.WithSetting(key, value);
        try
        {
            await app.InitializeAsync();
            await test(app);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    /// <summary>The engine's count of claims answered OUT_OF_STOCK by a sold-out flag (promotion.claim.admission.refusals).</summary>
    private sealed class LocalRefusals : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _soldOut;

        public LocalRefusals()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "PromotionEngine.Engine" && instrument.Name == "promotion.claim.admission.refusals")
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                    if (tag is { Key: "answer", Value: "sold_out_flag" }) Interlocked.Add(ref _soldOut, value);
            });
            _listener.Start();
        }

        public long SoldOut => Interlocked.Read(ref _soldOut);

        public void Dispose() => _listener.Dispose();
    }
}

/// <summary>Alone: the metric the tests read counts every app in the process.</summary>
[CollectionDefinition(nameof(ClaimAdmissionCollection), DisableParallelization = true)]
public sealed class ClaimAdmissionCollection;

public sealed class ClaimAdmissionOnSqlite() : ClaimAdmission(() => new SqliteApp());

public sealed class ClaimAdmissionOnRedis() : ClaimAdmission(() => new RedisApp());
