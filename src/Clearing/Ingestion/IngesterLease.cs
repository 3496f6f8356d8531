using Dapper;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Clearing.Ingestion;

/// <summary>
/// The ingester's lease and the operators' rebuild requests (the one row of clr_ingester): one instance ingests at a time,
/// and the lease lapses unless renewed, so another takes over when its holder dies. A rebuild is asked for by counting
/// rebuild_requested up; the holder carries it out and sets rebuild_done to what it saw.
/// </summary>
internal sealed class IngesterLease(IDatabase db, TimeProvider clock)
{
    private readonly string _holder =
        $"{Environment.MachineName[..Math.Min(Environment.MachineName.Length, 32)]}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private DateTimeOffset? _heldUntil;

    /// <summary>This process's name in the lease.</summary>
    public string Holder => _holder;

    /// <summary>Takes or renews the lease for <paramref name="length"/>; true while this process holds it.</summary>
    public async Task<bool> HoldAsync(TimeSpan length, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_heldUntil is { } until && now < until - length / 2) return true; // renewed at half its length, not at every round
        await using var scope = await db.BeginWriteAsync(ct);
        var taken = await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE clr_ingester SET holder = @Holder, expires_at = @Until "
            + "WHERE id = 1 AND (holder = @Holder OR holder IS NULL OR expires_at < @Now)",
            new { Holder = _holder, Until = UtcMillis.From(now + length), Now = UtcMillis.From(now) }, scope.Transaction, cancellationToken: ct));
        await scope.CommitAsync(ct);
        _heldUntil = taken == 1 ? now + length : null;
        return taken == 1;
    }

    /// <summary>Gives the lease up (a clean stop), so another instance need not wait for it to lapse.</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        if (_heldUntil is null) return;
        _heldUntil = null;
        await using var scope = await db.BeginWriteAsync(ct);
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE clr_ingester SET holder = NULL, expires_at = 0 WHERE id = 1 AND holder = @Holder", new { Holder = _holder },
            scope.Transaction, cancellationToken: ct));
        await scope.CommitAsync(ct);
    }

    /// <summary>Asks for a rebuild; the ingester starts it at its next round. Returns the request's number.</summary>
    public async Task<long> RequestRebuildAsync(CancellationToken ct)
    {
        await using var scope = await db.BeginWriteAsync(ct);
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE clr_ingester SET rebuild_requested = rebuild_requested + 1 WHERE id = 1", transaction: scope.Transaction, cancellationToken: ct));
        var requested = await scope.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT rebuild_requested FROM clr_ingester WHERE id = 1", transaction: scope.Transaction, cancellationToken: ct));
        await scope.CommitAsync(ct);
        return requested;
    }

    /// <summary>The lease and the rebuild requests as stored.</summary>
    public async Task<IngesterState> ReadAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleAsync<IngesterState>(new CommandDefinition(
            "SELECT holder AS Holder, expires_at AS ExpiresAt, rebuild_requested AS RebuildRequested, rebuild_done AS RebuildDone "
            + "FROM clr_ingester WHERE id = 1", cancellationToken: ct));
        return row;
    }

    /// <summary>Records that the rebuild numbered <paramref name="request"/> has reset the store (only while holding the lease).</summary>
    public async Task RebuiltAsync(long request, CancellationToken ct)
    {
        await using var scope = await db.BeginWriteAsync(ct);
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE clr_ingester SET rebuild_done = @Request WHERE id = 1 AND holder = @Holder AND rebuild_done < @Request",
            new { Request = request, Holder = _holder }, scope.Transaction, cancellationToken: ct));
        await scope.CommitAsync(ct);
    }
}

internal sealed class IngesterState
{
    public string? Holder { get; init; }
    public long ExpiresAt { get; init; }
    public long RebuildRequested { get; init; }
    public long RebuildDone { get; init; }
}
