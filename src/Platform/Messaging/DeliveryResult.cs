namespace PromotionEngine.Platform.Messaging;

/// <summary>What became of one delivery to a consumer.</summary>
internal abstract record DeliveryResult
{
    private DeliveryResult() { }

    public sealed record Handled : DeliveryResult;

    /// <summary>The consumer failed; deliver again after <see cref="Delay"/>.</summary>
    public sealed record Retry(TimeSpan Delay, string Error) : DeliveryResult;

    /// <summary>The last attempt failed; the event is in the dead letters now.</summary>
    public sealed record DeadLettered : DeliveryResult;
}
