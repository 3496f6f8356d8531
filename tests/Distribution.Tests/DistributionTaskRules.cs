using PromotionEngine.Distribution.Tasks;
using PromotionEngine.Kernel;
using PromotionEngine.Tabular;

namespace PromotionEngine.Distribution.Tests;

/// <summary>The task's status machine and its running clock.</summary>
public class DistributionTaskRules
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private static DistributionTask ATask(DateTimeOffset? startAt = null, ImportState import = ImportState.Done)
    {
        var created = DistributionTask.Create(
            1, new MerchantId(7), new TemplateId(9), "push", [NotifyChannel.Sms], startAt ?? T0, "f.csv", FileFormat.Csv, 10, 0, T0);
        return DistributionTask.Restore(created.Id, created.Merchant, created.Template, created.Name, created.Status, created.Notify, created.StartAt,
            created.FileName, created.Format, created.FileBytes, created.UserIdColumn, import, 100, 0, null, null, T0, null, null, 0, null, T0);
    }

    [Fact]
    public void Pausing_stops_the_running_clock_and_resuming_restarts_it()
    {
        var task = ATask();
        task.Start(T0);
        Assert.Equal(TaskMove.Moved, task.Pause(T0.AddSeconds(10)));
        Assert.Equal(TimeSpan.FromSeconds(10), task.ActiveTime(T0.AddHours(1)));
        Assert.Equal(TaskMove.AlreadyThere, task.Pause(T0.AddSeconds(11)));
        Assert.Equal(TaskMove.Moved, task.Resume(T0.AddMinutes(30)));
        Assert.Equal(TimeSpan.FromSeconds(15), task.ActiveTime(T0.AddMinutes(30).AddSeconds(5)));
        Assert.Equal(TaskMove.AlreadyThere, task.Resume(T0.AddMinutes(31)));
    }

    /// <summary>A task as the rule table names it: due at T0 with its file counted unless the name says otherwise; each move made at T0.</summary>
    private static DistributionTask Named(string task)
    {
        var t = task switch
        {
            "file not counted" or "failed" or "cancelled before its file was read" => ATask(import: ImportState.Pending),
            "starting at 5 min" => ATask(startAt: T0.AddMinutes(5)),
            "scheduled" or "running" or "paused" or "succeeded" => ATask(),
            _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Not a task the rule table names."),
        };
        switch (task)
        {
            case "running":
                Assert.Equal(TaskMove.Moved, t.Start(T0));
                break;
            case "paused":
                Assert.Equal(TaskMove.Moved, t.Start(T0));
                Assert.Equal(TaskMove.Moved, t.Pause(T0));
                break;
            case "succeeded":
                Assert.Equal(TaskMove.Moved, t.Start(T0));
                Assert.Equal(TaskMove.Moved, t.Complete(T0));
                break;
            case "failed":
                Assert.Equal(TaskMove.Moved, t.Fail("TOO_MANY_ROWS", "too many", T0));
                break;
            case "cancelled before its file was read":
                Assert.Equal(TaskMove.Moved, t.Cancel(T0));
                break;
        }
        return t;
    }

    private static TaskMove Apply(DistributionTask task, string verb, DateTimeOffset now) => verb switch
    {
        "start" => task.Start(now),
        "pause" => task.Pause(now),
        "resume" => task.Resume(now),
        "cancel" => task.Cancel(now),
        "complete" => task.Complete(now),
        "fail" => task.Fail("TOO_MANY_ROWS", "too many", now),
        _ => throw new ArgumentOutOfRangeException(nameof(verb), verb, null),
    };

    /// <summary>
    /// The task's status rule table: every verb from each status it can be in. A verb that moves the task stamps it, and a
    /// start records when the task started, a finishing move when it finished; any other answer changes nothing.
    /// </summary>
    [Theory]
    //          the task              verb        at (min)  answers         then         its file
    [InlineData("scheduled",          "start",    0,        "Moved",        "RUNNING",   "DONE")]
    [InlineData("starting at 5 min",  "start",    5,        "Moved",        "RUNNING",   "DONE")]       // when its time has come
    [InlineData("starting at 5 min",  "start",    4,        "NotAllowed",   "SCHEDULED", "DONE")]       // not before
    [InlineData("file not counted",   "start",    0,        "NotAllowed",   "SCHEDULED", "PENDING")]    // nor before its file is counted
    [InlineData("running",            "start",    1,        "AlreadyThere", "RUNNING",   "DONE")]
    [InlineData("scheduled",          "pause",    0,        "NotAllowed",   "SCHEDULED", "DONE")]
    [InlineData("scheduled",          "resume",   0,        "NotAllowed",   "SCHEDULED", "DONE")]
    [InlineData("scheduled",          "cancel",   0,        "Moved",        "CANCELLED", "DONE")]
    [InlineData("file not counted",   "cancel",   0,        "Moved",        "CANCELLED", "CANCELLED")]  // before the file is read: stops the import
    [InlineData("file not counted",   "fail",     0,        "Moved",        "FAILED",    "FAILED")]     // a file that cannot be run
    [InlineData("running",            "pause",    1,        "Moved",        "PAUSED",    "DONE")]
    [InlineData("running",            "resume",   1,        "AlreadyThere", "RUNNING",   "DONE")]
    [InlineData("running",            "cancel",   1,        "Moved",        "CANCELLED", "DONE")]
    [InlineData("running",            "complete", 1,        "Moved",        "SUCCEEDED", "DONE")]
    [InlineData("running",            "fail",     1,        "NotAllowed",   "RUNNING",   "DONE")]       // only before the task started
    [InlineData("paused",             "pause",    1,        "AlreadyThere", "PAUSED",    "DONE")]
    [InlineData("paused",             "resume",   1,        "Moved",        "RUNNING",   "DONE")]
    [InlineData("paused",             "cancel",   1,        "Moved",        "CANCELLED", "DONE")]
    [InlineData("succeeded",          "cancel",   2,        "NotAllowed",   "SUCCEEDED", "DONE")]       // a finished task refuses every verb
    [InlineData("succeeded",          "pause",    2,        "NotAllowed",   "SUCCEEDED", "DONE")]
    [InlineData("succeeded",          "resume",   2,        "NotAllowed",   "SUCCEEDED", "DONE")]
    [InlineData("failed",             "cancel",   1,        "NotAllowed",   "FAILED",    "FAILED")]
    [InlineData("cancelled before its file was read", "cancel", 1, "AlreadyThere", "CANCELLED", "CANCELLED")]
    public void What_each_verb_does_from_each_status(string task, string verb, int at, string answers, string then, string file)
    {
        var subject = Named(task);
        var before = State(subject);
        var now = T0.AddMinutes(at);

        Assert.Equal(Enum.Parse<TaskMove>(answers), Apply(subject, verb, now));

        Assert.Equal(DistributionNames.Parse<DistributionStatus>(then), subject.Status);
        Assert.Equal(Enum.Parse<ImportState>(file, ignoreCase: true), subject.Import);
        if (answers != nameof(TaskMove.Moved))
        {
            Assert.Equal(before, State(subject));
            return;
        }
        Assert.Equal(now, subject.UpdatedAt);
        if (verb == "start") Assert.Equal(now, subject.StartedAt);
        Assert.Equal(subject.IsFinished ? now : null, subject.FinishedAt);
    }

    private static string State(DistributionTask t) =>
        $"{t.Status} {t.Import} started={t.StartedAt:O} finished={t.FinishedAt:O} updated={t.UpdatedAt:O} " +
        $"active={t.ActiveTime(T0.AddHours(1))} failure={t.FailureCode}";

    [Fact]
    public void Throughput_and_eta_come_from_the_running_time_only_while_running()
    {
        var task = ATask();
        task.Start(T0);
        var progress = new TaskProgress(ImportFailed: 0, ChunkProcessed: 40, ChunkIssued: 40, ChunkFailed: 0);
        Assert.Null(progress.RowsPerSecond(task, T0));
        Assert.Equal(4.0, progress.RowsPerSecond(task, T0.AddSeconds(10)));
        Assert.Equal(T0.AddSeconds(25), progress.Eta(task, T0.AddSeconds(10))); // 60 rows left at 4 rows/s
        task.Pause(T0.AddSeconds(10));
        Assert.Null(progress.RowsPerSecond(task, T0.AddSeconds(20)));
        Assert.Null(progress.Eta(task, T0.AddSeconds(20)));
    }
}

internal static class Fluent
{
    public static T Pipe<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
