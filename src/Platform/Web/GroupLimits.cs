namespace PromotionEngine.Platform.Web;

/// <summary>The limits of one endpoint group: per signed-in caller, and per client IP for requests without a valid token.</summary>
internal sealed class GroupLimits
{
    public WindowLimit PerCaller { get; set; } = new();

    public WindowLimit PerIp { get; set; } = new() { PermitLimit = 1000 };
}
