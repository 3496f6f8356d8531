using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Adapters.Redis;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;
using static PromotionEngine.Engine.Tests.Durations;

namespace PromotionEngine.Engine.Tests.Claims;

public class GroupCommittingClaims
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the writer answers its callers on its own thread
    public async Task A_templates_claims_are_never_written_by_two_transactions_at_once_and_every_one_is_answered(bool answerOnWriter)
    {
        var ledger = new SlowLedger();
        // The database gate is only the fallback for a batch the ledger refuses; this ledger refuses none.
        var options = Options.Create(new EngineOptions { Redis = { Writers = 4, AnswerOnWriter = answerOnWriter } });
        var commits = new ClaimGroupCommit(ledger, exact: null!, new EngineMetrics(), options,
            NullLogger<ClaimGroupCommit>.Instance);
        await commits.StartAsync(CancellationToken.None);

        var claims = Enumerable.Range(0, 400).Select(i => Task.Run(() => commits.CommitAsync(Ticket(template: 7 + i % 2, n: i)))).ToArray();
        var decisions = await Task.WhenAll(claims);
        await commits.StopAsync(CancellationToken.None);

        Assert.All(decisions, d => Assert.IsType<GateDecision.Granted>(d));
        Assert.Equal(400, ledger.Recorded);
        Assert.Equal(1, ledger.MostAtOnceForOneTemplate);
        Assert.True(ledger.Batches < 400, $"{ledger.Batches} transactions for 400 claims: nothing was grouped");
    }

    [Fact]
    public async Task Claims_queued_when_the_writer_is_stopped_at_once_are_each_answered()
    {
        // .NET 10 runs ExecuteAsync on the thread pool: a stop that comes first cancels it unrun, with claims already queued.
        for (var round = 0; round < 20; round++)
        {
            var commits = new ClaimGroupCommit(new SlowLedger(), exact: null!, new EngineMetrics(),
                Options.Create(new EngineOptions()), NullLogger<ClaimGroupCommit>.Instance);
            var answers = Enumerable.Range(0, 5).Select(i => commits.CommitAsync(Ticket(template: 7, n: round * 10 + i))).ToArray();
            await commits.StartAsync(CancellationToken.None);
            await commits.StopAsync(CancellationToken.None);
            await Task.WhenAny(Task.WhenAll(answers).ContinueWith(_ => { }, TaskScheduler.Default), Task.Delay(TimeSpan.FromSeconds(10)));

            Assert.All(answers, a => Assert.True(a.IsCompleted, $"round {round}: a caller was never answered"));
            Assert.All(answers.Where(a => !a.IsCompletedSuccessfully),
                a => Assert.IsType<ClaimsUnavailableException>(a.Exception!.InnerException));
        }
    }

    private ClaimTicket Ticket(long template, int n)
    {
        var now = _clock.GetUtcNow();
        var snapshot = new CouponTemplateSnapshot(new TemplateId(template), new MerchantId(3), "CNY", Terminated: false,
            ValidFrom: now - Days(1), ValidUntil: now + Days(30), ValidityAfterClaim: null, Stock: 1_000, PerUserLimit: 1, Version: 0);
        var coupon = UserCoupon.Claim(new UserCouponId(10_000 + n), new UserId(100 + n), snapshot, now);
        return new ClaimTicket(coupon, new IdempotencyKey("claim-" + n), snapshot, now);
    }

    /// <summary>A ledger whose transactions take a while, counting how many write one template at the same time.</summary>
    private sealed class SlowLedger : IClaimLedger
    {
        private readonly ConcurrentDictionary<long, int> _writing = new();
        private int _most, _recorded, _batches;

        public int MostAtOnceForOneTemplate => Volatile.Read(ref _most);

        public int Recorded => Volatile.Read(ref _recorded);

        public int Batches => Volatile.Read(ref _batches);

        public async Task<bool> TryRecordAllAsync(IReadOnlyList<ClaimTicket> batch, CancellationToken ct)
        {
            var templates = batch.Select(t => t.Template.Id.Value).Distinct().ToList();
            foreach (var template in templates)
            {
                var writing = _writing.AddOrUpdate(template, 1, (_, n) => n + 1);
                int most;
                while (writing > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, writing, most) != most) { }
            }
            await Task.Delay(5, ct); // the transaction's round trips and commit: claims queue meanwhile
            foreach (var template in templates) _writing.AddOrUpdate(template, 0, (_, n) => n - 1);
            Interlocked.Add(ref _recorded, batch.Count);
            Interlocked.Increment(ref _batches);
            return true;
        }

        public Task<ClaimCounts> CountsAsync(TemplateId template, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<(long User, int Claimed)>> PeriodCountsAsync(TemplateId template, ClaimPeriod period, CancellationToken ct) =>
            throw new NotSupportedException();
    }
}
