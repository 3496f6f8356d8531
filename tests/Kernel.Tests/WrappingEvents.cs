using System.Text.Json;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Kernel.Tests;

public class WrappingEvents
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private static CouponClaimed AClaim() => new(11, 22, 33, 44, At, At, At.AddDays(7), CouponSources.Claim, null);

    [Fact]
    public void A_subject_names_the_producer_the_type_and_the_version()
    {
        Assert.Equal("promo.engine.coupon-claimed.v1", EventSubjects.Of<CouponClaimed>());
        Assert.Equal("promo.merchant-admin.template-created.v1", EventSubjects.Of<TemplateCreated>());
        Assert.Equal("merchant-admin", EventSubjects.ProducerOf("promo.merchant-admin.template-ended.v1"));
    }

    [Fact]
    public void Template_events_are_kept_in_the_log_and_coupon_events_are_not()
    {
        Assert.True(Retained<TemplateStockAdded>());
        Assert.False(Retained<CouponClaimed>());
    }

    [Fact]
    public void An_envelope_survives_the_wire_whole()
    {
        var envelope = EventEnvelope.Create(AClaim(), At, aggregateId: "11", tenantId: 44);

        var read = EventEnvelope.FromJson(envelope.ToJson());

        Assert.Equal(envelope.EventId, read.EventId);
        Assert.Equal(("coupon-claimed", 1, "engine", 44L, "11"), (read.Type, read.SchemaVersion, read.Producer, read.TenantId, read.PartitionKey));
        Assert.Equal(AClaim(), read.PayloadAs<CouponClaimed>());
    }

    [Fact]
    public void Event_ids_are_time_ordered_uuids()
    {
        var first = EventEnvelope.Create(AClaim(), At, "11");
        var later = EventEnvelope.Create(AClaim(), At.AddMilliseconds(1), "11");

        Assert.Equal(7, first.EventId.Version);
        Assert.True(string.CompareOrdinal(first.EventId.ToString(), later.EventId.ToString()) < 0);
    }

    [Fact]
    public void The_payload_is_camel_case_json_with_every_field_present()
    {
        var json = EventEnvelope.Create(AClaim(), At, "11").ToJson();

        using var document = JsonDocument.Parse(json);
        var payload = document.RootElement.GetProperty("payload");
        Assert.Equal(11, payload.GetProperty("userCouponId").GetInt64());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("sourceId").ValueKind);
    }

    [Fact]
    public void A_scheduled_event_needs_a_key()
    {
        Assert.Throws<ArgumentException>(() => OutgoingEvent.At(AClaim(), At, At.AddDays(1), "", "11"));
        Assert.Equal(At.AddDays(1), OutgoingEvent.At(AClaim(), At, At.AddDays(1), "expiry:11", "11").DueAt);
    }

    [Fact]
    public void A_consumer_name_is_lower_case_words()
    {
        Assert.Throws<ArgumentException>(() => EventSubscription.EveryInstance<TemplateCreated, Ignore>("Search Index"));
        Assert.Equal("promo.merchant-admin.template-created.v1", EventSubscription.EveryInstance<TemplateCreated, Ignore>("search.index").Subject);
    }

    private static bool Retained<T>() where T : IIntegrationEvent => T.Retained;

    private sealed class Ignore : IInstanceEventHandler<TemplateCreated>
    {
        public Task HandleAsync(TemplateCreated @event, EventContext context, CancellationToken ct) => Task.CompletedTask;
    }
}
