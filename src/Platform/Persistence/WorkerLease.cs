using System.Data.Common;
using Dapper;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Platform.Persistence;

/// <summary>
/// This instance's worker number for time-ordered ids, leased in the database so that no two running
/// instances share one (they would issue the same ids). A configured number is checked; without one the
/// lowest free number is taken. The lease is renewed in the background; an instance that loses it stops.
/// </summary>
internal sealed partial class WorkerLease(IDatabase db, TimeProvider clock, InstanceIdentity instance, ILogger<WorkerLease> log)
{
    public static readonly TimeSpan Length = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(15);

    private readonly string _holder = instance.Holder;
    private int? _worker;
    private long _leasedUntilTicks; // UTC ticks; written by the renewal, read by readiness

    /// <summary>Until when the number is known to be this instance's: the last successful take or renewal plus <see cref="Length"/>.</summary>
    public DateTimeOffset? LeasedUntil => _worker is null ? null : new DateTimeOffset(Interlocked.Read(ref _leasedUntilTicks), TimeSpan.Zero);

    /// <summary>The leased number; the id generator is only made after start-up has leased one.</summary>
    public int Worker => _worker ?? throw new InvalidOperationException("No worker number is leased yet: ids are made only after start-up.");

    public async Task AcquireAsync(int? configured, CancellationToken ct)
    {
        var asked = clock.GetUtcNow();
        if (configured is { } wanted)
        {
            if (!await TryTakeAsync(wanted, ct))
                throw new InvalidOperationException($"Worker number {wanted} (Promotion:WorkerId) is held by another running instance; " +
                    "give each instance its own number, or leave Promotion:WorkerId unset to take a free one.");
            _worker = wanted;
        }
        else
        {
            for (var candidate = 0; candidate <= IdGenerator.MaxWorker && _worker is null; candidate++)
                if (await TryTakeAsync(candidate, ct)) _worker = candidate;
            if (_worker is null)
                throw new InvalidOperationException($"All {IdGenerator.MaxWorker + 1} worker numbers are leased by running instances.");
        }
        Interlocked.Exchange(ref _leasedUntilTicks, (asked + Length).UtcTicks);
        LogLeased(Worker, _holder);
    }

    /// <summary>Extends the lease; false when another instance holds the number now (this one stalled past its lease).</summary>
    public async Task<bool> RenewAsync(CancellationToken ct)
    {
        var asked = clock.GetUtcNow();
        await using var scope = await db.BeginWriteAsync(ct);
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE host_worker_leases SET expires_at = @Expires WHERE worker_id = @Worker AND holder = @Holder",
            new { Worker, Holder = _holder, Expires = UtcMillis.From(asked + Length) }, scope.Transaction, cancellationToken: ct));
        // Asked, not inferred from the row count: MySQL reports 0 rows when the value written is the one already there.
        var stillMine = await HolderAsync(Worker, scope, ct) == _holder;
        await scope.CommitAsync(ct);
        if (stillMine) Interlocked.Exchange(ref _leasedUntilTicks, (asked + Length).UtcTicks);
        else Interlocked.Exchange(ref _leasedUntilTicks, 0);
        return stillMine;
    }

    public async Task ReleaseAsync(CancellationToken ct)
    {
        if (_worker is null) return;
        await using var scope = await db.BeginWriteAsync(ct);
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM host_worker_leases WHERE worker_id = @Worker AND holder = @Holder", new { Worker, Holder = _holder },
            scope.Transaction, cancellationToken: ct));
        await scope.CommitAsync(ct);
    }

    // Take a free number, or one whose lease lapsed; a concurrent taker loses on the primary key or the holder check.
    private async Task<bool> TryTakeAsync(int worker, CancellationToken ct)
    {
        var now = UtcMillis.From(clock.GetUtcNow());
        var args = new { Worker = worker, Holder = _holder, Now = now, Expires = now + (long)Length.TotalMilliseconds };
        await using var scope = await db.BeginWriteAsync(ct);
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE host_worker_leases SET holder = @Holder, expires_at = @Expires " +
            "WHERE worker_id = @Worker AND (expires_at < @Now OR holder = @Holder)",
            args, scope.Transaction, cancellationToken: ct));
        if (await HolderAsync(worker, scope, ct) is null)
        {
            try
            {
                await scope.Connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO host_worker_leases (worker_id, holder, expires_at) VALUES (@Worker, @Holder, @Expires)", args,
                    scope.Transaction, cancellationToken: ct));
            }
            catch (DbException e) when (db.IsUniqueViolation(e))
            {
                return false; // a concurrent taker won
            }
        }
        var mine = await HolderAsync(worker, scope, ct) == _holder;
        await scope.CommitAsync(ct);
        return mine;
    }

    private static Task<string?> HolderAsync(int worker, WriteScope scope, CancellationToken ct) =>
        scope.Connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT holder FROM host_worker_leases WHERE worker_id = @Worker", new { Worker = worker }, scope.Transaction, cancellationToken: ct));

    [LoggerMessage(Level = LogLevel.Information, Message = "Leased worker number {Worker} for time-ordered ids (holder {Holder})")]
    private partial void LogLeased(int worker, string holder);
}
