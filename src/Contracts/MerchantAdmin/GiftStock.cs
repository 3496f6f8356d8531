using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel;

namespace PromotionEngine.Contracts.MerchantAdmin;

/// <summary>
/// A GIFT template's stock of gifts as the engine counts it (docs/gifts.md): a budget in units of the gift under
/// <see cref="Key"/> (en_budgets, "g:&lt;templateId&gt;"), whose limit is every gift the merchant added. A lock of one of the template's
/// coupons reserves <see cref="Quantity"/> units with one conditional UPDATE, a consume gives them, a release or a lapsed hold frees
/// them, a refund that breaks the gift's condition (or of the whole order) returns them. Thresholds: percentages of the stock given at
/// which budget-threshold-reached fires (the stock running low).
/// </summary>
public sealed record GiftStock(string Key, long Stock, int Quantity, IReadOnlyList<int> Thresholds)
{
    /// <summary>The percentages of the stock given at which the engine tells (gift stock running low): 80 % and 100 %.</summary>
    public static readonly IReadOnlyList<int> DefaultThresholds = [80, 100];

    public static GiftStock Of(TemplateId template, long stock, int quantity) => new(BudgetKeys.Gift(template), stock, quantity, DefaultThresholds);
}
