using PromotionEngine.Engine.Claims;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Tests.Claims;

/// <summary>
/// The embedded default's group commit (SqlClaimGroupCommit) on a real SQLite file: many claims decided and written in one
/// transaction, each decided exactly as alone, a refusal undoing only its own claim, every caller answered.
/// </summary>
public class GroupCommittingClaimsOnSqlite
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_batch_over_the_stock_grants_exactly_the_stock_and_refuses_the_rest()
    {
        await using var store = await ClaimsOnSqlite.MigratedAsync();
        var template = store.Template(1, stock: 5, perUserLimit: 1);

        var decisions = await store.InOneBatchAsync(Enumerable.Range(1, 12).Select(u => store.Claim(template, u, $"key-{u}")).ToArray());

        Assert.All(decisions.Take(5), d => Assert.IsType<GateDecision.Granted>(d));
        Assert.All(decisions.Skip(5), d => Assert.IsType<GateDecision.OutOfStock>(d));
        Assert.Equal(5, await store.IssuedAsync(template));
        Assert.Equal(5, await store.CouponsAsync(template));
        Assert.Equal(5, await store.EventsAsync());
    }

    [Fact]
    public async Task One_user_over_the_limit_in_one_batch_gets_exactly_the_limit()
    {
        await using var store = await ClaimsOnSqlite.MigratedAsync();
        var template = store.Template(2, stock: 100, perUserLimit: 3);

        var decisions = await store.InOneBatchAsync(Enumerable.Range(1, 8).Select(k => store.Claim(template, 7, $"key-{k}")).ToArray());

        Assert.All(decisions.Take(3), d => Assert.IsType<GateDecision.Granted>(d));
        Assert.All(decisions.Skip(3), d => Assert.IsType<GateDecision.LimitReached>(d));
        Assert.Equal(3, await store.CountedAsync(template, 7));
        Assert.Equal(3, await store.CouponsOfAsync(7));
        Assert.Equal(3, await store.IssuedAsync(template));
    }

    [Fact]
    public async Task A_refused_claim_leaves_nothing_behind_and_does_not_undo_the_others_of_its_batch()
    {
        await using var store = await ClaimsOnSqlite.MigratedAsync();
        var template = store.Template(3, stock: 2, perUserLimit: 1);

        // User 3's claim passes its own limit (its counter is counted up) before the stock refuses it; user 1's second claim
        // writes its request row before its limit refuses it: both must be undone, and only they.
        var decisions = await store.InOneBatchAsync(
            store.Claim(template, 1, "a"), store.Claim(template, 2, "b"), store.Claim(template, 3, "c"), store.Claim(template, 1, "d"));

        Assert.IsType<GateDecision.Granted>(decisions[0]);
        Assert.IsType<GateDecision.Granted>(decisions[1]);
        Assert.IsType<GateDecision.OutOfStock>(decisions[2]);
        Assert.IsType<GateDecision.LimitReached>(decisions[3]);
        Assert.Equal(0, await store.CountedAsync(template, 3));
        Assert.Equal(0, await store.RequestsOfAsync(3));
        Assert.Equal(1, await store.CountedAsync(template, 1));
        Assert.Equal(1, await store.RequestsOfAsync(1));
        Assert.Equal(1, await store.CountedAsync(template, 2));
        Assert.Equal(2, await store.IssuedAsync(template));
        Assert.Equal(2, await store.CouponsAsync(template));
    }

    [Fact]
    public async Task Refusals_between_granted_claims_undo_only_themselves_and_keep_the_granted_ones_and_their_keys()
    {
        await using var store = await ClaimsOnSqlite.MigratedAsync();
        var open = store.Template(6, stock: 100, perUserLimit: 1);
        var soldOut = store.Template(7, stock: 1, perUserLimit: 1);
        var first = store.Claim(open, 1, "k1");

        // Each refusal on the sold-out template counts its user up and writes its request row before the stock refuses it, after
        // granted claims of the same batch: those must stay, a later retry of one of them must find it, and a refused user must
        // still be able to claim the other template in the same batch.
        var decisions = await store.InOneBatchAsync(
            store.Claim(soldOut, 10, "k0"), first, store.Claim(open, 2, "k2"), store.Claim(soldOut, 3, "k3"), store.Claim(open, 1, "k1"),
            store.Claim(open, 4, "k4"),
            store.Claim(soldOut, 5, "k5"), store.Claim(open, 3, "k6"), store.Claim(open, 1, "k7"), store.Claim(soldOut, 6, "k8"));

        Assert.IsType<GateDecision.Granted>(decisions[0]);
        Assert.IsType<GateDecision.Granted>(decisions[1]);
        Assert.IsType<GateDecision.Granted>(decisions[2]);
        Assert.IsType<GateDecision.OutOfStock>(decisions[3]);
        Assert.Equal(new PriorClaim(open.Id, first.Coupon.Id), Assert.IsType<GateDecision.Duplicate>(decisions[4]).Prior);
        Assert.IsType<GateDecision.Granted>(decisions[5]);
        Assert.IsType<GateDecision.OutOfStock>(decisions[6]);
        Assert.IsType<GateDecision.Granted>(decisions[7]);
        Assert.IsType<GateDecision.LimitReached>(decisions[8]);
        Assert.IsType<GateDecision.OutOfStock>(decisions[9]);
        Assert.Equal(4, await store.IssuedAsync(open));
        Assert.Equal(4, await store.CouponsAsync(open));
        Assert.Equal(5, await store.EventsAsync());
        Assert.Equal(1, await store.IssuedAsync(soldOut));
        Assert.Equal(1, await store.CouponsAsync(soldOut));
        foreach (var user in new long[] { 3, 5, 6 }) Assert.Equal(0, await store.CountedAsync(soldOut, user));
        Assert.Equal(1, await store.CountedAsync(open, 1));
        Assert.Equal(1, await store.RequestsOfAsync(1));
        Assert.Equal(1, await store.RequestsOfAsync(3));
        Assert.Equal(0, await store.RequestsOfAsync(5));
        Assert.Equal(1, await store.CouponsOfAsync(3));
    }

    [Fact]
    public async Task The_same_key_twice_in_one_batch_issues_one_coupon_and_a_later_retry_gets_the_same()
    {
        await using var store = await ClaimsOnSqlite.MigratedAsync();
        var template = store.Template(4, stock: 100, perUserLimit: 5);
        var first = store.Claim(template, 9, "same");

        var decisions = await store.InOneBatchAsync(first, store.Claim(template, 9, "same"));
        var retry = await store.Commits.TryClaimAsync(store.Claim(template, 9, "same"), CancellationToken.None);

        Assert.IsType<GateDecision.Granted>(decisions[0]);
        Assert.Equal(new PriorClaim(template.Id, first.Coupon.Id), Assert.IsType<GateDecision.Duplicate>(decisions[1]).Prior);
        Assert.Equal(new PriorClaim(template.Id, first.Coupon.Id), Assert.IsType<GateDecision.Duplicate>(retry).Prior);
        Assert.Equal(1, await store.CouponsOfAsync(9));
        Assert.Equal(1, await store.CountedAsync(template, 9));
    }

    [Fact]
    public async Task A_claim_that_fails_mid_batch_fails_alone_and_every_other_caller_gets_its_own_answer()
    {
        var poisoned = new FailingCoupons.Trigger();
        await using var store = await ClaimsOnSqlite.MigratedAsync(coupons => new FailingCoupons(coupons, poisoned));
        var template = store.Template(5, stock: 2, perUserLimit: 1);
        var poison = store.Claim(template, 2, "b");
        poisoned.Coupon = poison.Coupon.Id;

        var answers = new[] { store.Claim(template, 1, "a"), poison, store.Claim(template, 3, "c"), store.Claim(template, 4, "d") }
            .Select(c => store.Commits.TryClaimAsync(c, CancellationToken.None)).ToArray();
        await store.Commits.StartAsync(CancellationToken.None);
        await Task.WhenAny(Task.WhenAll(answers), Task.Delay(Deadline));

        Assert.All(answers, a => Assert.True(a.IsCompleted, "a caller was never answered"));
        Assert.IsType<GateDecision.Granted>(await answers[0]);
        Assert.Equal("the disk broke", (await Assert.ThrowsAsync<IOException>(() => answers[1])).Message);
        Assert.IsType<GateDecision.Granted>(await answers[2]);
        Assert.IsType<GateDecision.OutOfStock>(await answers[3]); // decided after the poison's claim was undone: stock 2, two granted
        Assert.Equal(0, await store.CountedAsync(template, 2));
        Assert.Equal(0, await store.RequestsOfAsync(2));
        Assert.Equal(2, await store.IssuedAsync(template));
        Assert.Equal(2, await store.CouponsAsync(template));
    }

    [Fact]
    public async Task Claims_queued_when_the_writer_stops_are_each_answered_and_stored_only_when_granted()
    {
        await using var store = await ClaimsOnSqlite.MigratedAsync();
        var template = store.Template(6, stock: 100, perUserLimit: 1);
        await store.Commits.StartAsync(CancellationToken.None);

        Task<GateDecision>[] answers;
        Task stopped;
        await using (await store.Database.BeginWriteAsync(CancellationToken.None)) // the writer waits for SQLite's lock meanwhile
        {
            answers = Enumerable.Range(1, 20).Select(u => store.Commits.TryClaimAsync(store.Claim(template, u, $"key-{u}"), CancellationToken.None))
                .ToArray();
            stopped = store.Commits.StopAsync(CancellationToken.None);
        }
        await Task.WhenAny(Task.WhenAll(stopped, Task.WhenAll(answers).ContinueWith(_ => { }, TaskScheduler.Default)), Task.Delay(Deadline));

        Assert.All(answers, a => Assert.True(a.IsCompleted, "a caller was never answered"));
        var granted = answers.Count(a => a.IsCompletedSuccessfully && a.Result is GateDecision.Granted);
        Assert.All(answers.Where(a => !a.IsCompletedSuccessfully), a => Assert.IsType<ClaimsUnavailableException>(a.Exception!.InnerException));
        Assert.Equal(granted, await store.CouponsAsync(template));
        Assert.Equal(granted, await store.IssuedAsync(template));
        var late = store.Claim(template, 99, "late");
        Assert.Throws<ClaimsUnavailableException>(() => { _ = store.Commits.TryClaimAsync(late, CancellationToken.None); }); // refused at once
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the writer answers its callers on its own thread
    public async Task Claims_queued_from_many_threads_are_written_in_a_few_transactions_and_stay_exact(bool answerOnWriter)
    {
        var writes = new CountingCoupons.Counts();
        await using var store = await ClaimsOnSqlite.MigratedAsync(coupons => new CountingCoupons(coupons, writes), answerOnWriter: answerOnWriter);
        var template = store.Template(7, stock: 150, perUserLimit: 2);
        await store.Commits.StartAsync(CancellationToken.None);

        Task<GateDecision>[] answers;
        await using (await store.Database.BeginWriteAsync(CancellationToken.None)) // every claim queues before the first batch writes
        {
            answers = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Factory.StartNew(
                () => store.Commits.TryClaimAsync(store.Claim(template, 1 + i % 100, $"key-{i}"), CancellationToken.None),
                CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default)));
        }
        var decisions = await Task.WhenAll(answers);

        // 100 users may take 200, the stock is 150: exactly 150 are granted, whatever the order.
        Assert.Equal(150, decisions.Count(d => d is GateDecision.Granted));
        Assert.All(decisions, d => Assert.True(d is GateDecision.Granted or GateDecision.OutOfStock or GateDecision.LimitReached, d.ToString()));
        Assert.Equal(150, await store.IssuedAsync(template));
        Assert.Equal(150, await store.CouponsAsync(template));
        for (var user = 1; user <= 100; user++) Assert.True(await store.CouponsOfAsync(user) <= 2, $"user {user} holds more than 2");
        // The first batch may have taken one claim before the rest queued; the rest come in batches of at most 128.
        Assert.True(writes.Transactions <= 1 + (int)Math.Ceiling(399 / 128.0), $"{writes.Transactions} transactions wrote coupons");
        Assert.Equal(150, writes.Coupons);
    }

    /// <summary>The coupons' store, failing the write of one coupon (alone or in a batch): a broken disk for that claim only.</summary>
    private sealed class FailingCoupons(IUserCoupons inner, FailingCoupons.Trigger trigger) : DelegatingCoupons(inner)
    {
        public sealed class Trigger
        {
            public Kernel.UserCouponId? Coupon { get; set; }
        }

        public override Task AddAsync(UserCoupon coupon, WriteScope scope, CancellationToken ct) =>
            coupon.Id == trigger.Coupon ? throw new IOException("the disk broke") : base.AddAsync(coupon, scope, ct);

        public override Task AddAllAsync(IReadOnlyList<UserCoupon> batch, WriteScope scope, CancellationToken ct) =>
            batch.Any(c => c.Id == trigger.Coupon) ? throw new IOException("the disk broke") : base.AddAllAsync(batch, scope, ct);
    }

    /// <summary>The coupons' store, counting the writes (one per transaction that grants any) and the coupons written.</summary>
    private sealed class CountingCoupons(IUserCoupons inner, CountingCoupons.Counts counts) : DelegatingCoupons(inner)
    {
        public sealed class Counts
        {
            public int Transactions;
            public int Coupons;
        }

        public override Task AddAsync(UserCoupon coupon, WriteScope scope, CancellationToken ct)
        {
            Interlocked.Increment(ref counts.Transactions);
            Interlocked.Increment(ref counts.Coupons);
            return base.AddAsync(coupon, scope, ct);
        }

        public override Task AddAllAsync(IReadOnlyList<UserCoupon> batch, WriteScope scope, CancellationToken ct)
        {
            Interlocked.Increment(ref counts.Transactions);
            Interlocked.Add(ref counts.Coupons, batch.Count);
            return base.AddAllAsync(batch, scope, ct);
        }
    }
}
