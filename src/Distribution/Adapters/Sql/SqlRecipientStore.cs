using System.Globalization;
using System.Text;
using Dapper;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Distribution.Adapters.Sql;

internal sealed class SqlRecipientStore(IDatabase db) : IRecipientStore
{
    private const int PieceBytes = 1024 * 1024;
    private const int FailuresPerStatement = 1000;

    public async Task AddFileAsync(long taskId, string path, WriteScope scope, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        var buffer = new byte[PieceBytes];
        for (var piece = 0; ; piece++)
        {
            var read = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            if (read == 0) break;
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO di_task_files (task_id, piece, content) VALUES (@Task, @Piece, @Content)",
                new { Task = taskId, Piece = piece, Content = read == buffer.Length
                    ? buffer
                    : buffer[..read] }, scope.Transaction, cancellationToken: ct));
            if (read < buffer.Length) break;
        }
    }

    public async Task DownloadFileAsync(long taskId, Stream destination, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        for (var piece = 0; ; piece++)
        {
            // One piece at a time: a large file never sits in memory whole.
            var content = await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
                "SELECT content FROM di_task_files WHERE task_id = @Task AND piece = @Piece", new { Task = taskId, Piece = piece },
                cancellationToken: ct));
            if (content is null) break;
            await destination.WriteAsync(content, ct);
        }
    }

    public Task DeleteFileAsync(long taskId, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(
            new CommandDefinition(
                "DELETE FROM di_task_files WHERE task_id = @Task", new { Task = taskId }, scope.Transaction, cancellationToken: ct));

    public async Task AddChunksAsync(IReadOnlyList<StoredChunk> chunks, WriteScope scope, CancellationToken ct)
    {
        foreach (var c in chunks)
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO di_chunks (task_id, seq, first_row, row_count, recipients) VALUES (@TaskId, @Seq, @FirstRow, @Count, @Recipients)",
                new { c.TaskId, c.Seq, c.FirstRow, c.Count, c.Recipients }, scope.Transaction, cancellationToken: ct));
        }
    }

    public async Task<StoredChunk?> FindChunkAsync(long taskId, int seq, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ChunkRow>(new CommandDefinition(
            "SELECT first_row, row_count, recipients FROM di_chunks WHERE task_id = @Task AND seq = @Seq", new { Task = taskId, Seq = seq },
            cancellationToken: ct));
        return row is null ? null : new StoredChunk(taskId, seq, row.FirstRow, row.RowCount, row.Recipients);
    }

    public Task DeleteChunksAsync(long taskId, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(
            new CommandDefinition("DELETE FROM di_chunks WHERE task_id = @Task", new { Task = taskId }, scope.Transaction, cancellationToken: ct));

    public async Task AddFailuresAsync(long taskId, IReadOnlyList<FailureRow> failures, WriteScope scope, CancellationToken ct)
    {
        foreach (var part in failures.Chunk(FailuresPerStatement))
        {
            // Numbers and reason codes are literals; the raw value is the one thing that came from the file: a parameter.
            var sql = new StringBuilder("INSERT INTO di_failures (task_id, row_no, raw_value, reason) VALUES ");
            var args = new DynamicParameters();
            for (var i = 0; i < part.Length; i++)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? "(" : ", (").Append(taskId).Append(", ").Append(part[i].RowNumber).Append(", @v").Append(n)
                    .Append(", '").Append(FailureReasons.Checked(part[i].Reason)).Append("')");
                args.Add("v" + n, part[i].RawValue);
            }
            await scope.Connection.ExecuteAsync(new CommandDefinition(sql.ToString(), args, scope.Transaction, cancellationToken: ct));
        }
    }

    public async Task<IReadOnlyList<FailureRow>> FailuresAsync(long taskId, long afterRow, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<FailureRecord>(new CommandDefinition(
            "SELECT row_no, raw_value, reason FROM di_failures WHERE task_id = @Task AND row_no > @After ORDER BY row_no LIMIT @Limit",
            new { Task = taskId, After = afterRow, Limit = limit }, cancellationToken: ct))).Select(
                r => new FailureRow(r.RowNo, r.RawValue, r.Reason)).ToList();
    }

    public async Task<long?> FailureRowAtAsync(long taskId, long afterRow, int offset, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT row_no FROM di_failures WHERE task_id = @Task AND row_no > @After ORDER BY row_no LIMIT 1 OFFSET @Offset",
            new { Task = taskId, After = afterRow, Offset = offset }, cancellationToken: ct));
    }

    public Task DeleteFailuresAsync(long taskId, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(
            new CommandDefinition("DELETE FROM di_failures WHERE task_id = @Task", new { Task = taskId }, scope.Transaction, cancellationToken: ct));

    private sealed class ChunkRow
    {
        public long FirstRow { get; init; }
        public int RowCount { get; init; }
        public byte[] Recipients { get; init; } = [];
    }

    private sealed class FailureRecord
    {
        public long RowNo { get; init; }
        public string RawValue { get; init; } = "";
        public string Reason { get; init; } = "";
    }
}
