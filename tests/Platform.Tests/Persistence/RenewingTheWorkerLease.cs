using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Persistence;
using PromotionEngine.Platform.Tests.Infrastructure;
using Outcome = PromotionEngine.Platform.Persistence.WorkerLeaseRenewal.Outcome;

namespace PromotionEngine.Platform.Tests.Persistence;

/// <summary>
/// A renewal that cannot reach the database is retried, whatever the driver threw; only the database saying another instance
/// holds the number stops this one. (A MariaDB restart made MySqlConnector throw EndOfStreamException from BeginTransaction,
/// which escaped the renewal and stopped the whole host.)
/// </summary>
public sealed class RenewingTheWorkerLease : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 18, 2, 0, 0, TimeSpan.Zero));
    private readonly ScratchDatabase _store = ScratchDatabase.Empty();
    private readonly BreakingDatabase _db;
    private readonly WorkerLease _lease;
    private readonly Lifetime _lifetime = new();
    private readonly WorkerLeaseRenewal _renewal;

    public RenewingTheWorkerLease()
    {
        _db = new BreakingDatabase(_store.Database);
        _lease = new WorkerLease(_db, _clock, new InstanceIdentity(), NullLogger<WorkerLease>.Instance);
        _renewal = new WorkerLeaseRenewal(_lease, _clock, _lifetime, NullLogger<WorkerLeaseRenewal>.Instance);
    }

    public void Dispose()
    {
        _renewal.Dispose();
        _store.Dispose();
    }

    [Fact]
    public async Task A_renewal_the_connection_breaks_under_is_retried_on_the_next_tick_and_then_extends_the_lease()
    {
        await _store.Migrator.MigrateAsync(CancellationToken.None);
        await _lease.AcquireAsync(null, CancellationToken.None);
        var leased = _lease.LeasedUntil;

        _db.Breaks.Enqueue(new EndOfStreamException("An incomplete response was received from the server"));
        _db.Breaks.Enqueue(new InvalidOperationException("Connection must be Open; current state is Closed"));
        _db.Breaks.Enqueue(new TimeoutException("Connect Timeout expired."));
        Assert.Equal(Outcome.Failed, await _renewal.RenewOnceAsync(CancellationToken.None));
        Assert.Equal(Outcome.Failed, await _renewal.RenewOnceAsync(CancellationToken.None));
        Assert.Equal(Outcome.Failed, await _renewal.RenewOnceAsync(CancellationToken.None));
        Assert.Equal(leased, _lease.LeasedUntil);

        _clock.Advance(WorkerLease.RenewEvery * 3);
        Assert.Equal(Outcome.Renewed, await _renewal.RenewOnceAsync(CancellationToken.None));
        Assert.Equal(_clock.GetUtcNow() + WorkerLease.Length, _lease.LeasedUntil);
        Assert.False(_lifetime.Stopped);
    }

    [Fact]
    public async Task The_number_held_by_another_instance_is_lost()
    {
        await _store.Migrator.MigrateAsync(CancellationToken.None);
        await _lease.AcquireAsync(null, CancellationToken.None);
        await using (var connection = await _store.Database.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync(
                "UPDATE host_worker_leases SET holder = 'another instance' WHERE worker_id = @Worker", new { _lease.Worker });
        }

        Assert.Equal(Outcome.Lost, await _renewal.RenewOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Stopping_mid_renewal_is_not_a_failure_to_retry()
    {
        await _store.Migrator.MigrateAsync(CancellationToken.None);
        await _lease.AcquireAsync(null, CancellationToken.None);
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _renewal.RenewOnceAsync(stopping.Token));
    }

    /// <summary>The scratch database, whose next writes fail with the queued exceptions, as a restarting server's would.</summary>
    private sealed class BreakingDatabase(IDatabase inner) : IDatabase
    {
        public Queue<Exception> Breaks { get; } = new();

        public SqlDialect Dialect => inner.Dialect;

        public Task<DbConnection> OpenAsync(CancellationToken ct) => inner.OpenAsync(ct);

        public Task<WriteScope> BeginWriteAsync(CancellationToken ct) =>
            Breaks.TryDequeue(out var broken) ? Task.FromException<WriteScope>(broken) : inner.BeginWriteAsync(ct);

        public Task<WriteScope> BeginRelaxedWriteAsync(CancellationToken ct) => BeginWriteAsync(ct);

        public bool IsUniqueViolation(DbException error) => inner.IsUniqueViolation(error);

        public bool IsTransient(DbException error) => inner.IsTransient(error);

        public Task<long> BulkInsertAsync(BulkRows rows, WriteScope scope, CancellationToken ct) => inner.BulkInsertAsync(rows, scope, ct);
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public bool Stopped { get; private set; }
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopped = true;
    }
}
