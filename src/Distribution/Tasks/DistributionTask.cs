using PromotionEngine.Kernel;
using static PromotionEngine.Distribution.Tasks.DistributionStatus;

namespace PromotionEngine.Distribution.Tasks;

internal enum DistributionStatus
{
    /// <summary>Accepted, not started: its start time has not come, or its file is still being counted.</summary>
    Scheduled,
    Running,
    Paused,
    /// <summary>Every row was decided: a coupon or a failure row each.</summary>
    Succeeded,
    /// <summary>The task could not run at all (its file); nothing was issued.</summary>
    Failed,
    Cancelled,
}

/// <summary>Where the recipients file stands: stored, turned into chunks, or refused.</summary>
internal enum ImportState
{
    Pending,
    Done,
    Failed,
    Cancelled,
}

/// <summary>What a status verb did.</summary>
internal enum TaskMove
{
    Moved,
    /// <summary>The task was already where the verb leads (a repeated request): nothing changed.</summary>
    AlreadyThere,
    NotAllowed,
}

/// <summary>
/// A distribution task and the only place its status changes. Time is passed in. The running time (for the
/// throughput) is accumulated across pauses: <see cref="ActiveMillis"/> before <see cref="RunSince"/>.
/// </summary>
internal sealed class DistributionTask
{
    private DistributionTask(long id, MerchantId merchant, TemplateId template, string name, DistributionStatus status,
        IReadOnlyList<NotifyChannel> notify, DateTimeOffset startAt, string fileName, FileFormat format, long fileBytes, int userIdColumn,
        ImportState import, long? totalRows, long importFailed, string? failureCode, string? failureDetail, DateTimeOffset createdAt,
        DateTimeOffset? startedAt, DateTimeOffset? runSince, long activeMillis, DateTimeOffset? finishedAt, DateTimeOffset updatedAt)
    {
        Id = id;
        Merchant = merchant;
        Template = template;
        Name = name;
        Status = status;
        Notify = notify;
        StartAt = startAt;
        FileName = fileName;
        Format = format;
        FileBytes = fileBytes;
        UserIdColumn = userIdColumn;
        Import = import;
        TotalRows = totalRows;
        ImportFailed = importFailed;
        FailureCode = failureCode;
        FailureDetail = failureDetail;
        CreatedAt = createdAt;
        StartedAt = startedAt;
        RunSince = runSince;
        ActiveMillis = activeMillis;
        FinishedAt = finishedAt;
        UpdatedAt = updatedAt;
    }

    public long Id { get; }
    public MerchantId Merchant { get; }
    public TemplateId Template { get; }
    public string Name { get; }
    public DistributionStatus Status { get; private set; }
    public IReadOnlyList<NotifyChannel> Notify { get; }
    public DateTimeOffset StartAt { get; }
    public string FileName { get; }
    public FileFormat Format { get; }
    public long FileBytes { get; }
    /// <summary>The 0-based column of the user id, found in the header when the file was accepted.</summary>
    public int UserIdColumn { get; }
    public ImportState Import { get; private set; }
    public long? TotalRows { get; }
    /// <summary>Rows refused while the file was read (INVALID_USER_ID, DUPLICATE_ROW).</summary>
    public long ImportFailed { get; }
    public string? FailureCode { get; private set; }
    public string? FailureDetail { get; private set; }
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? RunSince { get; private set; }
    public long ActiveMillis { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public bool IsFinished => Status is Succeeded or Failed or Cancelled;

    public static DistributionTask Create(long id, MerchantId merchant, TemplateId template, string name, IReadOnlyList<NotifyChannel> notify,
        DateTimeOffset startAt, string fileName, FileFormat format, long fileBytes, int userIdColumn, DateTimeOffset now) =>
        new(id, merchant, template, name, Scheduled, notify, startAt, fileName, format, fileBytes, userIdColumn, ImportState.Pending,
            null, 0, null, null, now, null, null, 0, null, now);

    public static DistributionTask Restore(long id, MerchantId merchant, TemplateId template, string name, DistributionStatus status,
        IReadOnlyList<NotifyChannel> notify, DateTimeOffset startAt, string fileName, FileFormat format, long fileBytes, int userIdColumn,
        ImportState import, long? totalRows, long importFailed, string? failureCode, string? failureDetail, DateTimeOffset createdAt,
        DateTimeOffset? startedAt, DateTimeOffset? runSince, long activeMillis, DateTimeOffset? finishedAt, DateTimeOffset updatedAt) =>
        new(id, merchant, template, name, status, notify, startAt, fileName, format, fileBytes, userIdColumn, import, totalRows, importFailed,
            failureCode, failureDetail, createdAt, startedAt, runSince, activeMillis, finishedAt, updatedAt);

    /// <summary>Due to start: scheduled, its time has come and its file is counted.</summary>
    public bool IsDue(DateTimeOffset now) => Status == Scheduled && Import == ImportState.Done && now >= StartAt;

    /// <summary>How long the task has been running, pauses excluded.</summary>
    public TimeSpan ActiveTime(DateTimeOffset now) =>
        TimeSpan.FromMilliseconds(ActiveMillis) + (Status == Running && RunSince is { } since && now > since ? now - since : TimeSpan.Zero);

    public TaskMove Start(DateTimeOffset now)
    {
        if (Status == Running) return TaskMove.AlreadyThere;
        if (!IsDue(now)) return TaskMove.NotAllowed;
        MoveTo(Running, now);
        StartedAt ??= now;
        RunSince = now;
        return TaskMove.Moved;
    }

    public TaskMove Pause(DateTimeOffset now)
    {
        if (Status == Paused) return TaskMove.AlreadyThere;
        if (Status != Running) return TaskMove.NotAllowed;
        StopClock(now);
        MoveTo(Paused, now);
        return TaskMove.Moved;
    }

    public TaskMove Resume(DateTimeOffset now)
    {
        if (Status == Running) return TaskMove.AlreadyThere;
        if (Status != Paused) return TaskMove.NotAllowed;
        MoveTo(Running, now);
        RunSince = now;
        return TaskMove.Moved;
    }

    /// <summary>Stops the task where it is: issued coupons stay issued, rows not reached are not processed.</summary>
    public TaskMove Cancel(DateTimeOffset now)
    {
        if (Status == Cancelled) return TaskMove.AlreadyThere;
        if (IsFinished) return TaskMove.NotAllowed;
        StopClock(now);
        MoveTo(Cancelled, now);
        if (Import == ImportState.Pending) Import = ImportState.Cancelled;
        FinishedAt = now;
        return TaskMove.Moved;
    }

    /// <summary>Every shard is done.</summary>
    public TaskMove Complete(DateTimeOffset now)
    {
        if (Status == Succeeded) return TaskMove.AlreadyThere;
        if (Status != Running) return TaskMove.NotAllowed;
        StopClock(now);
        MoveTo(Succeeded, now);
        FinishedAt = now;
        return TaskMove.Moved;
    }

    /// <summary>The file cannot be run (too many rows, unreadable): only before the task started.</summary>
    public TaskMove Fail(string code, string detail, DateTimeOffset now)
    {
        if (Status == Failed) return TaskMove.AlreadyThere;
        if (Status != Scheduled) return TaskMove.NotAllowed;
        MoveTo(Failed, now);
        (Import, FailureCode, FailureDetail, FinishedAt) = (ImportState.Failed, code, detail, now);
        return TaskMove.Moved;
    }

    /// <summary>A running task whose chunk failed on every attempt: it stops, with what was issued so far kept.</summary>
    public TaskMove Abort(string code, string detail, DateTimeOffset now)
    {
        if (Status == Failed) return TaskMove.AlreadyThere;
        if (Status != Running) return TaskMove.NotAllowed;
        StopClock(now);
        MoveTo(Failed, now);
        (FailureCode, FailureDetail, FinishedAt) = (code, detail, now);
        return TaskMove.Moved;
    }

    private void StopClock(DateTimeOffset now)
    {
        if (Status == Running && RunSince is { } since) ActiveMillis += Math.Max(0, (long)(now - since).TotalMilliseconds);
        RunSince = null;
    }

    private void MoveTo(DistributionStatus next, DateTimeOffset now)
    {
        if (!CanMove(Status, next)) throw new InvalidOperationException($"A distribution task cannot move from {Status} to {next}.");
        Status = next;
        UpdatedAt = now;
    }

    private static bool CanMove(DistributionStatus from, DistributionStatus to) => (from, to) switch
    {
        (Scheduled, Running) or (Scheduled, Failed) or (Scheduled, Cancelled) => true,
        (Running, Paused) or (Running, Succeeded) or (Running, Cancelled) or (Running, Failed) => true,
        (Paused, Running) or (Paused, Cancelled) => true,
        _ => false,
    };
}

/// <summary>How each recipient who gets a coupon is told about it (the oneCoupon task's notify types).</summary>
internal enum NotifyChannel
{
    InApp,
    Popup,
    Email,
    Sms,
}

/// <summary>Wire and storage names of the module's enums.</summary>
internal static class DistributionNames
{
    public static string Of(DistributionStatus status) => status switch
    {
        Scheduled => "SCHEDULED",
        Running => "RUNNING",
        Paused => "PAUSED",
        Succeeded => "SUCCEEDED",
        Failed => "FAILED",
        Cancelled => "CANCELLED",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string Of(NotifyChannel channel) => channel switch
    {
        NotifyChannel.InApp => "IN_APP",
        NotifyChannel.Popup => "POPUP",
        NotifyChannel.Email => "EMAIL",
        NotifyChannel.Sms => "SMS",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    public static string Of(ImportState state) => state.ToString().ToUpperInvariant();

    public static string Of(FileFormat format) => format.ToString().ToUpperInvariant();

    public static bool TryParse<T>(string? name, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (Name(candidate) == name)
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    public static T Parse<T>(string name) where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            if (Name(value) == name) return value;
        }
        throw new FormatException($"Unknown {typeof(T).Name} '{name}'.");
    }

    public static string Name<T>(T value) where T : struct, Enum => value switch
    {
        DistributionStatus s => Of(s),
        NotifyChannel c => Of(c),
        ImportState i => Of(i),
        FileFormat f => Of(f),
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    public static string Join(IEnumerable<NotifyChannel> channels) => string.Join(',', channels.Select(Of));

    public static IReadOnlyList<NotifyChannel> SplitChannels(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Parse<NotifyChannel>).ToList();
}
