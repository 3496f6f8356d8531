using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.MerchantAdmin.Audit;
using PromotionEngine.MerchantAdmin.Messaging;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>A merchant defines a new coupon template; with an Idempotency-Key a retry returns the first template.</summary>
internal sealed class CreateTemplate(IDatabase db, ICouponTemplates templates, ITemplateAuditTrail audit, IOutbox outbox, IdGenerator ids,
    TimeProvider clock, TemplateCatalog catalog, TemplateWriter writer, IAudienceMembership audiences)
{
    public async Task<TemplateOutcome> HandleAsync(
        Caller caller, MerchantId merchant, CreateTemplateRequest request, IdempotencyKey? key, CancellationToken ct)
    {
        // A retry is answered with the first template even if the request would no longer validate (e.g. its start passed).
        var hash = Hash(request);
        if (key is { } k && await templates.FindRequestAsync(merchant, k, ct) is { } earlier)
            return await writer.ReplayAsync(earlier, hash, ct);

        var now = UtcMillis.Now(clock);
        var errors = new FieldErrors();
        var definition = TemplateDefinition.From(request, now, errors, out var onlyTheZone);
        if (definition is null) return new TemplateOutcome.Invalid(errors, onlyTheZone ? ErrorCodes.UnknownTimeZone : null);
        // The audience is the engine's (it holds the members where the claim gate reads them); only the merchant's own may be named.
        if (definition.Audience is { } audience && await audiences.OwnerOfAsync(audience, ct) != merchant)
            return new TemplateOutcome.Refused(new Refusal(ErrorCodes.AudienceNotFound, $"No audience {audience} of this merchant.", "audienceId"));

        var template = CouponTemplate.Create(new TemplateId(ids.Next()), merchant, definition, now);
        var replayed = await db.WriteWithRetryAsync(async scope =>
        {
            if (key is { } k2 && await templates.RecordRequestAsync(new MerchantRequest(merchant, k2, hash, template.Id), scope, ct) is { } raced)
                return raced;
            await templates.AddAsync(template, scope, ct);
            await audit.AppendAsync(AuditValues.Entry(ids.Next(), template, caller.Subject, TemplateOperations.Create, null,
                AuditValues.Serialize(AuditValues.Of(template))), scope, ct);
            await outbox.AddAsync(TemplateEvents.Created(template), scope, ct);
            await scope.CommitAsync(ct);
            catalog.Forget(template.Id); // in case the id was asked for (and cached as missing) before
            return null;
        }, ct);
        return replayed is null ? new TemplateOutcome.Created(template) : await writer.ReplayAsync(replayed, hash, ct);
    }

    private static string Hash(CreateTemplateRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request))));
}
