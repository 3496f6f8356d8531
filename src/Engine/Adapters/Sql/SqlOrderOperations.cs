using System.Data.Common;
using System.Globalization;
using Dapper;
using PromotionEngine.Engine.Checkout;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

internal sealed class SqlOrderOperations(IDatabase db) : IOrderOperations
{
    public async Task<OrderOperation?> FindAsync(OrderId order, string operation, WriteScope scope, CancellationToken ct)
    {
        var row = await scope.Connection.QuerySingleOrDefaultAsync<OperationRow>(new CommandDefinition(
            "SELECT user_id, coupon_ids, request_hash, response_json, created_at, caller FROM en_order_operations " +
            "WHERE order_id = @Order AND operation = @Operation",
            new { Order = order.Value, Operation = operation }, scope.Transaction, cancellationToken: ct));
        return row is null ? null : new OrderOperation(order, operation, new UserId(row.UserId),
            row.CouponIds.Split(',').Select(id => new UserCouponId(long.Parse(id, CultureInfo.InvariantCulture))).ToList(),
            row.RequestHash, row.ResponseJson, UtcMillis.ToTime(row.CreatedAt), row.Caller);
    }

    public async Task RecordAsync(OrderOperation operation, WriteScope scope, CancellationToken ct)
    {
        try
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO en_order_operations (order_id, operation, user_id, coupon_ids, request_hash, response_json, created_at, caller) " +
                "VALUES (@Order, @Operation, @User, @Coupons, @Hash, @Response, @At, @Caller)",
                new
                {
                    Order = operation.Order.Value,
                    operation.Operation,
                    User = operation.User.Value,
                    Coupons = string.Join(',', operation.Coupons.Select(c => c.Value)),
                    Hash = operation.RequestHash,
                    Response = operation.ResponseJson,
                    At = UtcMillis.From(operation.At),
                    operation.Caller,
                }, scope.Transaction, cancellationToken: ct));
        }
        catch (DbException e) when (db.IsUniqueViolation(e))
        {
            throw new ConcurrencyConflictException($"Order {operation.Order} {operation.Operation}");
        }
    }

    private sealed class OperationRow
    {
        public long UserId { get; init; }
        public string CouponIds { get; init; } = "";
        public string RequestHash { get; init; } = "";
        public string ResponseJson { get; init; } = "";
        public long CreatedAt { get; init; }
        public string? Caller { get; init; }
    }
}
