using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.MerchantAdmin.Audit;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>Stops all further claims; terminating twice is the same as once.</summary>
internal sealed class TerminateTemplate(TemplateWriter writer)
{
    public Task<TemplateOutcome> HandleAsync(Caller caller, MerchantId merchant, TemplateId id, CancellationToken ct) =>
        writer.ChangeAsync(caller, merchant, id, TemplateOperations.Terminate, (t, now) => t.Terminate(now) switch
        {
            TerminateOutcome.Terminated => null,
            TerminateOutcome.AlreadyTerminated => TemplateWriter.Unchanged,
            _ => new Refusal(ErrorCodes.TemplateEnded, "The template's window has already passed."),
        }, ct);
}
