using System.Diagnostics;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Host.Messaging;
using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.System.Tests.Messaging;

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
}
