using PromotionEngine.Contracts.Engine;

namespace PromotionEngine.Distribution.Recipients;

/// <summary>Why a recipient row got no coupon: the stable reason codes of the failures report (docs/errors.md).</summary>
internal static class FailureReasons
{
    public const string InvalidUserId = "INVALID_USER_ID";
    public const string DuplicateRow = "DUPLICATE_ROW";
    public const string UserLimitReached = "USER_LIMIT_REACHED";
    public const string OutOfStock = "OUT_OF_STOCK";
    public const string TemplateNotFound = "TEMPLATE_NOT_FOUND";
    public const string TemplateTerminated = "TEMPLATE_TERMINATED";
    public const string TemplateEnded = "TEMPLATE_ENDED";
    public const string TemplateNotStarted = "TEMPLATE_NOT_STARTED";
    public const string CampaignLimitReached = "CAMPAIGN_LIMIT_REACHED";
    public const string CampaignEnded = "CAMPAIGN_ENDED";
    public const string CampaignNotStarted = "CAMPAIGN_NOT_STARTED";

    private static readonly HashSet<string> All =
        [InvalidUserId, DuplicateRow, UserLimitReached, OutOfStock, TemplateNotFound, TemplateTerminated, TemplateEnded, TemplateNotStarted,
            CampaignLimitReached, CampaignEnded, CampaignNotStarted];

    /// <summary>The longest raw value kept (the rest is cut, with an ellipsis).</summary>
    public const int MaxRawLength = 100;

    public static string Of(DistributionRefusal refusal) => refusal switch
    {
        DistributionRefusal.UserLimitReached => UserLimitReached,
        DistributionRefusal.OutOfStock => OutOfStock,
        DistributionRefusal.TemplateNotFound => TemplateNotFound,
        DistributionRefusal.TemplateTerminated => TemplateTerminated,
        DistributionRefusal.TemplateEnded => TemplateEnded,
        DistributionRefusal.TemplateNotStarted => TemplateNotStarted,
        DistributionRefusal.CampaignLimitReached => CampaignLimitReached,
        DistributionRefusal.CampaignEnded => CampaignEnded,
        DistributionRefusal.CampaignNotStarted => CampaignNotStarted,
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "Not a refusal."),
    };

    /// <summary>Only known codes reach SQL as literals.</summary>
    public static string Checked(string reason)
        => All.Contains(reason) ? reason : throw new ArgumentException($"Unknown failure reason '{reason}'.", nameof(reason));

    public static string Raw(string value) => value.Length <= MaxRawLength ? value : value[..(MaxRawLength - 1)] + "…";
}
