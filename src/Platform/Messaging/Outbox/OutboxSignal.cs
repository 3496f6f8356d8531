namespace PromotionEngine.Platform.Messaging.Outbox;

/// <summary>Wakes the relay when events were recorded.</summary>
internal sealed class OutboxSignal : WakeSignal;
