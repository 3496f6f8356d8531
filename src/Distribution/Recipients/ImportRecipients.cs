using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Distribution.Execution;
using PromotionEngine.Distribution.Messaging;
using PromotionEngine.Distribution.Tasks;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Distribution.Recipients;

/// <summary>
/// Turns a stored recipients file into chunks, in the background, under a lease any instance can take over:
/// the file is copied from the database to a local file in the spool, counted (a file over the row limit fails
/// its task before anything is written), then read again row by row: invalid and repeated user ids become
/// failure rows, valid ones go into chunks, written a few at a time. The last transaction creates the shards.
/// An import that dies is redone from the start by whoever takes its lapsed lease.
/// </summary>
internal sealed partial class ImportRecipients(IDatabase db, IDistributionTasks tasks, IRecipientStore store, IShards shards, IOutbox outbox,
    IdGenerator ids, TimeProvider clock, DistributionInstance instance, DistributionSignal signal, RecipientSpool spool,
    IOptions<DistributionOptions> options, DistributionMetrics metrics, ILogger<ImportRecipients> log)
{
    public const string TooManyRows = "TOO_MANY_ROWS";
    public const string FileUnreadable = "FILE_UNREADABLE";
    private const int ChunksPerTransaction = 20;
    private const int FailuresPerTransaction = 20_000;
    private const int RenewEveryRows = 250_000;

    private DistributionOptions Options => options.Value;

    /// <summary>Imports one pending file if there is one; false when there was none to take.</summary>
    public async Task<bool> RunNextAsync(CancellationToken ct)
    {
        var owner = instance.NewToken();
        var now = clock.GetUtcNow();
        var task = await tasks.TryLeaseImportAsync(owner, now, now + Options.LeaseDuration, ct);
        if (task is null) return false;
        // The local copy lives in the spool and goes with its handle, whatever happens to the import.
        using var copy = spool.Create($"import-{task.Id}");
        try
        {
            await ImportAsync(task, owner, copy, ct);
        }
        catch (ImportLostException)
        {
            LogLost(task.Id); // cancelled meanwhile, or another instance took the lease: nothing of ours stays half-done
        }
        return true;
    }

    private async Task ImportAsync(DistributionTask task, string owner, SpooledFile copy, CancellationToken ct)
    {
        await StartOverAsync(task, owner, copy, ct);
        var file = new ImportedFile(copy.Path, new FileLayout(task.Format, task.UserIdColumn), WorkbookLimits.For(Options));
        if (await CountRowsAsync(task, owner, file, ct) is not { } rows) return;
        await InLeaseAsync(task, owner, scope => tasks.SetTotalRowsAsync(task.Id, rows, scope, ct), ct);
        var read = await ReadIntoChunksAsync(task, owner, file, ct);
        var shardList = Split(task.Id, read.Chunks);
        await InLeaseAsync(task, owner, async scope =>
        {
            await store.AddChunksAsync(read.LastChunks, scope, ct);
            await store.AddFailuresAsync(task.Id, read.LastFailures, scope, ct);
            await shards.CreateAsync(shardList, DistributionNames.Of(DistributionStatus.Scheduled), clock.GetUtcNow(), scope, ct);
            await tasks.FinishImportAsync(task.Id, read.Chunks, read.Failed, clock.GetUtcNow(), scope, ct);
            await store.DeleteFileAsync(task.Id, scope, ct);
        }, ct);
        LogImported(task.Id, rows, read.Chunks, shardList.Count, read.Failed);
        signal.Notify();
    }

    /// <summary>The stored file, the way it is read, and the reader's budgets.</summary>
    private sealed record ImportedFile(string Path, FileLayout Layout, WorkbookLimits Limits)
    {
        public IEnumerable<RecipientRow> Rows() => RecipientFile.Rows(Path, Layout, Limits);
    }

    /// <summary>Copies the stored file into the spool and clears what an earlier attempt that died half-way left.</summary>
    private async Task StartOverAsync(DistributionTask task, string owner, SpooledFile copy, CancellationToken ct)
    {
        await store.DownloadFileAsync(task.Id, copy.Stream, ct);
        await copy.FlushAsync(ct);
        await InLeaseAsync(task, owner, async scope =>
        {
            await store.DeleteChunksAsync(task.Id, scope, ct);
            await store.DeleteFailuresAsync(task.Id, scope, ct);
        }, ct);
    }

    /// <summary>The rows of the file, or null when the task failed instead: a file it cannot read, or one over the row limit.</summary>
    private async Task<long?> CountRowsAsync(DistributionTask task, string owner, ImportedFile file, CancellationToken ct)
    {
        long rows = 0;
        try
        {
            foreach (var _ in file.Rows())
            {
                if (++rows > Options.MaxRows) break;
                if (rows % RenewEveryRows == 0) await InLeaseAsync(task, owner, _ => Task.CompletedTask, ct);
            }
        }
        catch (UnreadableFileException e)
        {
            await FailAsync(task, owner, FileUnreadable, $"{e.Message} (after row {rows + 1}).", ct);
            return null;
        }
        if (rows <= Options.MaxRows) return rows;
        await FailAsync(task, owner, TooManyRows,
            $"The file has more than {Options.MaxRows} recipient rows, the most one task may have; nothing was issued.", ct);
        return null;
    }

    /// <summary>What the second pass made: the chunks and failed rows in all, and the last of each, left for the import's last transaction.</summary>
    private sealed record ReadChunks(int Chunks, long Failed, List<StoredChunk> LastChunks, List<FailureRow> LastFailures);

    /// <summary>
    /// Reads the file again, row by row: invalid and repeated user ids become failure rows, valid ones go into chunks,
    /// written a few at a time; what is left when the file ends is written with the shards.
    /// </summary>
    private async Task<ReadChunks> ReadIntoChunksAsync(DistributionTask task, string owner, ImportedFile file, CancellationToken ct)
    {
        var seen = new SeenUsers();
        var chunk = new List<Recipient>(Options.ChunkSize);
        var chunks = new List<StoredChunk>();
        var failures = new List<FailureRow>();
        var seq = 0;
        long failed = 0;
        foreach (var row in file.Rows())
        {
            if (!UserIdText.TryParse(row.Raw, out var user))
                failures.Add(new FailureRow(row.RowNumber, FailureReasons.Raw(row.Raw), FailureReasons.InvalidUserId));
            else if (!seen.Add(user)) failures.Add(new FailureRow(row.RowNumber, FailureReasons.Raw(row.Raw), FailureReasons.DuplicateRow));
            else chunk.Add(new Recipient(row.RowNumber, user));
            if (chunk.Count == Options.ChunkSize)
            {
                chunks.Add(Seal(task.Id, seq++, chunk));
                chunk.Clear();
            }
            if (chunks.Count >= ChunksPerTransaction || failures.Count >= FailuresPerTransaction)
            {
                failed += failures.Count;
                await FlushAsync(task, owner, chunks, failures, ct);
            }
        }
        if (chunk.Count > 0) chunks.Add(Seal(task.Id, seq++, chunk));
        failed += failures.Count;
        return new ReadChunks(seq, failed, chunks, failures);
    }

    private async Task FlushAsync(DistributionTask task, string owner, List<StoredChunk> chunks, List<FailureRow> failures, CancellationToken ct)
    {
        await InLeaseAsync(task, owner, async scope =>
        {
            await store.AddChunksAsync(chunks, scope, ct);
            await store.AddFailuresAsync(task.Id, failures, scope, ct);
        }, ct);
        chunks.Clear();
        failures.Clear();
    }

    private async Task FailAsync(DistributionTask task, string owner, string code, string detail, CancellationToken ct)
    {
        var failed = false;
        await InLeaseAsync(task, owner, async scope =>
        {
            failed = false; // a retried transaction starts again
            var locked = await tasks.LockAsync(task.Id, scope, ct);
            if (locked?.Fail(code, RecipientFile.Truncate(detail, 500), UtcMillis.Now(clock)) != TaskMove.Moved) return;
            failed = true;
            await tasks.SaveStatusAsync(locked, scope, ct);
            await outbox.AddAsync(TaskEvents.Failed(locked), scope, ct);
            await store.DeleteFileAsync(task.Id, scope, ct);
            await store.DeleteChunksAsync(task.Id, scope, ct);
            await store.DeleteFailuresAsync(task.Id, scope, ct);
        }, ct);
        if (failed) metrics.Entered(DistributionStatus.Failed);
        LogFailed(task.Id, code);
    }

    /// <summary>Runs <paramref name="work"/> in a transaction that first renews the import lease (and locks the task's row).</summary>
    private Task InLeaseAsync(DistributionTask task, string owner, Func<WriteScope, Task> work, CancellationToken ct) =>
        db.WriteWithRetryAsync(async scope =>
        {
            if (!await tasks.RenewImportAsync(task.Id, owner, clock.GetUtcNow() + Options.LeaseDuration, scope, ct)) throw new ImportLostException();
            await work(scope);
            await scope.CommitAsync(ct);
            return true;
        }, ct);

    private static StoredChunk Seal(long taskId, int seq, List<Recipient> recipients) =>
        new(taskId, seq, recipients[0].RowNumber, recipients.Count, RecipientChunk.Encode(recipients));

    /// <summary>Contiguous, balanced ranges of chunks, one shard each, at most MaxShards.</summary>
    private List<Execution.Shard> Split(long taskId, int chunkCount)
    {
        var count = Math.Min(Options.MaxShards, chunkCount);
        return Enumerable.Range(0, count).Select(i =>
        {
            var first = (int)((long)chunkCount * i / count);
            return new Execution.Shard(ids.Next(), taskId, first, (int)((long)chunkCount * (i + 1) / count), first);
        }).ToList();
    }

    private sealed class ImportLostException : Exception;

    [LoggerMessage(
        Level = LogLevel.Information, Message = "Task {Task}: {Rows} rows read into {Chunks} chunks and {Shards} shards; {Failed} rows refused")]
    private partial void LogImported(long task, long rows, int chunks, int shards, long failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {Task} failed while its file was read: {Code}")]
    private partial void LogFailed(long task, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import of task {Task} stopped: the task was cancelled or its lease was taken over")]
    private partial void LogLost(long task);
}
