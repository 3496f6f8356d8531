namespace PromotionEngine.Platform.Web;

/// <summary>One fixed-window limit: at most <see cref="PermitLimit"/> requests per <see cref="Window"/>; 0 means none.</summary>
internal sealed class WindowLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}
