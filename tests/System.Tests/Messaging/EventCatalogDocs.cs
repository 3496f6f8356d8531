using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Platform.Messaging;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Messaging;

/// <summary>docs/events.md and docs/events/schemas say what the code publishes: every event, its schema, an example that parses.</summary>
public sealed partial class EventCatalogDocs
{
    private static readonly string Root = Repository.Root;
    private static readonly string Markdown = File.ReadAllText(Path.Combine(Root, "docs", "events.md"));

    private static readonly JsonSerializerOptions Strict = new(EventJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public static TheoryData<string> Subjects() => [.. EventSchemas.PublicEvents.Select(EventSchemas.SubjectOf)];

    [Fact]
    public void The_committed_schemas_are_the_ones_the_code_generates()
    {
        var folder = Path.Combine(Root, "docs", "events", "schemas");
        var committed = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

        foreach (var (name, text) in EventSchemas.All())
        {
            Assert.True(
                committed.TryGetValue(name, out var file),
                $"{name} is missing: run `dotnet run --project src/Host -- event-schemas \"$PWD/docs/events/schemas\"`.");
            Assert.True(file == text, $"{name} is out of date: run `dotnet run --project src/Host -- event-schemas \"$PWD/docs/events/schemas\"`.");
        }
        Assert.Empty(committed.Keys.Except(EventSchemas.All().Keys)); // no schema of an event that no longer exists
    }

    [Theory]
    [MemberData(nameof(Subjects))]
    public void Every_event_is_documented_with_an_example_that_is_exactly_its_payload(string subject)
    {
        var type = EventSchemas.PublicEvents.Single(t => EventSchemas.SubjectOf(t) == subject);
        var section = Regex.Match(
            Markdown, $@"^### [a-z-]+ \(`{Regex.Escape(subject)}`\)\s*$(?<body>.*?)^```json\s*$(?<json>.*?)^```",
            RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(section.Success, $"docs/events.md has no section with an example for {subject}.");
        var example = section.Groups["json"].Value;

        var parsed = JsonSerializer.Deserialize(example, type, Strict); // an unknown field fails here

        Assert.NotNull(parsed);
        AssertSameFields(JsonNode.Parse(JsonSerializer.Serialize(parsed, type, EventJson.Options))!, JsonNode.Parse(example)!, subject);
    }

    [Fact]
    public void The_envelope_example_is_an_envelope_whose_payload_is_its_event()
    {
        var example = EnvelopeExample().Match(Markdown).Groups["json"].Value;

        var envelope = JsonSerializer.Deserialize<EventEnvelope>(example, Strict)!;

        Assert.Equal(EventSchemas.SubjectOf(typeof(Contracts.Events.Engine.V1.CouponClaimed)), envelope.Subject);
        Assert.Equal(7, envelope.EventId.Version);
        Assert.NotNull(envelope.PayloadAs<Contracts.Events.Engine.V1.CouponClaimed>());
    }

    [Fact]
    public void The_order_events_are_documented_as_the_order_system_publishes_them()
    {
        var section = OrderEventsSection().Match(Markdown);
        Assert.True(section.Success, "docs/events.md has no \"### Order events\" section before \"### Settlement events\".");
        var text = section.Groups["body"].Value;
        var orders = EventSchemas.PublicEvents.Where(t => EventSubjects.ProducerOf(EventSchemas.SubjectOf(t)) == "orders").ToList();

        Assert.Equal(5, orders.Count); // order-created, payment-succeeded, payment-failed, order-cancelled, refund-succeeded
        foreach (var subject in orders.Select(EventSchemas.SubjectOf))
            Assert.Contains($"### {subject.Split('.')[2]} (`{subject}`)", text);
        foreach (var how in new[] { "Nats-Msg-Id", "promo.orders.<type>.v1", "<Nats:StreamPrefix>_ORDERS", "/api/v1/settlement/order-events",
            "settlement.order-saga" })
            Assert.Contains(how, text);
    }

    [GeneratedRegex(@"^### Order events.*?$(?<body>.*?)^### Settlement events", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex OrderEventsSection();

    /// <summary>Every field the type writes is in the example, and the example has no other (recursively).</summary>
    private static void AssertSameFields(JsonNode written, JsonNode example, string path)
    {
        if (written is not JsonObject w || example is not JsonObject e) return;
        Assert.Equal(w.Select(p => p.Key).Order(StringComparer.Ordinal), e.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (key, value) in w)
            if (value is not null && e[key] is { } other) AssertSameFields(value, other, path + "." + key);
    }

    [GeneratedRegex(@"^## The envelope.*?^```json\s*$(?<json>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex EnvelopeExample();
}
