using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Platform.Messaging;

/// <summary>An event that ran out of attempts, as msg_dead_letters keeps it.</summary>
internal sealed record DeadLetter(long Id, string Stage, string? Consumer, EventEnvelope Envelope, bool Retained, int Attempts, string LastError,
    DateTimeOffset DeadAt, DateTimeOffset? ReplayedAt);
