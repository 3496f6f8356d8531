using Microsoft.AspNetCore.Http.HttpResults;
using PromotionEngine.Kernel;

namespace PromotionEngine.MerchantAdmin.Http;

/// <summary>The problems only merchant-admin answers (the shared ones are <see cref="ProblemResults"/>).</summary>
internal static class MerchantAdminProblems
{
    public static ProblemHttpResult TemplateNotFound(long id) =>
        ProblemResults.From(new Refusal(ErrorCodes.TemplateNotFound, $"No template {id} belongs to this merchant."));
}
