using PromotionEngine.Contracts.Events.Distribution.V1;
using PromotionEngine.Distribution.Tasks;
using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Distribution.Messaging;

/// <summary>What the module tells the rest of the system about a task, recorded in the transaction of the change.</summary>
internal static class TaskEvents
{
    public static OutgoingEvent Created(DistributionTask t) => Event(t, new DistributionTaskCreated(t.Id, t.Merchant.Value, t.Template.Value, t.Name,
        t.StartAt, t.Notify.Select(DistributionNames.Of).ToList(), t.FileName, DistributionNames.Of(t.Format), t.FileBytes, t.CreatedAt),
        t.CreatedAt);

    public static OutgoingEvent Started(DistributionTask t, TaskProgress p) =>
        Event(t, new DistributionTaskStarted(t.Id, t.Merchant.Value, t.Template.Value, Counts(t, p), t.UpdatedAt), t.UpdatedAt);

    public static OutgoingEvent Paused(DistributionTask t, TaskProgress p) =>
        Event(t, new DistributionTaskPaused(t.Id, t.Merchant.Value, t.Template.Value, Counts(t, p), t.UpdatedAt), t.UpdatedAt);

    public static OutgoingEvent Resumed(DistributionTask t, TaskProgress p) =>
        Event(t, new DistributionTaskResumed(t.Id, t.Merchant.Value, t.Template.Value, Counts(t, p), t.UpdatedAt), t.UpdatedAt);

    public static OutgoingEvent Cancelled(DistributionTask t, TaskProgress p) =>
        Event(t, new DistributionTaskCancelled(t.Id, t.Merchant.Value, t.Template.Value, Counts(t, p), t.UpdatedAt), t.UpdatedAt);

    public static OutgoingEvent Completed(DistributionTask t, TaskProgress p) =>
        Event(t, new DistributionTaskCompleted(t.Id, t.Merchant.Value, t.Template.Value, Counts(t, p), t.StartedAt, t.UpdatedAt), t.UpdatedAt);

    public static OutgoingEvent Failed(DistributionTask t) =>
        Event(t, new DistributionTaskFailed(t.Id, t.Merchant.Value, t.Template.Value, t.FailureCode!, t.FailureDetail!, t.UpdatedAt), t.UpdatedAt);

    /// <summary>The notification cue for one recipient, partitioned by user so one user's notices keep their order.</summary>
    public static OutgoingEvent Pushed(DistributionTask t, long userId, long couponId, DateTimeOffset at) =>
        OutgoingEvent.Now(
            new CouponPushed(t.Id, t.Merchant.Value, t.Template.Value, userId, couponId, t.Notify.Select(DistributionNames.Of).ToList(), at),
            at, couponId.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Merchant.Value,
            partitionKey: "user:" + userId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static TaskCounts Counts(DistributionTask t, TaskProgress p) => new(t.TotalRows, p.Processed, p.Issued, p.Failed);

    private static OutgoingEvent Event<T>(DistributionTask t, T payload, DateTimeOffset at) where T : IDistributionTaskEvent =>
        OutgoingEvent.Now(payload, at, t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Merchant.Value);
}
