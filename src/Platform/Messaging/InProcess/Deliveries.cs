using System.Data;
using System.Globalization;
using System.Text;
using Dapper;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging.Outbox;

namespace PromotionEngine.Platform.Messaging.InProcess;

/// <summary>
/// Rows of msg_deliveries as they are written: one event (its envelope as JSON), or several of one consumer packed
/// (<see cref="OutboxMessage.Pack"/>; the envelope column is then empty and the key reads "*", each event keeps its own). A packed
/// row of n events owns the ids from its own to its own + n - 1: it takes n ids from the generator, which are increasing, so no
/// other delivery can fall between them. When it is split into deliveries of one event each, event i takes its row's id + i, and
/// the events stay in order with every delivery written before or after them.
/// </summary>
internal static class Deliveries
{
    private const int MaxRowsPerStatement = 500;

    internal sealed record Delivery(long Id, string Consumer, string PartitionKey, string Envelope, byte[]? Packed, int Count);

    public static Delivery Single(long id, string consumer, OutboxMessage message) =>
        new(id, consumer, message.PartitionKey, message.Json, null, 1);

    /// <summary>The events packed in one row (two or more); takes as many ids as they are (see the class).</summary>
    public static Delivery Packed(IdGenerator ids, string consumer, IReadOnlyList<OutboxMessage> messages)
    {
        var id = ids.Next();
        for (var i = 1; i < messages.Count; i++) ids.Next();
        return new Delivery(id, consumer, "*", "", OutboxMessage.Pack(messages.Select(m => m.Json)), messages.Count);
    }

    /// <summary>A packed row's events as deliveries of their own, each at its place in the row's ids (see the class).</summary>
    public static IEnumerable<Delivery> Split(long id, string consumer, IReadOnlyList<OutboxMessage> messages) =>
        messages.Select((m, i) => Single(id + i, consumer, m));

    public static async Task InsertAsync(IReadOnlyList<Delivery> deliveries, long now, WriteScope scope, CancellationToken ct)
    {
        foreach (var chunk in deliveries.Chunk(MaxRowsPerStatement))
        {
            var sql = new StringBuilder(
                "INSERT INTO msg_deliveries (id, consumer, partition_key, envelope, packed, event_count, attempts, next_attempt_at, last_error) " +
                "VALUES ");
            var args = new DynamicParameters(new { Now = now });
            for (var i = 0; i < chunk.Length; i++)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? "" : ", ").Append($"(@i{n}, @c{n}, @k{n}, @v{n}, @z{n}, @n{n}, 0, @Now, NULL)");
                args.Add("i" + n, chunk[i].Id);
                args.Add("c" + n, chunk[i].Consumer);
                args.Add("k" + n, chunk[i].PartitionKey);
                args.Add("v" + n, chunk[i].Envelope);
                args.Add("z" + n, chunk[i].Packed, DbType.Binary);
                args.Add("n" + n, chunk[i].Count);
            }
            await scope.Connection.ExecuteAsync(new CommandDefinition(sql.ToString(), args, scope.Transaction, cancellationToken: ct));
        }
    }
}
