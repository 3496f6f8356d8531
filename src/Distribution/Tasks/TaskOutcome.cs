using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Distribution.Tasks;

/// <summary>Every answer a task command can get; refusals are values (R4).</summary>
internal abstract record TaskOutcome
{
    private TaskOutcome() { }

    public sealed record Created(DistributionTask Task) : TaskOutcome;

    /// <summary>The task as it stands (a status change, or a repeated request answered with the task).</summary>
    public sealed record Done(DistributionTask Task) : TaskOutcome;

    public sealed record NotFound : TaskOutcome;

    /// <summary>The form's fields (VALIDATION_FAILED, <paramref name="Code"/> null) or the file itself (RECIPIENTS_FILE_INVALID).</summary>
    public sealed record Invalid(FieldErrors Errors, ErrorCode? Code = null) : TaskOutcome;

    public sealed record Refused(Refusal Refusal) : TaskOutcome;

    /// <summary>The recipients file passed a reading budget (<see cref="Tabular.WorkbookLimit"/>): nothing was stored.</summary>
    public sealed record FileOverLimit(string Limit, string Message) : TaskOutcome;
}
