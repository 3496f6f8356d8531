using PromotionEngine.Distribution.Tasks;
using PromotionEngine.Kernel;
using static PromotionEngine.Distribution.Tasks.DistributionStatus;

namespace PromotionEngine.Distribution.Tests;

/// <summary>The task's status machine and its running clock.</summary>
public class DistributionTaskRules
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private static DistributionTask ATask(DateTimeOffset? startAt = null, ImportState import = ImportState.Done)
    {
        var created = DistributionTask.Create(1, new MerchantId(7), new TemplateId(9), "push", [NotifyChannel.Sms], startAt ?? T0, "f.csv", FileFormat.Csv, 10, 0, T0);
        return DistributionTask.Restore(created.Id, created.Merchant, created.Template, created.Name, created.Status, created.Notify, created.StartAt,
            created.FileName, created.Format, created.FileBytes, created.UserIdColumn, import, 100, 0, null, null, T0, null, null, 0, null, T0);
    }

    [Fact]
    public void A_task_starts_only_when_its_time_has_come_and_its_file_is_counted()
    {
        Assert.Equal(TaskMove.NotAllowed, ATask(import: ImportState.Pending).Start(T0));
        Assert.Equal(TaskMove.NotAllowed, ATask(startAt: T0.AddMinutes(5)).Start(T0.AddMinutes(4)));
        var task = ATask(startAt: T0.AddMinutes(5));
        Assert.Equal(TaskMove.Moved, task.Start(T0.AddMinutes(5)));
        Assert.Equal((Running, T0.AddMinutes(5)), (task.Status, task.StartedAt));
        Assert.Equal(TaskMove.AlreadyThere, task.Start(T0.AddMinutes(6)));
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

    [Theory]
    [InlineData("SCHEDULED", true, false, false)]
    [InlineData("RUNNING", true, true, false)]
    [InlineData("PAUSED", true, false, true)]
    public void Which_verbs_each_status_allows(string statusName, bool cancel, bool pause, bool resume)
    {
        var status = DistributionNames.Parse<DistributionStatus>(statusName);
        DistributionTask In()
        {
            var t = ATask();
            if (status != Scheduled) t.Start(T0);
            if (status == Paused) t.Pause(T0);
            return t;
        }
        Assert.Equal(cancel, In().Cancel(T0) == TaskMove.Moved);
        Assert.Equal(pause, In().Pause(T0) == TaskMove.Moved);
        Assert.Equal(resume, In().Resume(T0) == TaskMove.Moved);
    }

    [Fact]
    public void A_finished_task_refuses_every_verb()
    {
        var done = ATask();
        done.Start(T0);
        done.Complete(T0.AddMinutes(1));
        Assert.Equal((Succeeded, T0.AddMinutes(1)), (done.Status, done.FinishedAt));
        Assert.Equal(TaskMove.NotAllowed, done.Cancel(T0.AddMinutes(2)));
        Assert.Equal(TaskMove.NotAllowed, done.Pause(T0.AddMinutes(2)));
        Assert.Equal(TaskMove.NotAllowed, done.Resume(T0.AddMinutes(2)));

        var failed = ATask(import: ImportState.Pending);
        Assert.Equal(TaskMove.Moved, failed.Fail("TOO_MANY_ROWS", "too many", T0));
        Assert.Equal((Failed, ImportState.Failed), (failed.Status, failed.Import));
        Assert.Equal(TaskMove.NotAllowed, failed.Cancel(T0));
        Assert.Equal(TaskMove.NotAllowed, ATask().Pipe(t => t.Start(T0)).Fail("X", "y", T0));
    }

    [Fact]
    public void Cancelling_before_the_file_is_read_stops_the_import()
    {
        var task = ATask(import: ImportState.Pending);
        Assert.Equal(TaskMove.Moved, task.Cancel(T0));
        Assert.Equal((Cancelled, ImportState.Cancelled), (task.Status, task.Import));
        Assert.Equal(TaskMove.AlreadyThere, task.Cancel(T0));
    }

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
