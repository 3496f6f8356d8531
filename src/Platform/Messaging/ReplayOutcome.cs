namespace PromotionEngine.Platform.Messaging;

/// <summary>What replaying a dead letter did.</summary>
internal abstract record ReplayOutcome
{
    private ReplayOutcome() { }

    /// <summary>Back in the outbox (PUBLISH) or handled by its consumer now (CONSUME).</summary>
    public sealed record Replayed(DeadLetter Letter) : ReplayOutcome;

    public sealed record NotFound : ReplayOutcome;

    public sealed record AlreadyReplayed(DeadLetter Letter) : ReplayOutcome;

    /// <summary>The consumer is not served by this process (its role runs elsewhere).</summary>
    public sealed record ConsumerNotHere(DeadLetter Letter) : ReplayOutcome;

    /// <summary>The consumer failed again; the letter stays, with the new error.</summary>
    public sealed record FailedAgain(DeadLetter Letter, string Error) : ReplayOutcome;
}
