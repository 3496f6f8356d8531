using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Audiences;

/// <summary>The engine's <see cref="IAudienceMembers"/>: another module's additions go through the same change as a push.</summary>
internal sealed class AudienceMembersPort(IAudiences audiences, IAudienceRules rules, ChangeAudienceMembers change) : IAudienceMembers
{
    public async Task<AudienceMembersAdded?> AddAsync(
        AudienceId audience, MerchantId merchant, IReadOnlyList<long> users, string source, CancellationToken ct)
    {
        if (users.Count > Audience.MaxChange) throw new ArgumentException($"At most {Audience.MaxChange} users per change.", nameof(users));
        if (await audiences.FindAsync(audience, ct) is not { } found || found.Merchant != merchant) return null;
        if (await rules.FindAsync(audience, ct) is not null) return null; // a rule picks its members: no file adds to them
        var done = await change.HandleAsync(found, users, [], source, ct);
        return done is null ? null : new AudienceMembersAdded(done.Added, done.Members);
    }

    public async Task<bool> RuleDecidesAsync(AudienceId audience, CancellationToken ct) => await rules.FindAsync(audience, ct) is not null;
}
