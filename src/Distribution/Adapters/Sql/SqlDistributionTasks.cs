using System.Data.Common;
using Dapper;
using PromotionEngine.Distribution.Tasks;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Distribution.Adapters.Sql;

internal sealed class SqlDistributionTasks(IDatabase db) : IDistributionTasks
{
    private const string Columns =
        "id, merchant_id, template_id, name, status, notify, start_at, file_name, file_format, file_bytes, user_id_column, import_state, " +
        "total_rows, import_failed, failure_code, failure_detail, created_at, started_at, run_since, active_ms, finished_at, updated_at";

    private string ForUpdate => db.Dialect == SqlDialect.MySql ? " FOR UPDATE" : "";

    public Task AddAsync(DistributionTask task, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO di_tasks ({Columns}, import_owner, import_lease_until, chunk_count) " +
            "VALUES (@Id, @MerchantId, @TemplateId, @Name, @Status, " +
            "@Notify, @StartAt, @FileName, @FileFormat, @FileBytes, @UserIdColumn, @ImportState, @TotalRows, @ImportFailed, @FailureCode, " +
            "@FailureDetail, @CreatedAt, @StartedAt, @RunSince, @ActiveMs, @FinishedAt, @UpdatedAt, NULL, 0, 0)",
            TaskRow.From(task), scope.Transaction, cancellationToken: ct));

    public async Task<DistributionTask?> FindAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<TaskRow>(new CommandDefinition(
            $"SELECT {Columns} FROM di_tasks WHERE id = @Id", new { Id = id }, cancellationToken: ct)))?.ToTask();
    }

    public async Task<DistributionTask?> LockAsync(long id, WriteScope scope, CancellationToken ct) =>
        (await scope.Connection.QuerySingleOrDefaultAsync<TaskRow>(new CommandDefinition(
            $"SELECT {Columns} FROM di_tasks WHERE id = @Id{ForUpdate}", new { Id = id }, scope.Transaction, cancellationToken: ct)))?.ToTask();

    public async Task SaveStatusAsync(DistributionTask task, WriteScope scope, CancellationToken ct)
    {
        var row = TaskRow.From(task);
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE di_tasks SET status = @Status, import_state = @ImportState, failure_code = @FailureCode, failure_detail = @FailureDetail, " +
            "started_at = @StartedAt, run_since = @RunSince, active_ms = @ActiveMs, finished_at = @FinishedAt, updated_at = @UpdatedAt WHERE id = @Id",
            row, scope.Transaction, cancellationToken: ct));
        // Mirrored onto the shards in the same transaction: this waits for any chunk in flight (it holds its shard's
        // row), and every chunk after it sees the new status in its checkpoint's compare-and-set. Released leases
        // let any worker pick a resumed shard at once.
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE di_shards SET status = @Status, owner = NULL, lease_until = 0, updated_at = @UpdatedAt WHERE task_id = @Id AND status <> 'DONE'",
            row, scope.Transaction, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<DistributionTask>> ListAsync(
        MerchantId merchant,
        DistributionStatus? status,
        long? after,
        int limit,
        CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<TaskRow>(new CommandDefinition(
            $"SELECT {Columns} FROM di_tasks WHERE merchant_id = @Merchant{(status is null ? "" : " AND status = @Status")}" +
            $"{(after is null ? "" : " AND id < @After")} ORDER BY id DESC LIMIT @Limit",
            new { Merchant = merchant.Value, Status = status is { } s
                ? DistributionNames.Of(s)
                : null, After = after, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => r.ToTask()).ToList();
    }

    public async Task<IReadOnlyDictionary<long, TaskProgress>> ProgressAsync(IReadOnlyCollection<DistributionTask> tasks, CancellationToken ct)
    {
        if (tasks.Count == 0) return new Dictionary<long, TaskProgress>();
        await using var connection = await db.OpenAsync(ct);
        var sums = (await connection.QueryAsync<SumRow>(new CommandDefinition(
            "SELECT task_id, SUM(processed) AS processed, SUM(issued) AS issued, SUM(failed) AS failed FROM di_shards WHERE task_id IN @Ids GROUP BY task_id",
            new { Ids = tasks.Select(t => t.Id).ToArray() }, cancellationToken: ct))).ToDictionary(s => s.TaskId);
        return tasks.ToDictionary(t => t.Id, t => sums.TryGetValue(t.Id, out var s)
            ? new TaskProgress(t.ImportFailed, s.Processed, s.Issued, s.Failed) : TaskProgress.None with { ImportFailed = t.ImportFailed });
    }

    public async Task<TaskProgress> ProgressAsync(DistributionTask task, WriteScope scope, CancellationToken ct)
    {
        var s = await scope.Connection.QuerySingleAsync<SumRow>(new CommandDefinition(
            "SELECT @Id AS task_id, COALESCE(SUM(processed), 0) AS processed, COALESCE(SUM(issued), 0) AS issued, " +
                "COALESCE(SUM(failed), 0) AS failed " +
                "FROM di_shards WHERE task_id = @Id", new { task.Id }, scope.Transaction, cancellationToken: ct));
        return new TaskProgress(task.ImportFailed, s.Processed, s.Issued, s.Failed);
    }

    public async Task<(string Hash, long TaskId)?> FindRequestAsync(MerchantId merchant, IdempotencyKey key, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await FindRequestAsync(connection, null, merchant, key, ct);
    }

    public async Task<(string Hash, long TaskId)?> RecordRequestAsync(
        MerchantId merchant,
        IdempotencyKey key,
        string hash,
        long taskId,
        WriteScope scope,
        CancellationToken ct)
    {
        try
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO di_merchant_requests (merchant_id, idempotency_key, request_hash, task_id) VALUES (@Merchant, @Key, @Hash, @Task)",
                new { Merchant = merchant.Value, Key = key.Value, Hash = hash, Task = taskId }, scope.Transaction, cancellationToken: ct));
            return null;
        }
        catch (DbException e) when (db.IsUniqueViolation(e))
        {
            return await FindRequestAsync(merchant, key, ct) ?? throw new ConcurrencyConflictException($"Idempotency-Key of merchant {merchant}");
        }
    }

    public async Task<IReadOnlyList<long>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM di_tasks WHERE status = 'SCHEDULED' AND start_at <= @Now AND import_state = 'DONE' ORDER BY start_at LIMIT @Limit",
            new { Now = UtcMillis.From(now), Limit = limit }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<long>> FinishedRunningAsync(int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM di_tasks t WHERE status = 'RUNNING' AND NOT EXISTS " +
            "(SELECT 1 FROM di_shards s WHERE s.task_id = t.id AND s.status <> 'DONE') ORDER BY id LIMIT @Limit",
            new { Limit = limit }, cancellationToken: ct))).ToList();
    }

    public async Task<DistributionTask?> TryLeaseImportAsync(string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        long[] candidates;
        await using (var connection = await db.OpenAsync(ct))
        {
            candidates = (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT id FROM di_tasks WHERE import_state = 'PENDING' AND import_lease_until < @Now ORDER BY import_lease_until, id LIMIT 5",
                new { Now = UtcMillis.From(now) }, cancellationToken: ct))).ToArray();
        }
        foreach (var id in candidates)
        {
            await using var scope = await db.BeginWriteAsync(ct);
            var taken = await scope.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE di_tasks SET import_owner = @Owner, import_lease_until = @Until WHERE id = @Id AND import_state = 'PENDING' " +
                "AND status = 'SCHEDULED' AND import_lease_until < @Now",
                new { Id = id, Owner = owner, Until = UtcMillis.From(until), Now = UtcMillis.From(now) }, scope.Transaction, cancellationToken: ct));
            if (taken != 1) continue;
            var task = await LockAsync(id, scope, ct);
            await scope.CommitAsync(ct);
            return task;
        }
        return null;
    }

    public async Task<bool> RenewImportAsync(long id, string owner, DateTimeOffset until, WriteScope scope, CancellationToken ct) =>
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE di_tasks SET import_lease_until = @Until WHERE id = @Id AND import_owner = @Owner AND import_state = 'PENDING' AND status = 'SCHEDULED'",
            new { Id = id, Owner = owner, Until = UtcMillis.From(until) }, scope.Transaction, cancellationToken: ct)) == 1
        || await StillMineAsync(id, owner, scope, ct);

    public Task SetTotalRowsAsync(long id, long totalRows, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE di_tasks SET total_rows = @Total WHERE id = @Id", new { Id = id, Total = totalRows }, scope.Transaction, cancellationToken: ct));

    public Task FinishImportAsync(long id, int chunkCount, long importFailed, DateTimeOffset now, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE di_tasks SET import_state = 'DONE', import_owner = NULL, chunk_count = @Chunks, import_failed = @Failed, updated_at = @Now WHERE id = @Id",
            new { Id = id, Chunks = chunkCount, Failed = importFailed, Now = UtcMillis.From(now) }, scope.Transaction, cancellationToken: ct));

    // MySQL counts 0 affected rows when the new lease time equals the old one (a clock that did not move): ask.
    private static async Task<bool> StillMineAsync(long id, string owner, WriteScope scope, CancellationToken ct) =>
        await scope.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM di_tasks WHERE id = @Id AND import_owner = @Owner AND import_state = 'PENDING' AND status = 'SCHEDULED'",
            new { Id = id, Owner = owner }, scope.Transaction, cancellationToken: ct)) == 1;

    private static async Task<(string Hash, long TaskId)?> FindRequestAsync(
        DbConnection connection,
        DbTransaction? tx,
        MerchantId merchant,
        IdempotencyKey key,
        CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<RequestRow>(new CommandDefinition(
            "SELECT request_hash, task_id FROM di_merchant_requests WHERE merchant_id = @Merchant AND idempotency_key = @Key",
            new { Merchant = merchant.Value, Key = key.Value }, tx, cancellationToken: ct));
        return row is null ? null : (row.RequestHash, row.TaskId);
    }

    private sealed class RequestRow
    {
        public string RequestHash { get; init; } = "";
        public long TaskId { get; init; }
    }

    private sealed class SumRow
    {
        public long TaskId { get; init; }
        public long Processed { get; init; }
        public long Issued { get; init; }
        public long Failed { get; init; }
    }

    private sealed class TaskRow
    {
        public long Id { get; init; }
        public long MerchantId { get; init; }
        public long TemplateId { get; init; }
        public string Name { get; init; } = "";
        public string Status { get; init; } = "";
        public string Notify { get; init; } = "";
        public long StartAt { get; init; }
        public string FileName { get; init; } = "";
        public string FileFormat { get; init; } = "";
        public long FileBytes { get; init; }
        public int UserIdColumn { get; init; }
        public string ImportState { get; init; } = "";
        public long? TotalRows { get; init; }
        public long ImportFailed { get; init; }
        public string? FailureCode { get; init; }
        public string? FailureDetail { get; init; }
        public long CreatedAt { get; init; }
        public long? StartedAt { get; init; }
        public long? RunSince { get; init; }
        public long ActiveMs { get; init; }
        public long? FinishedAt { get; init; }
        public long UpdatedAt { get; init; }

        public static TaskRow From(DistributionTask t) => new()
        {
            Id = t.Id,
            MerchantId = t.Merchant.Value,
            TemplateId = t.Template.Value,
            Name = t.Name,
            Status = DistributionNames.Of(t.Status),
            Notify = DistributionNames.Join(t.Notify),
            StartAt = UtcMillis.From(t.StartAt),
            FileName = t.FileName,
            FileFormat = DistributionNames.Of(t.Format),
            FileBytes = t.FileBytes,
            UserIdColumn = t.UserIdColumn,
            ImportState = DistributionNames.Of(t.Import),
            TotalRows = t.TotalRows,
            ImportFailed = t.ImportFailed,
            FailureCode = t.FailureCode,
            FailureDetail = t.FailureDetail,
            CreatedAt = UtcMillis.From(t.CreatedAt),
            StartedAt = UtcMillis.From(t.StartedAt),
            RunSince = UtcMillis.From(t.RunSince),
            ActiveMs = t.ActiveMillis,
            FinishedAt = UtcMillis.From(t.FinishedAt),
            UpdatedAt = UtcMillis.From(t.UpdatedAt),
        };

        public DistributionTask ToTask() => DistributionTask.Restore(Id, new MerchantId(MerchantId), new TemplateId(TemplateId), Name,
            DistributionNames.Parse<DistributionStatus>(Status), DistributionNames.SplitChannels(Notify), UtcMillis.ToTime(StartAt), FileName,
            DistributionNames.Parse<FileFormat>(FileFormat), FileBytes, UserIdColumn, DistributionNames.Parse<ImportState>(ImportState), TotalRows,
            ImportFailed, FailureCode, FailureDetail, UtcMillis.ToTime(CreatedAt), UtcMillis.ToTime(StartedAt), UtcMillis.ToTime(RunSince), ActiveMs,
            UtcMillis.ToTime(FinishedAt), UtcMillis.ToTime(UpdatedAt));
    }
}
