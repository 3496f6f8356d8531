using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.Engine.Audiences;

/// <summary>The OpenAPI document's examples of the audience endpoints: merchant 7's 会员日 VIP list.</summary>
internal static class AudienceExamples
{
    public const string AudienceId = "384536415389613001";
    private static readonly DateTimeOffset Created = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly AudienceResponse Audience = new(AudienceId, "7", "会员日 VIP", 12_480, Created, Created.AddDays(16));

    public static readonly ApiExample CreatedAudience = new("created", "A new audience, empty until members are added", 201,
        Audience with { Members = 0, UpdatedAt = Created }, new CreateAudienceRequest("会员日 VIP"));

    public static readonly ApiExample CreatedRuleAudience = new("rule", "Shoppers with at least 3 settled orders in the last 30 days", 201,
        Audience with
        {
            Name = "常客 30 天 3 单",
            Members = 1_204,
            UpdatedAt = Created,
            Rule = new AudienceRuleResponse("SETTLED_ORDERS", null, 30, 3, false, Created),
        },
        new CreateAudienceRequest("常客 30 天 3 单", new AudienceRuleRequest("SETTLED_ORDERS", Days: 30, MinOrders: 3)));

    public static readonly ApiExample Listed = new("audiences", "The merchant's audiences, newest first", 200,
        new Page<AudienceResponse>([Audience], null), Parameters: new Dictionary<string, string> { ["limit"] = "20" });

    public static readonly ApiExample Found = new("found", "One audience with its size", 200, Audience,
        Parameters: new Dictionary<string, string> { ["id"] = AudienceId });

    public static readonly ApiExample Pushed = new("pushed", "The CRM adds three users and removes one that left the programme", 200,
        new AudienceMembersResponse(AudienceId, 3, 1, 12_482), new ChangeAudienceMembersRequest([1001, 1002, 1003], [998]),
        Parameters: new Dictionary<string, string> { ["id"] = AudienceId });
}
