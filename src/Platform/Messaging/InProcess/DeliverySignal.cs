namespace PromotionEngine.Platform.Messaging.InProcess;

/// <summary>Wakes the in-process consumers when the relay recorded deliveries.</summary>
internal sealed class DeliverySignal : WakeSignal;
