using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Search.Index;
using PromotionEngine.Search.Indexing;

namespace PromotionEngine.Search.Tests;

public sealed class ReplayingTheHistory : IDisposable
{
    private readonly SearchMetrics _metrics = new();
    private readonly SearchIndex _index;

    public ReplayingTheHistory() =>
        _index = new SearchIndex(Options.Create(new SearchOptions { IndexDirectory = "memory" }), _metrics, new FakeTimeProvider(ATemplate.Now));

    private static TemplateState State(long id, int version, string name, DateTimeOffset? terminatedAt = null) => new(
        id, 7, name, "", "CNY", "SHOP", 501, [], [], "FIXED_AMOUNT", 500, null, null, null, ATemplate.Now.AddDays(-1), ATemplate.Now.AddDays(9),
        null, 100, 1, terminatedAt, version, ATemplate.Now.AddDays(-2), ATemplate.Now.AddDays(-2));

    private static EventEnvelope Envelope<T>(T e) where T : ITemplateEvent =>
        EventEnvelope.Create(e, ATemplate.Now, e.Template.TemplateId.ToString(), e.Template.MerchantId);

    private async Task ReplayAsync(params EventEnvelope[] log) =>
        Assert.True(
            await new ReplayTemplateHistory(_index, new Log(log), NullLogger<ReplayTemplateHistory>.Instance).RunAsync(CancellationToken.None));

    private IReadOnlyList<Templates.IndexedTemplate> All() =>
        _index.Search(LuceneQueries.For(AnIndex.All, _index.Analyzer)!, null, 100)!.Select(h => h.Template).ToList();

    [Fact]
    public async Task Each_template_ends_as_its_latest_revision_whatever_the_order_of_the_log()
    {
        await ReplayAsync(
            Envelope(new TemplateChanged(State(2, 1, "二改"), ["name"])),
            Envelope(new TemplateCreated(State(1, 0, "一"))),
            Envelope(new TemplateCreated(State(2, 0, "二"))),
            Envelope(new TemplateTerminated(State(1, 1, "一", ATemplate.Now))),
            Envelope(new TemplateCreated(State(1, 0, "一")))); // a repeat

        var templates = All();
        Assert.Equal([2L, 1L], templates.Select(t => t.Id));
        Assert.Equal("二改", templates[0].Name);
        Assert.NotNull(templates[1].TerminatedAt);
        Assert.Equal(5, _index.Status().LastRebuildEvents);
    }

    [Fact]
    public async Task An_ended_template_is_known_as_ended_and_is_not_claimable()
    {
        await ReplayAsync(Envelope(new TemplateCreated(State(3, 0, "三"))), Envelope(new TemplateEnded(State(3, 0, "三"))));

        Assert.True(Assert.Single(All()).Ended);
        Assert.Empty(_index.Search(LuceneQueries.For(AnIndex.All with { ClaimableAt = ATemplate.Now }, _index.Analyzer)!, null, 10)!);
    }

    [Fact]
    public async Task A_second_replay_while_one_runs_is_not_started()
    {
        var blocked = new TaskCompletionSource();
        var replay = new ReplayTemplateHistory(_index, new Log([], blocked.Task), NullLogger<ReplayTemplateHistory>.Instance);
        var first = replay.RunAsync(CancellationToken.None);

        Assert.False(await replay.RunAsync(CancellationToken.None));
        blocked.SetResult();
        Assert.True(await first);
    }

    private sealed class Log(IReadOnlyList<EventEnvelope> events, Task? gate = null) : IEventLog
    {
        public async IAsyncEnumerable<EventEnvelope> ReadAsync(IReadOnlyCollection<string> subjects, [EnumeratorCancellation] CancellationToken ct)
        {
            if (gate is not null) await gate;
            foreach (var e in events.Where(e => subjects.Contains(e.Subject))) yield return e;
        }
    }

    public void Dispose()
    {
        _index.Dispose();
        _metrics.Dispose();
    }
}
