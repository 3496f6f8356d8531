using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PromotionEngine.Contracts.Events.Orders.V1;
using PromotionEngine.Contracts.Http.Settlement;

namespace PromotionEngine.Platform.Web.Document;

/// <summary>
/// The document as a whole: what the API is, who to ask, where it is published (Promotion:PublicBaseUrl, never the request's
/// Host header), the bearer scheme, a description per tag, the one problem schema; and every example made to agree with its
/// schema (<see cref="ExampleValues"/>).
/// </summary>
internal sealed class DocumentDescription(ApiDocumentOptions api) : IOpenApiDocumentTransformer
{
    public const string Title = "Promotion Engine API";

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = Title,
            Version = "1.0.0",
            Summary = "Coupon templates, claims, wallets, order checkout, settlement, distribution and search.",
            Description = """
                Merchants define coupon templates (会员日满100减20: 20.00 off a 100.00 order), users claim coupons, order systems quote
                carts, lock, consume, release and refund coupons, merchants push coupons to the users of a file, and shoppers see
                what they may claim on a page.

                - Every call but the exposure search carries a bearer token (JWT) whose role (MERCHANT, USER, SERVICE, OPERATOR) the
                  operation accepts: see each operation's `x-roles` and "Who".
                - Ids are 64-bit and travel as strings of digits. Money is an integer number of minor units (fen, cents) of an
                  ISO-4217 currency; times are ISO-8601 with an offset.
                - Every refusal is `application/problem+json` (RFC 9457) with a stable `code` (schema Problem; docs/errors.md):
                  branch on `code`, never on `detail`. Each operation lists the codes it can answer, with an example each.
                - State-changing calls take an `Idempotency-Key` (required on claims): the same key and request get the first
                  answer again; the key with another request is 409 IDEMPOTENCY_KEY_REUSED.
                - Within v1 members and codes may be added, never renamed or removed.
                """,
            Contact = new OpenApiContact { Name = "Promotion Engine", Url = new Uri("https://promotion-engine.dev") },
            // The repository's LICENSE; the packages say the same (Directory.Build.props).
            License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
        };
        document.Servers = [new OpenApiServer
        {
            Url = api.PublicBaseUrl ?? "/",
            Description = api.PublicBaseUrl is null
                ? "The server this document is read from (Promotion:PublicBaseUrl names the public address)."
                : "The API's public address (Promotion:PublicBaseUrl).",
        }];

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[OperationDescription.Scheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT of the configured issuer and audience naming one caller: role MERCHANT (with merchant_id), USER (with "
                + "user_id), SERVICE or OPERATOR; its subject is who orders, quotes and keys belong to.",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema.Name] = ProblemSchema.Create(document);
        if (document.Components.Schemas.TryGetValue(nameof(OrderEventRequest), out var ingested)
            && ingested is OpenApiSchema { Properties: { } members })
            members["payload"] = await PayloadAsync(context, cancellationToken);
        CurrencyComponent.Apply(document);
        InlineFileParts(document.Components.Schemas);

        var operations = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).ToList();
        var used = operations.SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(t => t.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        document.Tags = new SortedSet<OpenApiTag>(
            used.Select(name => new OpenApiTag { Name = name, Description = api.Tags.GetValueOrDefault(name) }),
            Comparer<OpenApiTag>.Create((a, b) => string.CompareOrdinal(a.Name, b.Name)));

        foreach (var operation in operations)
        {
            foreach (var media in (operation.RequestBody?.Content?.Values ?? []).Concat(
                operation.Responses?.Values.SelectMany(r => r.Content?.Values ?? []) ?? []))
            {
                foreach (var example in media.Examples?.Values.OfType<OpenApiExample>() ?? [])
                    example.Value = ExampleValues.Conform(example.Value?.DeepClone(), media.Schema, document);
            }
        }
    }

    /// <summary>
    /// A file part of a form written inline (type string, format binary) and not as a shared component: client generators
    /// (NSwag) make their file type only for the inline form.
    /// </summary>
    private static void InlineFileParts(IDictionary<string, IOpenApiSchema> schemas)
    {
        var files = schemas.Where(s => s.Value is OpenApiSchema { Format: "binary" }).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var schema in schemas.Values.OfType<OpenApiSchema>())
        {
            foreach (var (name, member) in schema.Properties?.ToList() ?? [])
            {
                if (member is not OpenApiSchemaReference { Reference.Id: { } id } reference || !files.Contains(id)) continue;
                schema.Properties![name] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String, Format = "binary", Description = reference.Description,
                };
            }
        }
        // Only form members use them; were one used elsewhere, the lint (Redocly no-unresolved-refs) would fail.
        foreach (var id in files) schemas.Remove(id);
    }

    /// <summary>
    /// The payload of an ingested order event is the event named by <c>type</c>, read with the events' own contract
    /// (docs/events.md: its ids are JSON numbers there).
    /// </summary>
    private static async Task<IOpenApiSchema> PayloadAsync(OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        var events = new (Type Type, string Name)[]
        {
            (typeof(OrderCreated), OrderCreated.Type), (typeof(PaymentSucceeded), PaymentSucceeded.Type), (typeof(PaymentFailed), PaymentFailed.Type),
            (typeof(OrderCancelled), OrderCancelled.Type), (typeof(RefundSucceeded), RefundSucceeded.Type),
        };
        var choices = new List<IOpenApiSchema>();
        foreach (var (type, name) in events)
        {
            var payload = await context.GetOrCreateSchemaAsync(type, null, ct);
            payload.Title = name;
            choices.Add(payload);
        }
        return new OpenApiSchema
        {
            OneOf = choices,
            Description = "The event named by type, as the order system publishes it (docs/events.md, \"Order events\"); "
                + "the events' contract writes ids as JSON numbers.",
        };
    }
}
