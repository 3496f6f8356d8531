namespace PromotionEngine.WebConsole;

/// <summary>Where the console's pages are.</summary>
internal static class ConsolePaths
{
    public const string Root = "/console";
    public const string SignIn = "/console/sign-in";
    public const string SignOut = "/console/sign-out";
    public const string Templates = "/console/templates";
    public const string NewTemplate = "/console/templates/new";
    public const string Operations = "/console/operations";

    // The operators' pages (event backbone at Operations).
    public const string Indexes = "/console/operations/indexes";
    public const string UserSupport = "/console/operations/users";
    public const string SettlementRecords = "/console/operations/orders";

    public static string CouponHistory(string couponId) => $"/console/operations/coupons/{Uri.EscapeDataString(couponId)}";

    public static string SettlementRecord(string orderId) => $"{SettlementRecords}?order={Uri.EscapeDataString(orderId)}";

    // Distribution and analytics (merchant).
    public const string Distribution = "/console/distribution";
    public const string Analytics = "/console/analytics";

    // Campaigns and audiences (merchant).
    public const string Campaigns = "/console/campaigns";
    public const string NewCampaign = "/console/campaigns/new";
    public const string Audiences = "/console/audiences";

    public static string Campaign(string id) => $"{Campaigns}/{Uri.EscapeDataString(id)}";

    public static string Audience(string id) => $"{Audiences}/{Uri.EscapeDataString(id)}";

    public static string EditTemplate(string id) => $"{Templates}/{Uri.EscapeDataString(id)}/edit";

    public static string DistributionTask(string id) => $"{Distribution}/{Uri.EscapeDataString(id)}";

    public static string Template(string id) => $"{Templates}/{Uri.EscapeDataString(id)}";

    /// <summary>A local path to come back to after signing in; anything else (another host, a scheme) is the console's home.</summary>
    public static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith(Root, StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.Contains('\\', StringComparison.Ordinal)
            ? url
            : Root;
}
