using Dapper;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Engine.Budgets;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>Budgets in en_budgets (one row per budget) and en_budget_holds (one per coupon, order and budget).</summary>
internal sealed class SqlBudgetLedgerStore(IDatabase db) : IBudgetLedgerStore
{
    public async Task<bool> TryReserveAsync(string budget, long amount, long limit, DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        // The check and the change are one statement: the row lock (MySQL) or the single writer (SQLite) orders racing locks.
        var reserve = new CommandDefinition(
            "UPDATE en_budgets SET reserved = reserved + @Amount, updated_at = @Now " +
            "WHERE budget_key = @Budget AND spent + reserved + @Amount <= @Limit",
            new { Budget = budget, Amount = amount, Limit = limit, Now = UtcMillis.From(now) }, scope.Transaction, cancellationToken: ct);
        if (await scope.Connection.ExecuteAsync(reserve) == 1) return true;
        if (await ExistsAsync(budget, scope, ct)) return false;
        await EnsureAsync(budget, now, scope, ct);
        return await scope.Connection.ExecuteAsync(reserve) == 1;
    }

    public async Task AdjustAsync(string budget, long spent, long reserved, DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        // Nothing to move (a refund restoring a hold a refund by lines already gave back in full): MySQL reports the UPDATE as
        // touching no row, and the row-of-zeros insert on its own connection would then wait on this transaction's row lock.
        if (spent == 0 && reserved == 0) return;
        var adjust = new CommandDefinition(
            "UPDATE en_budgets SET spent = spent + @Spent, reserved = reserved + @Reserved, updated_at = @Now WHERE budget_key = @Budget",
            new { Budget = budget, Spent = spent, Reserved = reserved, Now = UtcMillis.From(now) }, scope.Transaction, cancellationToken: ct);
        if (await scope.Connection.ExecuteAsync(adjust) == 1) return;
        await EnsureAsync(budget, now, scope, ct);
        await scope.Connection.ExecuteAsync(adjust);
    }

    private static async Task<bool> ExistsAsync(string budget, WriteScope scope, CancellationToken ct) =>
        await scope.Connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT 1 FROM en_budgets WHERE budget_key = @Budget", new { Budget = budget }, scope.Transaction, cancellationToken: ct)) is not null;

    /// <summary>
    /// Creates a budget's row of zeros the first time it is used. On MySQL in a transaction of its own: an INSERT IGNORE of an
    /// existing row in the caller's transaction would take a shared lock that racing reservations then all want to upgrade
    /// (deadlocks); a row of zeros committed early changes no figure. SQLite has one writer: in the caller's transaction.
    /// </summary>
    private async Task EnsureAsync(string budget, DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        var insert = (db.Dialect == SqlDialect.MySql ? "INSERT IGNORE" : "INSERT OR IGNORE") +
            " INTO en_budgets (budget_key, spent, reserved, threshold_reached, updated_at) VALUES (@Budget, 0, 0, 0, @Now)";
        var values = new { Budget = budget, Now = UtcMillis.From(now) };
        if (db.Dialect != SqlDialect.MySql)
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(insert, values, scope.Transaction, cancellationToken: ct));
            return;
        }
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(insert, values, cancellationToken: ct));
    }

    public async Task AddHoldsAsync(IReadOnlyList<BudgetHold> holds, DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        foreach (var h in holds)
        {
            // A coupon locked again by the same order after its hold lapsed reuses the row.
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM en_budget_holds WHERE coupon_id = @Coupon AND order_id = @Order AND budget_key = @Budget",
                new { Coupon = h.Coupon.Value, Order = h.Order.Value, h.Budget }, scope.Transaction, cancellationToken: ct));
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO en_budget_holds (coupon_id, order_id, budget_key, amount, state, restored, updated_at) " +
                "VALUES (@Coupon, @Order, @Budget, @Amount, @State, @Restored, @Now)",
                new { Coupon = h.Coupon.Value, Order = h.Order.Value, h.Budget, h.Amount, h.State, h.Restored, Now = UtcMillis.From(now) },
                scope.Transaction, cancellationToken: ct));
        }
    }

    public async Task<IReadOnlyList<BudgetHold>> HoldsAsync(UserCouponId coupon, OrderId order, WriteScope scope, CancellationToken ct)
    {
        var rows = await scope.Connection.QueryAsync<HoldRow>(new CommandDefinition(
            "SELECT budget_key, amount, state, restored FROM en_budget_holds WHERE coupon_id = @Coupon AND order_id = @Order ORDER BY budget_key",
            new { Coupon = coupon.Value, Order = order.Value }, scope.Transaction, cancellationToken: ct));
        return rows.Select(r => new BudgetHold(coupon, order, r.BudgetKey, r.Amount, r.State, r.Restored)).ToList();
    }

    public Task SetHoldAsync(BudgetHold hold, DateTimeOffset now, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE en_budget_holds SET state = @State, restored = @Restored, updated_at = @Now " +
            "WHERE coupon_id = @Coupon AND order_id = @Order AND budget_key = @Budget",
            new { Coupon = hold.Coupon.Value, Order = hold.Order.Value, hold.Budget, hold.State, hold.Restored, Now = UtcMillis.From(now) },
            scope.Transaction, cancellationToken: ct));

    public async Task<(long Spent, int ThresholdReached)> ThresholdStateAsync(string budget, WriteScope scope, CancellationToken ct)
    {
        var row = await scope.Connection.QuerySingleOrDefaultAsync<(long Spent, int ThresholdReached)>(new CommandDefinition(
            "SELECT spent, threshold_reached FROM en_budgets WHERE budget_key = @Budget",
            new { Budget = budget }, scope.Transaction, cancellationToken: ct));
        return row;
    }

    public async Task<bool> TryRaiseThresholdAsync(string budget, int from, int to, WriteScope scope, CancellationToken ct) =>
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE en_budgets SET threshold_reached = @To WHERE budget_key = @Budget AND threshold_reached = @From",
            new { Budget = budget, From = from, To = to }, scope.Transaction, cancellationToken: ct)) == 1;

    public async Task<IReadOnlyDictionary<string, BudgetUsage>> UsageAsync(IReadOnlyCollection<string> budgets, CancellationToken ct)
    {
        if (budgets.Count == 0) return new Dictionary<string, BudgetUsage>();
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Key, long Spent, long Reserved)>(new CommandDefinition(
            "SELECT budget_key, spent, reserved FROM en_budgets WHERE budget_key IN @Budgets",
            new { Budgets = budgets.ToArray() }, cancellationToken: ct));
        var found = rows.ToDictionary(r => r.Key, r => new BudgetUsage(r.Spent, r.Reserved));
        return budgets.Distinct().ToDictionary(b => b, b => found.GetValueOrDefault(b) ?? BudgetUsage.None);
    }

    private sealed class HoldRow
    {
        public string BudgetKey { get; init; } = "";
        public long Amount { get; init; }
        public string State { get; init; } = "";
        public long Restored { get; init; }
    }
}
