using System.Text.Json;
using System.Text.Json.Serialization;

namespace PromotionEngine.Platform.Web;

/// <summary>
/// Times in requests must carry their offset ("Z" or "+08:00"): one without would silently be read in the
/// server's zone. Refused as malformed, naming the field.
/// </summary>
internal sealed class StrictTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("A time is an ISO-8601 string.");
        if (!Kernel.IsoTime.HasOffset(text) || !DateTimeOffset.TryParse(
            text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var time))
            throw new JsonException("A time is ISO-8601 with an offset, e.g. 2026-06-01T00:00:00+08:00.");
        return time;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
