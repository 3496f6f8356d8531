using System.Data.Common;
using Dapper;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Engine.Audiences;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Engine.Messaging;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>
/// The claim decided by the database alone (the embedded default, and any deployment without Redis):
/// conditional counter updates and the coupon insert in one transaction. A refusal rolls everything back.
/// </summary>
internal sealed class SqlClaimGate(IDatabase db, IUserCoupons coupons, IOutbox outbox, IAudiences audiences) : IExactClaimGate
{
    private readonly IDatabase _db = db;
    private readonly IAudiences _audiences = audiences;

    // "Count one more unless the bound is reached" as a single statement, so concurrent claims never
    // read-then-write. MySQL reports 0 affected rows when the IF keeps the value (UseAffectedRows=true).
    private static string CountUpTo(SqlDialect dialect, string table, string keys, string counter, string bound) => dialect switch
    {
        SqlDialect.MySql =>
            $"INSERT INTO {table} ({keys}, {counter}) VALUES (@{keys.Replace(", ", ", @")}, 1) " +
            $"ON DUPLICATE KEY UPDATE {counter} = IF({counter} < {bound}, {counter} + 1, {counter})",
        _ =>
            $"INSERT INTO {table} ({keys}, {counter}) VALUES (@{keys.Replace(", ", ", @")}, 1) " +
            $"ON CONFLICT ({keys}) DO UPDATE SET {counter} = {counter} + 1 WHERE {counter} < {bound}",
    };

    private readonly string _countUserClaim = CountUpTo(db.Dialect, "en_user_template_claims", "user_id, template_id", "claimed", "@per_user_limit");
    private readonly string _countIssued = CountUpTo(db.Dialect, "en_template_issuance", "template_id", "issued", "@stock");
    private readonly string _countCampaignClaim =
        CountUpTo(db.Dialect, "en_user_campaign_claims", "user_id, campaign_id", "claimed", "@campaign_limit");

    public Task<GateDecision> TryClaimAsync(ClaimTicket ticket, CancellationToken ct) => _db.WriteWithRetryAsync(async scope =>
    {
        await using var decisions = Decide(scope);
        var decision = await decisions.DecideAsync(ticket, ct);
        if (decision is not GateDecision.Granted) return decision; // the scope's end rolls back what the refusal counted
        await coupons.AddAsync(ticket.Coupon, scope, ct);
        await outbox.AddAsync(CouponEvents.Claimed(ticket.Coupon, CouponSources.Claim, null).ToList(), scope, ct);
        await scope.CommitAsync(ct);
        return decision;
    }, ct);

    /// <summary>Claim decisions in the scope's transaction, one after another (a group commit's batch, or one claim alone).</summary>
    public Decisions Decide(WriteScope scope) => new(this, scope);

    /// <summary>
    /// Decides claims in one transaction: each claim's request row and counters are written, its coupon and events are not (the
    /// caller stores them when granted). A refusal leaves what it wrote for the caller to roll back: the whole transaction
    /// (<see cref="TryClaimAsync"/>) or the claim's savepoint (<see cref="SqlClaimGroupCommit"/>). The every-claim statements are
    /// commands made once and run for every claim with new values: on SQLite a command keeps its compiled statement between runs,
    /// so a batch compiles each once instead of once per claim.
    /// </summary>
    internal sealed class Decisions(SqlClaimGate gate, WriteScope scope) : IAsyncDisposable
    {
        private readonly Statement _request = new(scope,
            "INSERT INTO en_claim_requests (user_id, idempotency_key, template_id, user_coupon_id, created_at) " +
            "VALUES (@User, @Key, @Template, @Coupon, @At)", "User", "Key", "Template", "Coupon", "At");

        private readonly Statement _userClaim = new(scope, gate._countUserClaim, "user_id", "template_id", "per_user_limit");
        private readonly Statement _issued = new(scope, gate._countIssued, "template_id", "stock");
        private Statement? _savepoint, _release, _rollbackTo;

        /// <summary>Decides the claim (see the class).</summary>
        public async Task<GateDecision> DecideAsync(ClaimTicket ticket, CancellationToken ct)
        {
            var coupon = ticket.Coupon;
            try
            {
                await _request.RunAsync(ct, coupon.User.Value, ticket.Key.Value, coupon.Template.Value, coupon.Id.Value,
                    UtcMillis.From(coupon.ClaimedAt));
            }
            catch (DbException e) when (gate._db.IsUniqueViolation(e))
            {
                // Read in this transaction: in a group commit the first request with the key may be an earlier claim of the same batch.
                return new GateDecision.Duplicate(await FindPriorAsync(coupon.User, ticket.Key, scope.Connection, scope.Transaction, ct)
                    ?? throw new InvalidOperationException("A duplicate claim request vanished."));
            }
            if (GateDecision.WindowRefusal(ticket.Template, ticket.Now) is { } closed) return closed;
            // Audiences (docs/audiences.md): one primary-key probe of the members' table, after the window, before the counters.
            if (ticket.Template.Audience is { } audience
                && !await gate._audiences.IsMemberAsync(audience, ticket.Template.Merchant, coupon.User, scope, ct))
                return new GateDecision.NotInAudience();
            // The user's own row first, the template's hot row last: the hot row's lock is held for the shortest time.
            if (await _userClaim.RunAsync(ct, coupon.User.Value, coupon.Template.Value, ticket.Template.PerUserLimit) == 0)
                return new GateDecision.LimitReached();
            if (ticket.Periods.Count > 0 || ticket.Template.BudgetTerms is { CampaignId: not null, CampaignPerUserLimit: not null })
            {
                if (await gate.UserLimitRefusalAsync(ticket, scope, ct) is { } refused) return refused;
            }
            if (await _issued.RunAsync(ct, coupon.Template.Value, ticket.Template.Stock) == 0) return new GateDecision.OutOfStock();
            return new GateDecision.Granted();
        }

        /// <summary>Marks where the next claim's writes begin, so a refusal undoes its own alone.</summary>
        public Task<int> SaveAsync(CancellationToken ct) => (_savepoint ??= new(scope, $"SAVEPOINT {Savepoint}")).RunAsync(ct);

        public Task<int> RollbackToSavedAsync(CancellationToken ct) =>
            (_rollbackTo ??= new(scope, $"ROLLBACK TO SAVEPOINT {Savepoint}")).RunAsync(ct);

        public Task<int> ReleaseSavedAsync(CancellationToken ct) => (_release ??= new(scope, $"RELEASE SAVEPOINT {Savepoint}")).RunAsync(ct);

        public async ValueTask DisposeAsync()
        {
            foreach (var statement in new[] { _request, _userClaim, _issued, _savepoint, _release, _rollbackTo })
                if (statement is not null) await statement.DisposeAsync();
        }

        private const string Savepoint = "claim";
    }

    /// <summary>A command of the scope's transaction made once and run many times, its parameters given in order.</summary>
    private sealed class Statement : IAsyncDisposable
    {
        private readonly DbCommand _command;
        private readonly DbParameter[] _parameters;

        public Statement(WriteScope scope, string sql, params string[] names)
        {
            _command = scope.Connection.CreateCommand();
            _command.Transaction = scope.Transaction;
            _command.CommandText = sql;
            _parameters = new DbParameter[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                _parameters[i] = _command.CreateParameter();
                _parameters[i].ParameterName = "@" + names[i];
                _command.Parameters.Add(_parameters[i]);
            }
        }

        /// <summary>Runs the statement with these values (in the order of the names it was made with); the rows it changed.</summary>
        public Task<int> RunAsync(CancellationToken ct, params object[] values)
        {
            for (var i = 0; i < values.Length; i++) _parameters[i].Value = values[i];
            return _command.ExecuteNonQueryAsync(ct);
        }

        public ValueTask DisposeAsync() => _command.DisposeAsync();
    }

    // The per-period and campaign limits (claims with either are rare): the user's own rows, so still before the template's hot row.
    private async Task<GateDecision?> UserLimitRefusalAsync(ClaimTicket ticket, WriteScope scope, CancellationToken ct)
    {
        var coupon = ticket.Coupon;
        var args = new DynamicParameters(new
        {
            user_id = coupon.User.Value,
            template_id = coupon.Template.Value,
            campaign_id = ticket.Template.BudgetTerms.CampaignId,
            campaign_limit = ticket.Template.BudgetTerms.CampaignPerUserLimit,
        });
        // Per-period limits: the user's one row for the template, every limited period counted in it, then read back.
        if (ticket.Periods.Count > 0 && await SqlPeriodClaims.CountOneAsync(_db.Dialect, ticket, scope, ct) is { } full)
            return new GateDecision.PeriodLimitReached(full);
        // The campaign's limit over all its templates.
        if (ticket.Template.BudgetTerms is { CampaignId: not null, CampaignPerUserLimit: not null }
            && await scope.Connection.ExecuteAsync(new CommandDefinition(_countCampaignClaim, args, scope.Transaction, cancellationToken: ct)) == 0)
            return new GateDecision.CampaignLimitReached();
        return null;
    }

    /// <summary>The coupon an earlier request with this key claimed, from the database (the truth).</summary>
    public async Task<PriorClaim?> FindPriorAsync(UserId user, IdempotencyKey key, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        return await FindPriorAsync(user, key, connection, null, ct);
    }

    private static async Task<PriorClaim?> FindPriorAsync(
        UserId user, IdempotencyKey key, DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<PriorRow>(new CommandDefinition(
            "SELECT template_id, user_coupon_id FROM en_claim_requests WHERE user_id = @User AND idempotency_key = @Key",
            new { User = user.Value, Key = key.Value }, transaction, cancellationToken: ct));
        return row is null ? null : new PriorClaim(new TemplateId(row.TemplateId), new UserCouponId(row.UserCouponId));
    }

    private sealed class PriorRow
    {
        public long TemplateId { get; init; }
        public long UserCouponId { get; init; }
    }
}
