using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Engine.Claims.Admission;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Tests.Claims.Admission;

/// <summary>The embedded default's per-user and per-address claim limits: fixed windows kept by this process.</summary>
public sealed class LimitingClaimsPerUserAndAddress
{
    private static readonly UserId Alice = new(1), Bob = new(2);
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private InProcessClaimRateLimits Limits(int perUser, int perIp) => new(Options.Create(new AdmissionOptions
    {
        PerUser = new() { PermitLimit = perUser, Window = TimeSpan.FromSeconds(10) },
        PerIp = new() { PermitLimit = perIp, Window = TimeSpan.FromSeconds(10) },
    }), _clock);

    [Fact]
    public async Task A_user_over_the_limit_is_refused_until_the_window_ends_and_no_one_else_is()
    {
        var limits = Limits(perUser: 2, perIp: 0);
        Assert.Null(await limits.RefusalAsync(Alice, "203.0.113.1", CancellationToken.None));
        Assert.Null(await limits.RefusalAsync(Alice, "203.0.113.2", CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(4));

        var refused = await limits.RefusalAsync(Alice, "203.0.113.3", CancellationToken.None);

        Assert.Equal(new ClaimLimitRefusal(ClaimLimitRefusal.PerUser, TimeSpan.FromSeconds(6)), refused);
        Assert.Null(await limits.RefusalAsync(Bob, "203.0.113.1", CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Null(await limits.RefusalAsync(Alice, "203.0.113.1", CancellationToken.None));
    }

    [Fact]
    public async Task An_address_over_its_limit_is_refused_whichever_user_asks()
    {
        var limits = Limits(perUser: 0, perIp: 2);
        Assert.Null(await limits.RefusalAsync(Alice, "203.0.113.1", CancellationToken.None));
        Assert.Null(await limits.RefusalAsync(Bob, "203.0.113.1", CancellationToken.None));

        var refused = await limits.RefusalAsync(new UserId(3), "203.0.113.1", CancellationToken.None);

        Assert.Equal(ClaimLimitRefusal.PerIp, refused?.Limit);
        Assert.Null(await limits.RefusalAsync(new UserId(3), "203.0.113.9", CancellationToken.None));
        Assert.Null(await limits.RefusalAsync(new UserId(3), null, CancellationToken.None)); // no address known: only the user's limit
    }

    [Fact]
    public async Task A_limit_of_zero_is_no_limit()
    {
        var limits = Limits(perUser: 0, perIp: 0);

        for (var i = 0; i < 1_000; i++) Assert.Null(await limits.RefusalAsync(Alice, "203.0.113.1", CancellationToken.None));
    }
}
