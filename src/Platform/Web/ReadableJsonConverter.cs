using System.Text.Json;
using System.Text.Json.Serialization;

namespace PromotionEngine.Platform.Web;

/// <summary>
/// A JSON body bound as a <see cref="JsonElement"/> (PATCH, an order event's payload) is checked for text .NET cannot
/// read: a string or member name in invalid UTF-8, or with an unpaired surrogate escape (<c>"\ud800"</c>). The parser
/// lets both through and the first <see cref="JsonElement.GetString"/> would throw; here they are a JsonException, so
/// the request is a 400 MALFORMED_REQUEST naming the member, like any other body that is not the expected JSON.
/// Parsing an element by hand bypasses the options' <see cref="JsonSerializerOptions.AllowDuplicateProperties"/>, so a
/// member given twice is looked for here too, and refused with the serializer's own wording.
/// </summary>
internal sealed class ReadableJsonConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var atRoot = reader.CurrentDepth == 0;
        using var document = JsonDocument.ParseValue(ref reader);
        if (!options.AllowDuplicateProperties && FirstDuplicate(document.RootElement) is { } twice)
            throw new JsonException($"Duplicate property '{twice}' encountered during deserialization.");
        if (FirstUnreadable(document.RootElement, "$") is { } at)
        {
            var message = $"'{at}' is not valid Unicode text (invalid UTF-8, or an unpaired surrogate).";
            // At the root the member's own path is the whole path; deeper, the serializer adds where this element sits.
            throw atRoot ? new JsonException(message, at, null, null) : new JsonException(message);
        }
        return document.RootElement.Clone();
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);

    /// <summary>
    /// The first member name given twice in one object, at any depth (names that are not readable text are left to the
    /// check below).
    /// </summary>
    private static string? FirstDuplicate(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in element.EnumerateObject())
                {
                    string? name = null;
                    if (Readable(() => name = member.Name) && !seen.Add(name!)) return name;
                    if (FirstDuplicate(member.Value) is { } inner) return inner;
                }
                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    if (FirstDuplicate(item) is { } inner) return inner;
                return null;
            default:
                return null;
        }
    }

    private static string? FirstUnreadable(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Readable(() => element.GetString()) ? null : path;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    string? name = null;
                    if (!Readable(() => name = member.Name)) return path;
                    if (FirstUnreadable(member.Value, path + "." + name) is { } inner) return inner;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                    if (FirstUnreadable(item, $"{path}[{index++}]") is { } inner) return inner;
                return null;
            default:
                return null;
        }
    }

    private static bool Readable(Func<string?> read)
    {
        try
        {
            read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
