using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Audiences;

/// <summary>
/// Evaluates a rule whole: the users its facts name that the members' table lacks are added, those it holds that the facts no
/// longer name removed, a page of up to <see cref="Audience.MaxChange"/> at a time, each page one committed change (with its
/// audience-members-changed event and the Redis copies told), until neither is left. Used when a rule audience is created and by
/// the sweep (a sliding window moves on without any event: orders leave it as time passes).
/// </summary>
internal sealed class EvaluateAudienceRule(IAudiences audiences, IAudienceRules rules, ChangeAudienceMembers change, TimeProvider clock)
{
    public async Task<(long Added, long Removed)> HandleAsync(AudienceRule rule, CancellationToken ct)
    {
        if (await audiences.FindAsync(rule.Audience, ct) is not { } audience) return (0, 0);
        var now = clock.GetUtcNow();
        long added = 0, removed = 0;
        while (true)
        {
            // Each page is read after the last one was written: the pages shrink to nothing, whatever events do meanwhile.
            var missing = await rules.MissingAsync(rule, now, Audience.MaxChange / 2, ct);
            var stale = (await rules.StaleAsync(rule, now, Audience.MaxChange / 2, ct)).Except(missing).ToList(); // an event between the reads
            if (missing.Count == 0 && stale.Count == 0) break;
            var done = await change.HandleAsync(audience, missing, stale, AudienceSources.Rule, ct);
            if (done is null || done.Added + done.Removed == 0) break; // the audience is gone, or events did it all meanwhile
            (added, removed) = (added + done.Added, removed + done.Removed);
        }
        await rules.EvaluatedAsync(rule.Audience, now, ct);
        return (added, removed);
    }
}

/// <summary>
/// Evaluates every rule whole every <c>Engine:AudienceRuleSweepInterval</c> (TimeProvider's timer): the settled-orders window
/// slides without an event, and a fact whose event was dead-lettered is caught up. Between sweeps the events keep each user current.
/// One instance sweeps at a time: the one holding the lease <see cref="LeaseName"/> (msg_leases), taken or renewed before each
/// sweep and held for twice the interval (at least <see cref="MinLease"/>), so another instance takes over when its holder dies.
/// </summary>
internal sealed partial class AudienceRuleSweeper(
    IAudienceRules rules, EvaluateAudienceRule evaluate, ILeases leases, TimeProvider clock, IOptions<EngineOptions> options,
    ILogger<AudienceRuleSweeper> log)
    : BackgroundService
{
    public const string LeaseName = "engine.audience-rule-sweep";
    public static readonly TimeSpan MinLease = TimeSpan.FromMinutes(5);

    private readonly ILease _lease = leases.Named(LeaseName, TimeSpan.FromTicks(Math.Max(
        2 * options.Value.AudienceRuleSweepInterval.Ticks, MinLease.Ticks)));

    private readonly Channel<(AudienceRule Rule, long Since)> _again = Channel.CreateUnbounded<(AudienceRule, long)>();

    /// <summary>
    /// The rule is evaluated whole again once <see cref="AudienceRuleIndex.Freshness"/> has passed (on the machine's clock), by this
    /// instance, lease or not: by then every instance's view of the rules has it, and the events one handled before are caught up.
    /// </summary>
    public void EvaluateAgainLater(AudienceRule rule) => _again.Writer.TryWrite((rule, Stopwatch.GetTimestamp()));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(SweepEveryIntervalAsync(stoppingToken), EvaluateAgainAsync(stoppingToken));

    private async Task EvaluateAgainAsync(CancellationToken ct)
    {
        await foreach (var (rule, since) in _again.Reader.ReadAllAsync(ct))
        {
            var wait = AudienceRuleIndex.Freshness - Stopwatch.GetElapsedTime(since);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            try
            {
                await evaluate.HandleAsync(rule, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogEvaluateAgainFailed(e, rule.Audience.Value); // the sweep catches it up
            }
        }
    }

    private async Task SweepEveryIntervalAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AudienceRuleSweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(e); // the next tick tries again
            }
        }
    }

    /// <summary>Every rule evaluated whole; how many users joined and left in all, or null when another instance holds the lease.</summary>
    public async Task<(long Added, long Removed)?> SweepAsync(CancellationToken ct)
    {
        if (!await _lease.HoldAsync(ct)) return null;
        long added = 0, removed = 0;
        foreach (var rule in await rules.AllAsync(ct))
        {
            var (a, r) = await evaluate.HandleAsync(rule, ct);
            (added, removed) = (added + a, removed + r);
        }
        if (added + removed > 0) LogSwept(added, removed);
        return (added, removed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audience rules evaluated: {Added} users joined, {Removed} left")]
    private partial void LogSwept(long added, long removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluating audience {Audience}'s new rule again failed; the next sweep catches it up")]
    private partial void LogEvaluateAgainFailed(Exception error, long audience);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluating the audience rules failed; the next sweep tries again")]
    private partial void LogSweepFailed(Exception error);
}
