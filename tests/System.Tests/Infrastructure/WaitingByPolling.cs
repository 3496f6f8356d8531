using System.Diagnostics;
using Xunit.Sdk;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>What <see cref="Polling.Eventually{T}"/> promises the tests that wait with it.</summary>
public sealed class WaitingByPolling
{
    [Fact]
    public async Task It_returns_the_first_value_that_holds()
    {
        var looks = 0;

        var seen = await Eventually(() => Task.FromResult(++looks), n => n == 3, Seconds(30), "the third look");

        Assert.Equal((3, 3), (seen, looks));
    }

    [Fact]
    public async Task Past_the_deadline_it_fails_with_what_it_waited_for_and_the_last_value_seen()
    {
        var looks = 0;

        var failed = await Assert.ThrowsAsync<XunitException>(
            () => Eventually(() => Task.FromResult(++looks), _ => false, TimeSpan.FromMilliseconds(50), "a look that holds"));

        Assert.Contains("for a look that holds", failed.Message);
        Assert.EndsWith($"the last look saw: {looks}", failed.Message);
    }

    [Fact]
    public async Task Its_last_look_starts_at_or_after_the_deadline()
    {
        var timeout = TimeSpan.FromMilliseconds(50);
        var since = Stopwatch.StartNew(); // started before the helper's own: never behind it

        // A slow probe (an HTTP call on a loaded machine): its first look starts before the deadline and ends after it.
        await Eventually(async () =>
        {
            var startedAt = since.Elapsed;
            await Task.Delay(2 * timeout);
            return startedAt >= timeout;
        }, timeout, "a look that starts after the deadline", every: TimeSpan.Zero);
    }

    [Fact]
    public async Task A_probe_that_throws_ends_the_wait_at_once()
    {
        var looks = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Eventually<int>(
                () => ++looks == 1 ? throw new InvalidOperationException("a wrong answer") : Task.FromResult(looks),
                _ => false, Seconds(30), "never"));

        Assert.Equal(1, looks);
    }

    [Fact]
    public async Task What_runs_between_looks_runs_after_each_look_that_did_not_hold()
    {
        var (looks, moves) = (0, 0);

        await Eventually(() => Task.FromResult(++looks), n => n == 4, Seconds(30), "the fourth look", between: () => moves++);

        Assert.Equal(3, moves);
    }

    [Fact]
    public async Task A_server_that_is_still_starting_is_tried_again_and_any_other_failure_is_not()
    {
        var attempts = 0;

        Assert.Null(await EventuallySucceeds<TimeoutException>(
            () => ++attempts < 3 ? throw new TimeoutException() : Task.CompletedTask, Seconds(30), "the third attempt"));
        Assert.Equal(3, attempts);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            EventuallySucceeds<TimeoutException>(() => throw new InvalidOperationException("refused"), Seconds(30), "never"));
    }
}
