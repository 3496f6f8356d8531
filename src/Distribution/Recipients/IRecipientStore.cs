using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Distribution.Recipients;

/// <summary>A chunk of a task's valid recipients as stored: its sequence number, first row and count.</summary>
internal sealed record StoredChunk(long TaskId, int Seq, long FirstRow, int Count, byte[] Recipients);

/// <summary>A row that did not get a coupon.</summary>
internal readonly record struct FailureRow(long RowNumber, string RawValue, string Reason);

/// <summary>Where a task's recipients live, so that any instance sharing the database can work on them.</summary>
internal interface IRecipientStore
{
    /// <summary>Stores the uploaded file in pieces in the transaction (read from a local file, piece by piece).</summary>
    Task AddFileAsync(long taskId, string path, WriteScope scope, CancellationToken ct);

    /// <summary>Writes the stored file to <paramref name="destination"/> (a local file), piece by piece.</summary>
    Task DownloadFileAsync(long taskId, Stream destination, CancellationToken ct);

    Task DeleteFileAsync(long taskId, WriteScope scope, CancellationToken ct);

    Task AddChunksAsync(IReadOnlyList<StoredChunk> chunks, WriteScope scope, CancellationToken ct);

    Task<StoredChunk?> FindChunkAsync(long taskId, int seq, CancellationToken ct);

    Task DeleteChunksAsync(long taskId, WriteScope scope, CancellationToken ct);

    Task AddFailuresAsync(long taskId, IReadOnlyList<FailureRow> failures, WriteScope scope, CancellationToken ct);

    /// <summary>Failures in row order after <paramref name="afterRow"/>.</summary>
    Task<IReadOnlyList<FailureRow>> FailuresAsync(long taskId, long afterRow, int limit, CancellationToken ct);

    /// <summary>
    /// The row number of the failure <paramref name="offset"/> places after <paramref name="afterRow"/> (0: the next
    /// one), or null.
    /// </summary>
    Task<long?> FailureRowAtAsync(long taskId, long afterRow, int offset, CancellationToken ct);

    Task DeleteFailuresAsync(long taskId, WriteScope scope, CancellationToken ct);
}
