using Microsoft.AspNetCore.Http.HttpResults;
using PromotionEngine.Contracts.Http.Settlement;
using PromotionEngine.Kernel;

namespace PromotionEngine.Settlement.Http;

/// <summary>The problems only settlement answers (the shared ones are <see cref="ProblemResults"/>).</summary>
internal static class SettlementProblems
{
    /// <summary>422 QUOTE_PICK_INVALID: coupons the caller picked that cannot be used as picked, each with why.</summary>
    public static ProblemHttpResult QuotePickInvalid(IReadOnlyList<UnusableCouponResponse> problems) =>
        ProblemResults.From(new Refusal(ErrorCodes.QuotePickInvalid,
            $"{problems.Count} of the picked coupons cannot be used as picked; nothing was quoted.", "couponIds",
            new Dictionary<string, object?> { ["coupons"] = problems }));
}
