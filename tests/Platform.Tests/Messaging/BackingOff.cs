using PromotionEngine.Platform.Messaging;

namespace PromotionEngine.Platform.Tests.Messaging;

/// <summary>
/// The delay before the next attempt (a publish, a delivery): RetryDelay, doubled per attempt, capped at MaxRetryDelay, each
/// spread by ±20 % so retries of many events do not come back at once.
/// </summary>
public sealed class BackingOff
{
    private const int Draws = 200; // jitter is random: every draw must fall in the band

    private readonly MessagingOptions _options = new() { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromMinutes(5) };

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    public void Each_attempt_doubles_the_delay(int attempt, int seconds) => AssertWithin(attempt, TimeSpan.FromSeconds(seconds));

    [Theory]
    [InlineData(10)]
    [InlineData(21)]
    [InlineData(int.MaxValue)] // the exponent is capped: no overflow, no infinity
    public void The_delay_never_exceeds_the_cap(int attempt) => AssertWithin(attempt, _options.MaxRetryDelay);

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void An_attempt_before_the_first_waits_like_the_first(int attempt) => AssertWithin(attempt, _options.RetryDelay);

    [Fact]
    public void The_jitter_spreads_the_delays()
    {
        var delays = Enumerable.Range(0, Draws).Select(_ => _options.Backoff(3)).Distinct().Count();

        Assert.True(delays > 1, "every draw gave the same delay");
    }

    private void AssertWithin(int attempt, TimeSpan nominal)
    {
        for (var i = 0; i < Draws; i++)
            Assert.InRange(_options.Backoff(attempt), nominal * 0.8, nominal * 1.2);
    }
}
