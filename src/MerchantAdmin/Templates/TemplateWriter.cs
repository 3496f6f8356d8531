using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.MerchantAdmin.Audit;
using PromotionEngine.MerchantAdmin.Messaging;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>
/// The transaction every change to an existing template shares: read it inside the write, let the
/// aggregate decide, save with a version check and append the audit entry in the same commit.
/// </summary>
internal sealed class TemplateWriter(IDatabase db, ICouponTemplates templates, ITemplateAuditTrail audit, IOutbox outbox, IdGenerator ids,
    TimeProvider clock, TemplateCatalog catalog, IKeyedRequests keys)
{
    /// <param name="change">Applies the change; returns a refusal, or null when the template changed.
    /// Returns <see cref="Unchanged"/> when the template is already as asked (a repeated request).</param>
    /// <param name="request">The Idempotency-Key request to record in the same transaction, if the caller sent a key.</param>
    public Task<TemplateOutcome> ChangeAsync(Caller caller, MerchantId merchant, TemplateId id, string operation,
        Func<CouponTemplate, DateTimeOffset, Refusal?> change, CancellationToken ct, MerchantRequest? request = null) =>
        db.WriteWithRetryAsync<TemplateOutcome>(async scope =>
        {
            var template = await templates.FindAsync(id, scope, ct);
            if (template is null || template.Merchant != merchant) return new TemplateOutcome.NotFound();
            var now = UtcMillis.Now(clock);
            var before = AuditValues.Of(template);
            var stockBefore = template.Stock;
            var refusal = change(template, now);
            if (ReferenceEquals(refusal, Unchanged)) return new TemplateOutcome.Done(template);
            if (refusal is not null) return new TemplateOutcome.Refused(refusal);

            var diff = AuditValues.Diff(before, AuditValues.Of(template));
            if (!diff.Changed) return new TemplateOutcome.Done(template); // asked for what already is: nothing to store or audit
            if (request is not null && await templates.RecordRequestAsync(request, scope, ct) is { } raced)
                return await ReplayAsync(raced, request.RequestHash, ct); // a concurrent retry with the key won
            await templates.SaveAsync(template, scope, ct);
            await audit.AppendAsync(AuditValues.Entry(ids.Next(), template, caller.Subject, operation, diff.Before, diff.After), scope, ct);
            await outbox.AddAsync(TemplateEvents.Changed(template, operation, diff, stockBefore), scope, ct);
            await keys.ClaimAsync(scope, ct); // the request's Idempotency-Key, if any, commits with the change
            await scope.CommitAsync(ct);
            catalog.Forget(template.Id);
            return new TemplateOutcome.Done(template);
        }, ct);

    /// <summary>
    /// Answers a request whose Idempotency-Key was used before: the same request gets the template as it is
    /// now; a different request under the same key is refused.
    /// </summary>
    public async Task<TemplateOutcome> ReplayAsync(MerchantRequest earlier, string hash, CancellationToken ct)
    {
        if (earlier.RequestHash != hash)
            return new TemplateOutcome.Refused(new Refusal(ErrorCodes.IdempotencyKeyReused,
                "This Idempotency-Key was already used with a different request."));
        var template = await templates.FindAsync(earlier.Template, ct);
        return template is null ? new TemplateOutcome.NotFound() : new TemplateOutcome.Done(template);
    }

    /// <summary>Returned by a change that had nothing to do; nothing is saved or audited.</summary>
    public static readonly Refusal Unchanged = new(new ErrorCode("UNCHANGED", 409, "A marker, never answered."), "Nothing to change.");
}
