namespace PromotionEngine.Platform.Telemetry;

/// <summary>Marks an endpoint served on the management port (metrics, health).</summary>
internal sealed class ManagementEndpoint
{
    public static readonly ManagementEndpoint Instance = new();
}
