using System.Diagnostics;
using System.Globalization;
using System.Text;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Platform.Messaging.Outbox;

namespace PromotionEngine.Platform.Tests.Messaging;

/// <summary>The relay forwards the stored JSON; what it needs of the envelope it reads without parsing the payload.</summary>
public sealed class ForwardingAnEvent
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_trace_context_is_read_from_the_envelope_members_and_not_the_payload()
    {
        using var activity = new Activity("claim").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "vendor=1";
        var envelope = EventEnvelope.Create(new CouponReleased(1, 2, 3, 4, "traceParent", "RELEASED", "AVAILABLE", At), At, "1");
        var message = OutboxMessage.Of(envelope);

        var (parent, state) = OutboxMessage.TraceOf(message.Utf8());

        Assert.Equal(activity.Id, parent);
        Assert.Equal("vendor=1", state);
    }

    [Fact]
    public void An_envelope_without_a_trace_has_none()
    {
        var envelope = EventEnvelope.Create(new CouponReleased(1, 2, 3, 4, "o", "RELEASED", "AVAILABLE", At), At, "1");

        Assert.Equal((null, null), OutboxMessage.TraceOf(OutboxMessage.Of(envelope).Utf8()));
    }

    [Fact]
    public void The_envelope_is_parsed_only_when_asked_for_and_then_matches()
    {
        var envelope = EventEnvelope.Create(new CouponReleased(1, 2, 3, 4, "o", "RELEASED", "AVAILABLE", At), At, "1");
        var stored = new OutboxMessage(envelope.EventId, envelope.Subject, envelope.PartitionKey, envelope.ToJson());

        Assert.Equal("engine", stored.Producer);
        Assert.Equal(envelope.EventId, stored.Envelope.EventId);
        Assert.Equal(envelope.PayloadAs<CouponReleased>(), stored.Envelope.PayloadAs<CouponReleased>());
    }

    [Fact]
    public void Packed_events_come_back_whole_and_in_order_even_with_line_breaks_in_their_text()
    {
        var first = EventEnvelope.Create(new CouponReleased(1, 2, 3, 4, "line one\nline two", "RELEASED", "AVAILABLE", At), At, "1");
        var second = EventEnvelope.Create(new CouponReleased(5, 2, 3, 4, "o", "RELEASED", "AVAILABLE", At), At, "5");

        var unpacked = OutboxMessage.Unpack(OutboxMessage.Pack([first.ToJson(), second.ToJson()]));

        Assert.Equal([first.EventId, second.EventId], unpacked.Select(m => m.EventId));
        Assert.Equal(["1", "5"], unpacked.Select(m => m.PartitionKey));
        Assert.Equal("line one\nline two", unpacked[0].Envelope.PayloadAs<CouponReleased>().OrderId);
    }

    [Fact]
    public void A_packed_row_is_compressed_and_a_row_packed_as_text_before_V1_4_is_still_read()
    {
        var events = Enumerable.Range(1, 200).Select(i => EventEnvelope.Create(
            new CouponReleased(i, 2, 3, 4, "order-" + i, "RELEASED", "AVAILABLE", At), At, i.ToString(CultureInfo.InvariantCulture))).ToList();
        var text = string.Join('\n', events.Select(e => e.ToJson()));

        var packed = OutboxMessage.Pack(events.Select(e => e.ToJson()));

        Assert.True(packed.Length * 4 < Encoding.UTF8.GetByteCount(text), $"{packed.Length} bytes packed from {text.Length} characters");
        Assert.Equal(events.Select(e => e.EventId), OutboxMessage.Unpack(packed).Select(m => m.EventId));
        Assert.Equal(events.Select(e => e.EventId), OutboxMessage.UnpackText(text).Select(m => m.EventId));
    }
}
