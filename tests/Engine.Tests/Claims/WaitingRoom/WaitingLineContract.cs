using Microsoft.Extensions.Options;
using PromotionEngine.Engine.Adapters.Redis;
using PromotionEngine.Engine.Claims.WaitingRoom;
using PromotionEngine.Kernel;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Tests.Claims.WaitingRoom;

/// <summary>The line's contract, for every adapter: one number per user per template, in the order taken, never a better one again.</summary>
public abstract class WaitingLineContract
{
    private static long _next = Environment.TickCount64 % 1_000_000 * 1000;
    private static readonly DateTimeOffset KeepUntil = DateTimeOffset.UtcNow.AddHours(1);

    private protected abstract IWaitingLine Line { get; }

    private static TemplateId ATemplate() => new(Interlocked.Increment(ref _next));

    private static UserId User(long id) => new(id);

    private Task<TakenNumber> TakeAsync(TemplateId template, long user, long firstUsable = 1) =>
        Line.TakeAsync(template, User(user), firstUsable, KeepUntil, CancellationToken.None);

    [Fact]
    public async Task Numbers_follow_the_order_tickets_were_taken_in()
    {
        var template = ATemplate();

        Assert.Equal(new TakenNumber(1, true), await TakeAsync(template, 501));
        Assert.Equal(new TakenNumber(2, true), await TakeAsync(template, 502));
        Assert.Equal(new TakenNumber(3, true), await TakeAsync(template, 503));
    }

    [Fact]
    public async Task Asking_again_answers_the_number_held_never_a_better_one()
    {
        var template = ATemplate();
        await TakeAsync(template, 501);
        await TakeAsync(template, 502);

        Assert.Equal(new TakenNumber(2, false), await TakeAsync(template, 502));
        Assert.Equal(new TakenNumber(3, true), await TakeAsync(template, 503));
    }

    [Fact]
    public async Task A_number_whose_turn_is_over_is_replaced_by_one_at_the_back()
    {
        var template = ATemplate();
        await TakeAsync(template, 501);
        await TakeAsync(template, 502);

        Assert.Equal(new TakenNumber(3, true), await TakeAsync(template, 501, firstUsable: 2));
        Assert.Equal(new TakenNumber(2, false), await TakeAsync(template, 502, firstUsable: 2));
    }

    [Fact]
    public async Task Each_template_has_its_own_line()
    {
        var (first, second) = (ATemplate(), ATemplate());
        await TakeAsync(first, 501);
        await TakeAsync(first, 502);

        Assert.Equal(new TakenNumber(1, true), await TakeAsync(second, 502));
    }

    [Fact]
    public async Task Users_arriving_at_once_get_every_number_once()
    {
        var template = ATemplate();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var takes = Enumerable.Range(1, 200).Select(async user => { await start.Task; return await TakeAsync(template, 1000 + user); }).ToArray();
        start.SetResult();

        var numbers = (await Task.WhenAll(takes)).Select(t => t.Number).Order();

        Assert.Equal(Enumerable.Range(1, 200).Select(n => (long)n), numbers);
    }
}

public sealed class AnInProcessWaitingLine : WaitingLineContract
{
    private protected override IWaitingLine Line { get; } = new InProcessWaitingLine();
}

/// <summary>On the real Redis (PROMO_TEST_REDIS, else 127.0.0.1:6379; `scripts/services.sh start redis`), under a prefix of its own.</summary>
public sealed class ARedisWaitingLine : WaitingLineContract, IDisposable
{
    private readonly ConnectionMultiplexer _redis = ConnectionMultiplexer.Connect(
        Environment.GetEnvironmentVariable("PROMO_TEST_REDIS") ?? "127.0.0.1:6379");

    public ARedisWaitingLine()
    {
        var options = new EngineOptions();
        options.Redis.KeyPrefix = "promo-test-wr-" + Guid.NewGuid().ToString("N")[..8];
        Line = new RedisWaitingLine(_redis, Options.Create(options));
    }

    private protected override IWaitingLine Line { get; }

    public void Dispose() => _redis.Dispose();
}
