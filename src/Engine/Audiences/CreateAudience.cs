using PromotionEngine.Engine.Messaging;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Engine.Audiences;

/// <summary>A merchant names a new, empty audience.</summary>
internal sealed class CreateAudience(IDatabase db, IAudiences audiences, IOutbox outbox, IdGenerator ids, TimeProvider clock)
{
    /// <summary>The new audience, or null with <paramref name="errors"/> filled.</summary>
    public async Task<Audience?> HandleAsync(MerchantId merchant, string? name, FieldErrors errors, CancellationToken ct)
    {
        var trimmed = name?.Trim();
        errors.When(string.IsNullOrEmpty(trimmed), "name", "A name is required.")
              .When(trimmed is { Length: > Audience.MaxNameLength }, "name", $"At most {Audience.MaxNameLength} characters.")
              .Text("name", trimmed);
        if (!errors.IsEmpty) return null;

        var audience = Audience.Create(new AudienceId(ids.Next()), merchant, trimmed!, UtcMillis.Now(clock));
        await db.WriteWithRetryAsync(async scope =>
        {
            await audiences.AddAsync(audience, scope, ct);
            await outbox.AddAsync([AudienceEvents.Created(audience)], scope, ct);
            await scope.CommitAsync(ct);
            return true;
        }, ct);
        return audience;
    }
}
