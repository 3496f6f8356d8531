using System.Text.Json;
using Microsoft.Extensions.Logging;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Search.Index;
using PromotionEngine.Search.Templates;

namespace PromotionEngine.Search.Indexing;

/// <summary>
/// Builds the index from scratch by replaying the template history kept in the event log (template events are
/// retained), oldest first. Merchant-admin's tables are never read: the events are the read model's only source.
/// The history is folded to each template's latest revision first (one document per template, not one update per
/// event), and the catalog is then added newest first (see <see cref="IndexGeneration.Load"/>): memory for one
/// template state per template while the build runs.
/// </summary>
internal sealed partial class ReplayTemplateHistory(SearchIndex index, IEventLog log, ILogger<ReplayTemplateHistory> logger)
{
    public static readonly IReadOnlyCollection<string> Subjects =
    [
        EventSubjects.Of<TemplateCreated>(), EventSubjects.Of<TemplateChanged>(), EventSubjects.Of<TemplateStockAdded>(),
        EventSubjects.Of<TemplateTerminated>(), EventSubjects.Of<TemplateEnded>(),
    ];

    private static readonly string EndedSubject = EventSubjects.Of<TemplateEnded>();

    /// <summary>Replays the log into a new generation unless a replay is running; true when it completed (false: one was running).</summary>
    public async Task<bool> RunAsync(CancellationToken ct)
    {
        var generation = index.BeginRebuild();
        if (generation is null) return false;
        var events = 0L;
        try
        {
            var latest = new Dictionary<long, IndexedTemplate>();
            await foreach (var envelope in log.ReadAsync(Subjects, ct))
            {
                var template = TemplateOf(envelope);
                if (template.Revision.Supersedes(latest.TryGetValue(template.Id, out var had) ? had.Revision : null)) latest[template.Id] = template;
                events++;
            }
            generation.Load(latest.Values);
        }
        catch (Exception e)
        {
            index.AbandonRebuild(generation);
            if (e is not OperationCanceledException) LogReplayFailed(e, events);
            throw;
        }
        index.CompleteRebuild(generation, events);
        LogReplayed(events, generation.Documents);
        return true;
    }

    /// <summary>Every template event carries the whole template; template-ended also says the window closed.</summary>
    public static IndexedTemplate TemplateOf(EventEnvelope envelope)
    {
        var state = envelope.Payload.GetProperty("template").Deserialize<TemplateState>(EventJson.Options)
                    ?? throw new JsonException($"Event {envelope.EventId} carries no template.");
        return IndexedTemplate.From(state, ended: envelope.Subject == EndedSubject);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index built from {Events} template events: {Templates} templates")]
    private partial void LogReplayed(long events, int templates);

    [LoggerMessage(Level = LogLevel.Error, Message = "Building the search index from the event log failed after {Events} events")]
    private partial void LogReplayFailed(Exception error, long events);
}

/// <summary>
/// Every instance applies every template event to its own index as it is published (an every-instance subscription,
/// outside any transaction). Idempotent and order-tolerant: a template's later revision wins, a repeat changes nothing.
/// </summary>
internal sealed class IndexTemplateEvents(SearchIndex index) :
    IInstanceEventHandler<TemplateCreated>, IInstanceEventHandler<TemplateChanged>, IInstanceEventHandler<TemplateStockAdded>,
    IInstanceEventHandler<TemplateTerminated>, IInstanceEventHandler<TemplateEnded>
{
    public const string Consumer = "search.index";

    public Task HandleAsync(TemplateCreated e, EventContext context, CancellationToken ct) => Apply(e.Template, false, context);

    public Task HandleAsync(TemplateChanged e, EventContext context, CancellationToken ct) => Apply(e.Template, false, context);

    public Task HandleAsync(TemplateStockAdded e, EventContext context, CancellationToken ct) => Apply(e.Template, false, context);

    public Task HandleAsync(TemplateTerminated e, EventContext context, CancellationToken ct) => Apply(e.Template, false, context);

    public Task HandleAsync(TemplateEnded e, EventContext context, CancellationToken ct) => Apply(e.Template, true, context);

    private Task Apply(TemplateState template, bool ended, EventContext context)
    {
        index.Apply(IndexedTemplate.From(template, ended), context.Envelope.OccurredAt);
        return Task.CompletedTask;
    }
}
