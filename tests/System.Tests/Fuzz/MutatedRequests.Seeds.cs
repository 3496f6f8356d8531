using System.Text.Json.Nodes;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Fuzz;

/// <summary>The seed request of each operation: valid path values from the world built first, a JSON or form body from its schema.</summary>
public sealed partial class MutatedRequests
{
    private SeedRequest Seed(ApiOperation operation, Random random)
    {
        var world = _world!;
        var path = operation.Path;
        var seed = new SeedRequest
        {
            Operation = operation,
            MethodsOfPath = _methodsOfPath[operation.Path],
            Json = operation.BodyMediaType?.Contains("json", StringComparison.Ordinal) == true ? JsonBody(operation, random) : null,
            JsonSchema = operation.BodySchema,
            Form = operation.BodyMediaType == "multipart/form-data" ? FormBody(operation) : null,
        };
        foreach (var p in operation.In("path"))
        {
            seed.Path[p.Name] = (p.Name, path) switch
            {
                ("couponId", _) => world.Coupon,
                ("orderId", _) when path.EndsWith("/lock", StringComparison.Ordinal) => "fuzz-lock",
                ("orderId", _) when path.EndsWith("/consume", StringComparison.Ordinal)
                    || path.EndsWith("/release", StringComparison.Ordinal) => world.LockedOrder,
                ("orderId", _) => world.ConsumedOrder,
                ("id", _) when path.StartsWith("/api/v1/merchant/templates/", StringComparison.Ordinal) =>
                    path.EndsWith("/terminate", StringComparison.Ordinal) ? world.TemplateToStop : world.Template,
                ("id", _) when path.StartsWith("/api/v1/me/reminders/", StringComparison.Ordinal) => world.Reminder,
                ("id", _) when path.StartsWith("/api/v1/merchant/distribution-tasks/", StringComparison.Ordinal) => world.Task,
                _ => "1",
            };
        }
        foreach (var q in operation.In("query"))
        {
            string? value = q.Name switch
            {
                "limit" => "10",
                "format" => "json",
                "productId" when path.EndsWith("/exposure", StringComparison.Ordinal) => "1",
                "templateId" => world.Template,
                _ => null,
            };
            if (value is not null || q.Required) seed.Query.Add(new(q.Name, value ?? "1"));
        }
        if (operation.IsWrite) seed.Headers.Add(new("Idempotency-Key", "fuzz-" + operation.Name));
        return seed;
    }

    private JsonNode JsonBody(ApiOperation operation, Random random)
    {
        var schema = operation.BodySchema ?? Schema.Unknown;
        if (schema.Kind == ValueKind.Any)
        {
            // A body the document does not describe (PATCH takes any JSON object): the members the README names.
            return operation.Method == "PATCH" ? new JsonObject { ["description"] = "fuzzed description" } : new JsonObject();
        }
        return Value(operation, schema, "", random) ?? new JsonObject();
    }

    /// <summary>A value for a schema: what the test knows the member means, else the document's example, else one of its type.</summary>
    private JsonNode? Value(ApiOperation operation, Schema schema, string label, Random random)
    {
        if (label.Length > 0 && Known(operation, label) is { } known) return known.Value;
        if (schema.Examples.Count > 0) return schema.Examples[0]?.DeepClone();
        return schema.Kind switch
        {
            ValueKind.Object => new JsonObject(schema.Properties.Where(p => Known(operation, label + "." + p.Key) is not { Omit: true })
                .Select(p => KeyValuePair.Create(p.Key, Value(operation, p.Value, label + "." + p.Key, random)))),
            ValueKind.Array => new JsonArray(Value(operation, schema.Items ?? Schema.Unknown, label + "[0]", random)),
            ValueKind.Integer or ValueKind.Number => 1,
            ValueKind.Boolean => false,
            ValueKind.String when schema.IsDateTime => _world!.Now.AddHours(1).ToString("O"),
            ValueKind.String when schema.Format == "uuid" =>
                new Guid(Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256)).ToArray()).ToString(),
            ValueKind.String => "fuzz",
            _ => new JsonObject(),
        };
    }

    /// <summary>Members whose meaning the document does not carry (enums, ids of things that exist): what a real caller sends.</summary>
    private Optional? Known(ApiOperation operation, string label)
    {
        var world = _world!;
        var path = operation.Path;
        var name = label[(label.LastIndexOf('.') + 1)..];
        var inLines = label.StartsWith(".lines[", StringComparison.Ordinal);
        var templates = path.StartsWith("/api/v1/merchant/templates", StringComparison.Ordinal);
        JsonNode? value;
        switch (name)
        {
            case "name": value = "Fuzzed template"; break;
            case "description": value = "fuzz"; break;
            case "currency": value = "CNY"; break;
            case "scope": value = "PLATFORM"; break;
            case "type": value = path.EndsWith("/order-events", StringComparison.Ordinal) ? "order-cancelled" : "THRESHOLD"; break;
            case "shopId" or "productId" when inLines: value = 1; break;
            case "categoryIds" when inLines: value = new JsonArray(1); break;
            case "shopId" or "productIds" or "categoryIds" or "percentOff" or "maxDiscountAmount" or "quoteId": value = null; break;
            case "discountAmount": value = 1000; break;
            case "thresholdAmount": value = 10_000; break;
            // A change names what it changes: a new name and description (the world's template has the highest limit already).
            case "validUntil" or "perUserLimit" when operation.Method == "PATCH": return new Optional(null, Omit: true);
            case "validFrom": value = world.Now.AddMinutes(-1).ToString("O"); break;
            case "validUntil": value = world.Now.AddDays(30).ToString("O"); break;
            case "validityAfterClaim": value = "P7D"; break;
            case "stock": value = 1000; break;
            case "perUserLimit": value = 100; break;
            case "exclusive": value = false; break;
            case "priority": value = 0; break;
            case "funding": value = "MERCHANT"; break;
            case "platformShareBps": value = 0; break;
            case "templateId":
                value = path.StartsWith("/api/v1/me/reminders", StringComparison.Ordinal) ? world.FutureTemplate : world.Template;
                break;
            case "userId": value = _user; break;
            case "couponIds": value = path.EndsWith("/lock", StringComparison.Ordinal) ? new JsonArray(world.Coupon) : null; break;
            case "ttlSeconds": value = 900; break;
            case "sku": value = "sku-1"; break;
            case "unitPrice": value = 20_000; break;
            case "quantity": value = templates ? 10 : 1; break;
            case "shippingFee" or "amount": value = 0; break;
            case "refundId": value = "fuzz-refund"; break;
            case "minutesBefore": value = 5; break;
            case "occurredAt": value = world.Now.ToString("O"); break;
            case "payload":
                value = new JsonObject { ["orderId"] = "fuzz-event-order", ["reason"] = "fuzz", ["cancelledAt"] = world.Now.ToString("O") };
                break;
            default: return null;
        }
        return new Optional(value);
    }

    /// <summary>A known value; <paramref name="Omit"/>: the member is left out of the body.</summary>
    private sealed record Optional(JsonNode? Value, bool Omit = false);

    /// <summary>The multipart form: its parts as the document lists them, with the values of a real task where the test knows them.</summary>
    private List<FormPart> FormBody(ApiOperation operation)
    {
        var parts = new List<FormPart>();
        var schema = operation.BodySchema ?? Schema.Unknown;
        var known = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["templateId"] = _world!.Template, ["name"] = "Fuzz push", ["startAt"] = _world.Now.AddDays(1).ToString("O"), ["notify"] = "IN_APP",
        };
        foreach (var (name, property) in schema.Properties)
            parts.Add(property.Format == "binary" ? new FormPart(name, Recipients(), "recipients.csv", "text/csv")
                : FormPart.Text(name, known.GetValueOrDefault(name, "1")));
        if (schema.Format == "binary" && parts.All(p => p.FileName is null)) parts.Add(
            new FormPart("file", Recipients(), "recipients.csv", "text/csv"));
        if (operation.Path.EndsWith("/distribution-tasks", StringComparison.Ordinal))
        {
            foreach (var (name, value) in new[] { ("templateId", _world!.Template), ("name", "Fuzz push"),
                ("startAt", _world.Now.AddDays(1).ToString("O")) })
                if (parts.All(p => p.Name != name)) parts.Add(FormPart.Text(name, value));
        }
        return parts;
    }

    private static byte[] Recipients() => Distributions.CsvOfUsers([EngineApp.NewId(), EngineApp.NewId()]);
}
