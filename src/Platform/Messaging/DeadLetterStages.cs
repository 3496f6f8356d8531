namespace PromotionEngine.Platform.Messaging;

internal static class DeadLetterStages
{
    /// <summary>The relay could not hand the event to the broker.</summary>
    public const string Publish = "PUBLISH";

    /// <summary>A consumer failed on the event on every delivery.</summary>
    public const string Consume = "CONSUME";
}
