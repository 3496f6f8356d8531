using System.Data.Common;

namespace PromotionEngine.Kernel.Persistence;

public static class DatabaseExtensions
{
    /// <summary>
    /// Runs a whole write transaction again when the database reports a deadlock or a lost optimistic
    /// race, so callers see a decision instead of a storage hiccup.
    /// </summary>
    public static async Task<T> WriteWithRetryAsync<T>(this IDatabase db, Func<WriteScope, Task<T>> work, CancellationToken ct, int attempts = 8)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = await db.BeginWriteAsync(ct);
                return await work(scope);
            }
            catch (Exception e) when (attempt < attempts && IsRetryable(db, e))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), ct);
            }
        }
    }

    private static bool IsRetryable(IDatabase db, Exception e) =>
        e is ConcurrencyConflictException || (e is DbException d && db.IsTransient(d));
}

/// <summary>Someone else changed the row first (stale version): the transaction is retried from the start.</summary>
public sealed class ConcurrencyConflictException(string what) : Exception($"{what} was changed concurrently.");
