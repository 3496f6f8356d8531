using PromotionEngine.Platform.Messaging;

namespace PromotionEngine.Host.Commands;

/// <summary>
/// `event-schemas &lt;folder&gt;`: writes the JSON Schema of the envelope and of every public event
/// (<see cref="EventSchemas"/>) there.
/// </summary>
internal static class EventSchemasCommand
{
    public static int Run(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, text) in EventSchemas.All()) File.WriteAllText(Path.Combine(folder, name), text);
        Console.WriteLine($"Wrote {EventSchemas.All().Count} schemas to {folder}.");
        return 0;
    }
}
