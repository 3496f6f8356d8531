using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>Reads what a JetStream stream holds, from the first message, as the broker stored it (duplicates included, if any got in).</summary>
public static class JetStreamContents
{
    public static async Task<IReadOnlyList<EventEnvelope>> ReadAllAsync(string url, string stream)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = url });
        var js = new NatsJSContext(connection);
        var info = await js.GetStreamAsync(stream);
        var total = (long)info.Info.State.Messages;
        var consumer = await js.CreateOrderedConsumerAsync(stream, new NatsJSOrderedConsumerOpts { DeliverPolicy = ConsumerConfigDeliverPolicy.All });
        var read = new List<EventEnvelope>();
        if (total == 0) return read;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var msg in consumer.ConsumeAsync<byte[]>(cancellationToken: timeout.Token))
        {
            read.Add(EventEnvelope.FromJson(msg.Data ?? []));
            if (read.Count >= total) break;
        }
        return read;
    }
}
