using Microsoft.Extensions.Logging;
using PromotionEngine.Engine.Messaging;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Engine.Audiences;

/// <summary>
/// Users join and leave an audience: pushed by another system, read from a merchant's file, or picked by a rule. The members'
/// table is the truth and changes in one transaction with the count and the event; the Redis claim gate's copies are told
/// afterwards. A copy that missed it cannot grant a removed user (every group commit re-checks membership in the database) nor
/// refuse an added one for long (a NOT_IN_AUDIENCE from Redis is checked against the database before it is answered).
/// </summary>
internal sealed partial class ChangeAudienceMembers(
    IDatabase db, IAudiences audiences, IAudienceCopies copies, IOutbox outbox, TimeProvider clock, ILogger<ChangeAudienceMembers> log)
{
    /// <summary>Checks the lists: positive ids, at most <see cref="Audience.MaxChange"/> in all, no user in both.</summary>
    public static FieldErrors Check(IReadOnlyList<long>? add, IReadOnlyList<long>? remove, FieldErrors errors)
    {
        var adding = add ?? [];
        var removing = remove ?? [];
        errors.When(adding.Count == 0 && removing.Count == 0, "$", "Name users to add, to remove, or both.")
              .When(adding.Count + removing.Count > Audience.MaxChange, "$", $"At most {Audience.MaxChange} user ids in one change.")
              .When(adding.Any(u => u < 1), "add", "User ids are positive.")
              .When(removing.Any(u => u < 1), "remove", "User ids are positive.")
              .When(adding.Intersect(removing).Any(), "remove", "A user is added or removed, not both.");
        return errors;
    }

    /// <summary>The change applied (null: no such audience). The lists are checked already (<see cref="Check"/>).</summary>
    public async Task<MembersChange?> HandleAsync(
        Audience audience, IReadOnlyList<long> add, IReadOnlyList<long> remove, string source, CancellationToken ct)
    {
        var adding = add.Distinct().Order().ToList();
        var removing = remove.Distinct().Order().ToList();
        var now = UtcMillis.Now(clock);
        var change = await db.WriteWithRetryAsync(async scope =>
        {
            var done = await audiences.ChangeMembersAsync(audience.Id, adding, removing, now, scope, ct);
            if (done is null) return null;
            if (done.Added + done.Removed > 0)
                await outbox.AddAsync([AudienceEvents.MembersChanged(audience.Id, audience.Merchant, done, source, now)], scope, ct);
            await scope.CommitAsync(ct);
            return done;
        }, ct);
        if (change is not null) await TellCopiesAsync(audience.Id, adding, removing);
        return change;
    }

    /// <summary>
    /// The same change in the caller's transaction (an event handler's, which must not open a second one): the members, the count
    /// and the event. The caller tells the copies (<see cref="TellCopiesAsync"/>).
    /// </summary>
    public async Task<MembersChange?> InScopeAsync(
        AudienceId id, MerchantId merchant, IReadOnlyList<long> add, IReadOnlyList<long> remove, string source, WriteScope scope,
        CancellationToken ct)
    {
        var now = UtcMillis.Now(clock);
        var done = await audiences.ChangeMembersAsync(id, add, remove, now, scope, ct);
        if (done is { Added: > 0 } or { Removed: > 0 })
            await outbox.AddAsync([AudienceEvents.MembersChanged(id, merchant, done, source, now)], scope, ct);
        return done;
    }

    /// <summary>Applies a change to the Redis copies; a failure is logged (the gates' database checks cover a copy that missed it).</summary>
    public async Task TellCopiesAsync(AudienceId id, IReadOnlyList<long> added, IReadOnlyList<long> removed)
    {
        try
        {
            await copies.MembersChangedAsync(id, added, removed, CancellationToken.None); // committed: the copies follow whatever the caller does
        }
#pragma warning disable CA1031 // the change is committed; a copy that missed it is caught by the gate's database checks (above)
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogCopiesMissed(log, id.Value, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Audience {Audience} changed, but its Redis copies could not be told; claims re-check membership in the database meanwhile")]
    private static partial void LogCopiesMissed(ILogger log, long audience, Exception error);
}
