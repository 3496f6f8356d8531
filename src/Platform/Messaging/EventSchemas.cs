using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Platform.Messaging;

/// <summary>
/// The published contract of every event: a JSON Schema per subject (its payload), and one for the envelope,
/// generated from the Contracts types so the documented schemas are the ones the code writes. The
/// Host's `event-schemas &lt;folder&gt;` command writes them; a test fails when the committed files fall behind.
/// </summary>
internal static class EventSchemas
{
    private static readonly JsonSerializerOptions Options = new(EventJson.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    /// <summary>The public events: every concrete event type in Contracts (module-internal timers are not part of the contract).</summary>
    public static IReadOnlyList<Type> PublicEvents { get; } = typeof(Contracts.Http.Page<>).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IIntegrationEvent).IsAssignableFrom(t))
        .OrderBy(SubjectOf, StringComparer.Ordinal)
        .ToList();

    public static string SubjectOf(Type eventType) =>
        (string)typeof(EventSchemas).GetMethod(nameof(Subject), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(eventType)
            .Invoke(null, null)!;

    private static string Subject<T>() where T : IIntegrationEvent => EventSubjects.Of<T>();

    /// <summary>File name → schema text, for the envelope and every public event.</summary>
    public static IReadOnlyDictionary<string, string> All()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["envelope.schema.json"] = Render(typeof(EventEnvelope), "The envelope of every event."),
        };
        foreach (var type in PublicEvents) files[SubjectOf(type) + ".schema.json"] = Render(type, $"Payload of {SubjectOf(type)}.");
        return files;
    }

    private static string Render(Type type, string title)
    {
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(Options, type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        var document = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = title,
        };
        foreach (var (key, value) in schema.AsObject()) document[key] = value?.DeepClone();
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
