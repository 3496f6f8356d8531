using System.Text.Json;

namespace PromotionEngine.WebConsole.Api;

/// <summary>A refusal of the API (problem+json): its code, title and the messages per field.</summary>
internal sealed record ApiProblem(int Status, string Code, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    public static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    public IReadOnlyList<string> For(string field) => Errors.TryGetValue(field, out var messages) ? messages : [];

    /// <summary>Messages of fields the form does not show beside a field (e.g. "$", the body as a whole).</summary>
    public IEnumerable<string> Except(IReadOnlySet<string> shown) =>
        Errors.Where(e => !shown.Contains(e.Key)).SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"));

    public static ApiProblem Read(int status, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Object)
                foreach (var field in list.EnumerateObject())
                    errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                        ? [.. field.Value.EnumerateArray().Select(m => m.GetString() ?? "")]
                        : [field.Value.ToString()];
            return new ApiProblem(status, Text(root, "code") ?? $"HTTP_{status}", Text(root, "title") ?? "", Text(root, "detail"), errors);
        }
        catch (JsonException)
        {
            return new ApiProblem(status, $"HTTP_{status}", body.Length > 200 ? body[..200] : body, null, NoErrors);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
