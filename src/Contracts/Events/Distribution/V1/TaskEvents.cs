using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Contracts.Events.Distribution.V1;

/// <summary>
/// A distribution task's counts at the moment of the fact. Processed = Issued + Failed; rows refused while the
/// file was read (INVALID_USER_ID, DUPLICATE_ROW) count as failed. TotalRows is null until the file is counted.
/// </summary>
public sealed record TaskCounts(long? TotalRows, long Processed, long Issued, long Failed);

/// <summary>Distribution task events share their producer and are kept in the event log (few, and they define a task's history).</summary>
public interface IDistributionTaskEvent : IIntegrationEvent
{
    static string IIntegrationEvent.Producer => "distribution";
    static int IIntegrationEvent.SchemaVersion => 1;
    static bool IIntegrationEvent.Retained => true;

    long TaskId { get; }
    long MerchantId { get; }
    long TemplateId { get; }
}

/// <summary>A merchant uploaded a recipients file; the task starts at StartAt once the file is counted.</summary>
/// <param name="Notify">The channels each recipient is told through (IN_APP, POPUP, EMAIL, SMS); empty: none.</param>
public sealed record DistributionTaskCreated(
    long TaskId, long MerchantId, long TemplateId, string Name, DateTimeOffset StartAt, IReadOnlyList<string> Notify,
    string FileName, string FileFormat, long FileBytes, DateTimeOffset CreatedAt) : IDistributionTaskEvent
{
    public static string Type => "distribution-task-created";
}

/// <summary>The task began issuing coupons (its start time came and its file is counted).</summary>
public sealed record DistributionTaskStarted(
    long TaskId,
    long MerchantId,
    long TemplateId,
    TaskCounts Counts,
    DateTimeOffset StartedAt) : IDistributionTaskEvent
{
    public static string Type => "distribution-task-started";
}

/// <summary>The merchant paused the task; no chunk starts until it is resumed.</summary>
public sealed record DistributionTaskPaused(
    long TaskId,
    long MerchantId,
    long TemplateId,
    TaskCounts Counts,
    DateTimeOffset PausedAt) : IDistributionTaskEvent
{
    public static string Type => "distribution-task-paused";
}

public sealed record DistributionTaskResumed(
    long TaskId,
    long MerchantId,
    long TemplateId,
    TaskCounts Counts,
    DateTimeOffset ResumedAt) : IDistributionTaskEvent
{
    public static string Type => "distribution-task-resumed";
}

/// <summary>The merchant cancelled the task: coupons already issued stay issued; the counts are final.</summary>
public sealed record DistributionTaskCancelled(
    long TaskId,
    long MerchantId,
    long TemplateId,
    TaskCounts Counts,
    DateTimeOffset CancelledAt) : IDistributionTaskEvent
{
    public static string Type => "distribution-task-cancelled";
}

/// <summary>Every row was decided (SUCCEEDED): each got a coupon or a failure row; the counts are final.</summary>
public sealed record DistributionTaskCompleted(
    long TaskId, long MerchantId, long TemplateId, TaskCounts Counts, DateTimeOffset? StartedAt, DateTimeOffset FinishedAt) : IDistributionTaskEvent
{
    public static string Type => "distribution-task-completed";
}

/// <summary>The task could not run (FAILED), e.g. its file has more rows than allowed or cannot be read; nothing was issued.</summary>
/// <param name="FailureCode">TOO_MANY_ROWS or FILE_UNREADABLE (docs/errors.md).</param>
public sealed record DistributionTaskFailed(
    long TaskId, long MerchantId, long TemplateId, string FailureCode, string Detail, DateTimeOffset FailedAt) : IDistributionTaskEvent
{
    public static string Type => "distribution-task-failed";
}

/// <summary>
/// A distribution task pushed a coupon to a recipient who is to be told through <see cref="Channels"/>: the
/// notification services' cue. Recorded only for tasks that chose channels, next to the CouponClaimed event
/// (which is recorded for every issued coupon). Partitioned by user.
/// </summary>
public sealed record CouponPushed(
    long TaskId, long MerchantId, long TemplateId, long UserId, long UserCouponId, IReadOnlyList<string> Channels, DateTimeOffset PushedAt)
    : IIntegrationEvent
{
    public static string Type => "coupon-pushed";
    public static int SchemaVersion => 1;
    public static string Producer => "distribution";
}
