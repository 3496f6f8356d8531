using Dapper;
using PromotionEngine.Distribution.Execution;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Distribution.Adapters.Sql;

internal sealed class SqlShards(IDatabase db) : IShards
{
    public async Task CreateAsync(IReadOnlyList<Shard> shards, string status, DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        foreach (var shard in shards)
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO di_shards (id, task_id, first_chunk, end_chunk, next_chunk, status, owner, lease_until, leases, processed, " +
                "issued, failed, " +
                "completed_by, updated_at) VALUES (@Id, @TaskId, @FirstChunk, @EndChunk, @NextChunk, @Status, NULL, 0, 0, 0, 0, 0, NULL, @Now)",
                new { shard.Id, shard.TaskId, shard.FirstChunk, shard.EndChunk, shard.NextChunk, Status = status, Now = UtcMillis.From(now) },
                scope.Transaction, cancellationToken: ct));
        }
    }

    public async Task<IReadOnlyList<long>> FindFreeAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM di_shards WHERE status = 'RUNNING' AND lease_until < @Now ORDER BY lease_until, id LIMIT @Limit",
            new { Now = UtcMillis.From(now), Limit = limit }, cancellationToken: ct))).ToList();
    }

    public async Task<Shard?> TryLeaseAsync(long id, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        await using var scope = await db.BeginWriteAsync(ct);
        // leases counts acquisitions, so the row always changes and "1 affected" means taken (MySQL counts changed rows).
        var taken = await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE di_shards SET owner = @Owner, lease_until = @Until, leases = leases + 1, updated_at = @Now " +
            "WHERE id = @Id AND status = 'RUNNING' AND lease_until < @Now",
            new { Id = id, Owner = owner, Until = UtcMillis.From(until), Now = UtcMillis.From(now) }, scope.Transaction, cancellationToken: ct));
        if (taken != 1) return null;
        var row = await scope.Connection.QuerySingleAsync<ShardRow>(new CommandDefinition(
            "SELECT id, task_id, first_chunk, end_chunk, next_chunk FROM di_shards WHERE id = @Id", new { Id = id }, scope
                .Transaction, cancellationToken: ct));
        await scope.CommitAsync(ct);
        return new Shard(row.Id, row.TaskId, row.FirstChunk, row.EndChunk, row.NextChunk);
    }

    public async Task<bool> AdvanceAsync(
        long id,
        string owner,
        int position,
        DateTimeOffset until,
        DateTimeOffset now,
        WriteScope scope,
        CancellationToken ct) =>
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE di_shards SET next_chunk = next_chunk + 1, lease_until = @Until, failures = 0, updated_at = @Now " +
            "WHERE id = @Id AND owner = @Owner AND next_chunk = @Position AND status = 'RUNNING'",
            new { Id = id, Owner = owner, Position = position, Until = UtcMillis.From(until), Now = UtcMillis.From(now) },
            scope.Transaction, cancellationToken: ct)) == 1;

    public Task CountAsync(long id, int processed, int issued, int failed, bool done, string owner, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE di_shards SET processed = processed + @Processed, issued = issued + @Issued, failed = failed + @Failed" +
            (done ? ", status = 'DONE', owner = NULL, lease_until = 0, completed_by = @Owner" : "") + " WHERE id = @Id",
            new { Id = id, Processed = processed, Issued = issued, Failed = failed, Owner = owner }, scope.Transaction, cancellationToken: ct));

    public async Task ReleaseAsync(long id, string owner, CancellationToken ct)
    {
        await using var scope = await db.BeginWriteAsync(ct);
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE di_shards SET owner = NULL, lease_until = 0 WHERE id = @Id AND owner = @Owner",
            new { Id = id, Owner = owner }, scope.Transaction, cancellationToken: ct));
        await scope.CommitAsync(ct);
    }

    public async Task<int> RecordFailureAsync(long id, string owner, string error, DateTimeOffset now, TimeSpan pause, CancellationToken ct)
    {
        await using var scope = await db.BeginWriteAsync(ct);
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE di_shards SET failures = failures + 1, last_error = @Error, owner = NULL, lease_until = @Now + @PauseMs * (failures + 1) " +
            "WHERE id = @Id AND owner = @Owner",
            new { Id = id, Owner = owner, Error = error.Length <= 2000
                ? error
                : error[..2000], Now = UtcMillis.From(now), PauseMs = (long)pause.TotalMilliseconds },
            scope.Transaction, cancellationToken: ct));
        var failures = await scope.Connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT failures FROM di_shards WHERE id = @Id", new { Id = id }, scope.Transaction, cancellationToken: ct));
        await scope.CommitAsync(ct);
        return failures;
    }

    public Task<int> OpenCountAsync(long taskId, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM di_shards WHERE task_id = @Task AND status <> 'DONE'", new { Task = taskId }, scope
                .Transaction, cancellationToken: ct));

    public async Task<IReadOnlyList<string>> CompletedByAsync(long taskId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT completed_by FROM di_shards WHERE task_id = @Task AND completed_by IS NOT NULL ORDER BY id", new { Task = taskId },
            cancellationToken: ct))).ToList();
    }

    private sealed class ShardRow
    {
        public long Id { get; init; }
        public long TaskId { get; init; }
        public int FirstChunk { get; init; }
        public int EndChunk { get; init; }
        public int NextChunk { get; init; }
    }
}
