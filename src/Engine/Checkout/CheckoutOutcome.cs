using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Checkout;

internal abstract record CheckoutOutcome
{
    private CheckoutOutcome() { }

    /// <summary>Done now, or done before and answered the same way again.</summary>
    public sealed record Done(OrderCouponsResponse Response) : CheckoutOutcome;

    public sealed record Refused(Refusal Refusal) : CheckoutOutcome;
}
