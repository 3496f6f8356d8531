using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Claims.Admission;
using PromotionEngine.Kernel;
using static PromotionEngine.Engine.Tests.Durations;

namespace PromotionEngine.Engine.Tests.Claims.Admission;

/// <summary>
/// Once the database has issued a template's whole stock, this instance answers the claims of users who hold no coupon of it
/// OUT_OF_STOCK by itself; the users who do (a retried key may be theirs) still go to the gate; a new stock or version drops it.
/// </summary>
public sealed class DecidingFromTheSoldOutFlag
{
    private static readonly UserId Winner = new(7), Loser = new(8);
    private readonly FakeTimeProvider _clock = new(Clocks.Start);
    private readonly FakeLedger _ledger = new();
    private readonly SoldOutFlags _flags;

    public DecidingFromTheSoldOutFlag() => _flags = Flags(new AdmissionOptions());

    private SoldOutFlags Flags(AdmissionOptions options) =>
        new(_ledger, Options.Create(options), _clock, new EngineMetrics(), NullLogger<SoldOutFlags>.Instance);

    private CouponTemplateSnapshot Template(long stock = 2, int version = 1, TimeSpan? endsIn = null) =>
        new(new TemplateId(42), new MerchantId(3), "CNY", Terminated: false, ValidFrom: _clock.GetUtcNow() - Days(1),
            ValidUntil: _clock.GetUtcNow() + (endsIn ?? Days(1)), ValidityAfterClaim: null, Stock: stock, PerUserLimit: 1, Version: version);

    [Fact]
    public async Task Once_the_database_issued_the_whole_stock_users_without_a_coupon_are_refused_locally_and_winners_go_on_to_the_gate()
    {
        _ledger.Issued = 2;
        _ledger.Winners = [Winner.Value, 99];
        var template = Template();

        await _flags.ConfirmAsync(template, CancellationToken.None);

        Assert.True(_flags.Refuses(template, Loser, _clock.GetUtcNow()));
        Assert.False(_flags.Refuses(template, Winner, _clock.GetUtcNow())); // their retried key is answered by the gate
        Assert.Equal(1, _ledger.Reads);
    }

    [Fact]
    public async Task The_gate_saying_out_of_stock_raises_no_flag_while_the_database_has_not_issued_the_whole_stock()
    {
        _ledger.Issued = 1; // a grant decided in Redis and not yet committed: its winner is not known here yet
        var template = Template();

        await _flags.ConfirmAsync(template, CancellationToken.None);

        Assert.False(_flags.Refuses(template, Loser, _clock.GetUtcNow()));
    }

    [Fact]
    public async Task The_database_is_asked_at_most_once_per_interval()
    {
        _ledger.Issued = 1;
        var template = Template();
        await _flags.ConfirmAsync(template, CancellationToken.None);
        await _flags.ConfirmAsync(template, CancellationToken.None);
        Assert.Equal(1, _ledger.Reads);

        _clock.Advance(new AdmissionOptions().SoldOutConfirmInterval);
        _ledger.Issued = 2;
        await _flags.ConfirmAsync(template, CancellationToken.None);

        Assert.Equal(2, _ledger.Reads);
        Assert.True(_flags.Refuses(template, Loser, _clock.GetUtcNow()));
    }

    [Fact]
    public async Task More_stock_or_any_edit_of_the_template_drops_the_flag()
    {
        _ledger.Issued = 2;
        await _flags.ConfirmAsync(Template(), CancellationToken.None);

        Assert.False(_flags.Refuses(Template(stock: 3, version: 2), Loser, _clock.GetUtcNow()));
        Assert.False(_flags.Refuses(Template(), Loser, _clock.GetUtcNow())); // dropped, not kept for the old snapshot

        await _flags.ConfirmAsync(Template(version: 2), CancellationToken.None);
        Assert.False(_flags.Refuses(Template(version: 3), Loser, _clock.GetUtcNow()));
    }

    [Fact]
    public async Task A_template_out_of_its_window_is_left_to_the_gate_which_answers_ended()
    {
        _ledger.Issued = 2;
        var template = Template(endsIn: Hours(1));
        await _flags.ConfirmAsync(template, CancellationToken.None);

        _clock.Advance(Hours(1));

        Assert.False(_flags.Refuses(template, Loser, _clock.GetUtcNow()));
    }

    [Fact]
    public async Task More_winners_than_an_instance_holds_raise_no_flag()
    {
        var flags = Flags(new AdmissionOptions { SoldOutFlagMaxWinners = 1 });
        _ledger.Issued = 2;
        _ledger.Winners = [1, 2];

        await flags.ConfirmAsync(Template(), CancellationToken.None);

        Assert.False(flags.Refuses(Template(), Loser, _clock.GetUtcNow()));
    }

    [Fact]
    public async Task Switched_off_it_never_reads_nor_refuses()
    {
        var flags = Flags(new AdmissionOptions { SoldOutFlag = false });
        _ledger.Issued = 2;

        await flags.ConfirmAsync(Template(), CancellationToken.None);

        Assert.False(flags.Refuses(Template(), Loser, _clock.GetUtcNow()));
        Assert.Equal(0, _ledger.Reads);
    }

    [Fact]
    public async Task A_failed_read_is_no_refusal_and_the_next_interval_asks_again()
    {
        _ledger.Fails = true;
        await _flags.ConfirmAsync(Template(), CancellationToken.None);
        Assert.False(_flags.Refuses(Template(), Loser, _clock.GetUtcNow()));

        _ledger.Fails = false;
        _ledger.Issued = 2;
        _clock.Advance(new AdmissionOptions().SoldOutConfirmInterval);
        await _flags.ConfirmAsync(Template(), CancellationToken.None);

        Assert.True(_flags.Refuses(Template(), Loser, _clock.GetUtcNow()));
    }

    private sealed class FakeLedger : ISoldOutLedger
    {
        public long Issued { get; set; }
        public long[] Winners { get; set; } = [Winner.Value];
        public bool Fails { get; set; }
        public int Reads { get; private set; }

        public Task<long[]?> WinnersIfSoldOutAsync(TemplateId template, long stock, int maxWinners, CancellationToken ct)
        {
            Reads++;
            if (Fails) throw new InvalidOperationException("the database is down");
            return Task.FromResult(Issued < stock || Winners.Length > maxWinners ? null : Winners.Reverse().ToArray());
        }
    }
}
