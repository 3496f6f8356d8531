using System.Runtime.CompilerServices;
using Dapper;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Platform.Messaging;

/// <summary>
/// The published retained events (msg_event_log), oldest first, read page by page so a replay of any length runs in
/// bounded memory.
/// </summary>
internal sealed class SqlEventLog(IDatabase db) : IEventLog
{
    private const int PageSize = 1000;

    public async IAsyncEnumerable<EventEnvelope> ReadAsync(IReadOnlyCollection<string> subjects, [EnumeratorCancellation] CancellationToken ct)
    {
        var after = 0L;
        while (true)
        {
            List<(long Id, string Envelope)> page;
            await using (var connection = await db.OpenAsync(ct))
            {
                page = (await connection.QueryAsync<(long, string)>(new CommandDefinition(
                    "SELECT id, envelope FROM msg_event_log WHERE subject IN @Subjects AND id > @After ORDER BY id LIMIT @Limit",
                    new { Subjects = subjects.ToArray(), After = after, Limit = PageSize }, cancellationToken: ct))).ToList();
            }
            foreach (var (_, envelope) in page) yield return EventEnvelope.FromJson(envelope);
            if (page.Count < PageSize) yield break;
            after = page[^1].Id;
        }
    }
}
