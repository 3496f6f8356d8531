using System.Data.Common;
using System.Text;
using System.Text.Json;
using Dapper;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Adapters.Sql;

/// <summary>Templates in ma_coupon_templates; one SQL text serves SQLite and the MySQL protocol.</summary>
internal sealed class SqlCouponTemplates(IDatabase db) : ICouponTemplates
{
    private const string Columns =
        "id, merchant_id, name, description, currency, scope, shop_id, product_ids, category_ids, type, discount_amount, " +
        "threshold_amount, percent_off, max_discount_amount, valid_from, valid_until, validity_after_claim, stock, " +
        "per_user_limit, terminated_at, created_at, updated_at, version, exclusive, priority, funding, platform_share_bps, time_zone, " +
        "per_user_daily_limit, per_user_weekly_limit, per_user_monthly_limit, tiers, audience_id, " +
        "gift, gift_stock, buy_quantity, get_quantity";

    public async Task<CouponTemplate?> FindAsync(TemplateId id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<TemplateRow>(
            new CommandDefinition($"SELECT {Columns} FROM ma_coupon_templates WHERE id = @Id", new { Id = id.Value }, cancellationToken: ct));
        return row?.ToTemplate();
    }

    public async Task<CouponTemplate?> FindAsync(TemplateId id, WriteScope scope, CancellationToken ct)
    {
        var row = await scope.Connection.QuerySingleOrDefaultAsync<TemplateRow>(
            new CommandDefinition(
                $"SELECT {Columns} FROM ma_coupon_templates WHERE id = @Id", new { Id = id.Value }, scope.Transaction, cancellationToken: ct));
        return row?.ToTemplate();
    }

    public async Task<IReadOnlyList<CouponTemplate>> FindManyAsync(IReadOnlyCollection<TemplateId> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<TemplateRow>(new CommandDefinition(
            $"SELECT {Columns} FROM ma_coupon_templates WHERE id IN @Ids", new { Ids = ids.Select(i => i.Value).ToArray() }, cancellationToken: ct));
        return rows.Select(r => r.ToTemplate()).ToList();
    }

    public Task AddAsync(CouponTemplate template, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO ma_coupon_templates ({Columns}) VALUES (@Id, @MerchantId, @Name, @Description, @Currency, @Scope, @ShopId, " +
            "@ProductIds, @CategoryIds, @Type, @DiscountAmount, @ThresholdAmount, @PercentOff, @MaxDiscountAmount, @ValidFrom, " +
            "@ValidUntil, @ValidityAfterClaim, @Stock, @PerUserLimit, @TerminatedAt, @CreatedAt, @UpdatedAt, @Version, @Exclusive, @Priority, " +
            "@Funding, @PlatformShareBps, @TimeZone, @PerUserDailyLimit, @PerUserWeeklyLimit, @PerUserMonthlyLimit, @Tiers, @AudienceId, " +
            "@Gift, @GiftStock, @BuyQuantity, @GetQuantity)",
            TemplateRow.From(template), scope.Transaction, cancellationToken: ct));

    public async Task SaveAsync(CouponTemplate template, WriteScope scope, CancellationToken ct)
    {
        var changed = await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE ma_coupon_templates SET name = @Name, description = @Description, valid_until = @ValidUntil, stock = @Stock, " +
            "per_user_limit = @PerUserLimit, terminated_at = @TerminatedAt, updated_at = @UpdatedAt, version = version + 1, " +
            "gift_stock = @GiftStock " +
            "WHERE id = @Id AND version = @Version",
            TemplateRow.From(template), scope.Transaction, cancellationToken: ct));
        if (changed != 1) throw new ConcurrencyConflictException($"Template {template.Id}");
    }

    public async Task<IReadOnlyList<CouponTemplate>> ListAsync(MerchantId merchant, TemplateQuery query, DateTimeOffset now, CancellationToken ct)
    {
        var sql = new StringBuilder($"SELECT {Columns} FROM ma_coupon_templates WHERE merchant_id = @Merchant");
        if (query.After is not null) sql.Append(" AND id < @After");
        sql.Append(query.Status switch
        {
            TemplateStatus.Active => " AND terminated_at IS NULL AND valid_until > @Now",
            TemplateStatus.Ended => " AND terminated_at IS NULL AND valid_until <= @Now",
            TemplateStatus.Terminated => " AND terminated_at IS NOT NULL",
            _ => "",
        });
        if (query.NameContains is not null) sql.Append(" AND name LIKE @Name ESCAPE '!'");
        if (query.Scope is not null) sql.Append(" AND scope = @Scope");
        if (query.Type is not null) sql.Append(" AND type = @Type");
        sql.Append(" ORDER BY id DESC LIMIT @Limit");

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<TemplateRow>(new CommandDefinition(sql.ToString(), new
        {
            Merchant = merchant.Value,
            query.After,
            Now = UtcMillis.From(now),
            Name = query.NameContains is { } n ? "%" + EscapeLike(n) + "%" : null,
            Scope = query.Scope is { } s ? WireNames.Of(s) : null,
            Type = query.Type is { } t ? WireNames.Of(t) : null,
            query.Limit,
        }, cancellationToken: ct));
        return rows.Select(r => r.ToTemplate()).ToList();
    }

    public async Task<MerchantRequest?> RecordRequestAsync(MerchantRequest request, WriteScope scope, CancellationToken ct)
    {
        try
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO ma_merchant_requests (merchant_id, idempotency_key, request_hash, template_id) " +
                "VALUES (@Merchant, @Key, @Hash, @Template)",
                new { Merchant = request.Merchant.Value, Key = request.Key.Value, Hash = request.RequestHash, Template = request.Template.Value },
                scope.Transaction, cancellationToken: ct));
            return null;
        }
        catch (DbException e) when (db.IsUniqueViolation(e))
        {
            return await FindRequestAsync(request.Merchant, request.Key, ct) ?? throw new ConcurrencyConflictException("Idempotency key");
        }
    }

    public async Task<MerchantRequest?> FindRequestAsync(MerchantId merchant, IdempotencyKey key, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<MerchantRequestRow>(new CommandDefinition(
            "SELECT request_hash, template_id FROM ma_merchant_requests WHERE merchant_id = @Merchant AND idempotency_key = @Key",
            new { Merchant = merchant.Value, Key = key.Value }, cancellationToken: ct));
        return row is null ? null : new MerchantRequest(merchant, key, row.RequestHash, new TemplateId(row.TemplateId));
    }

    private sealed class MerchantRequestRow
    {
        public string RequestHash { get; init; } = "";
        public long TemplateId { get; init; }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string EscapeLike(string text) => text.Replace("!", "!!").Replace("%", "!%").Replace("_", "!_");

    /// <summary>The row as Dapper maps it; the domain type keeps its invariants behind private setters.</summary>
    private sealed class TemplateRow
    {
        public long Id { get; init; }
        public long MerchantId { get; init; }
        public string Name { get; init; } = "";
        public string Description { get; init; } = "";
        public string Currency { get; init; } = "";
        public string Scope { get; init; } = "";
        public long? ShopId { get; init; }
        public string ProductIds { get; init; } = "[]";
        public string CategoryIds { get; init; } = "[]";
        public string Type { get; init; } = "";
        public long? DiscountAmount { get; init; }
        public long? ThresholdAmount { get; init; }
        public int? PercentOff { get; init; }
        public long? MaxDiscountAmount { get; init; }
        public long ValidFrom { get; init; }
        public long ValidUntil { get; init; }
        public long? ValidityAfterClaim { get; init; }
        public long Stock { get; init; }
        public int PerUserLimit { get; init; }
        public long? TerminatedAt { get; init; }
        public long CreatedAt { get; init; }
        public long UpdatedAt { get; init; }
        public int Version { get; init; }
        public bool Exclusive { get; init; }
        public int Priority { get; init; }
        public string Funding { get; init; } = "";
        public int PlatformShareBps { get; init; }
        public string TimeZone { get; init; } = ClaimPeriodLimits.DefaultTimeZone;
        public int? PerUserDailyLimit { get; init; }
        public int? PerUserWeeklyLimit { get; init; }
        public int? PerUserMonthlyLimit { get; init; }

        /// <summary>TIERED_THRESHOLD: the tiers as JSON, [{"thresholdAmount":…,"discountAmount":…}]; null otherwise.</summary>
        public string? Tiers { get; init; }
        public long? AudienceId { get; init; }

        /// <summary>GIFT: the gift as JSON, {"sku":…,"quantity":…,"minQuantity":…}; null otherwise. GiftStock: every gift added so far.</summary>
        public string? Gift { get; init; }
        public long GiftStock { get; init; }

        /// <summary>BUY_X_GET_Y: X and Y; null otherwise.</summary>
        public int? BuyQuantity { get; init; }
        public int? GetQuantity { get; init; }

        public static TemplateRow From(CouponTemplate t) => new()
        {
            Id = t.Id.Value,
            MerchantId = t.Merchant.Value,
            Name = t.Name,
            Description = t.Description,
            Currency = t.Currency,
            Scope = WireNames.Of(t.Scope.Kind),
            ShopId = t.Scope.ShopId,
            ProductIds = JsonSerializer.Serialize(t.Scope.ProductIds),
            CategoryIds = JsonSerializer.Serialize(t.Scope.CategoryIds),
            Type = WireNames.Of(t.Benefit.Type),
            DiscountAmount = t.Benefit.DiscountAmount,
            ThresholdAmount = t.Benefit.ThresholdAmount,
            PercentOff = t.Benefit.PercentOff,
            MaxDiscountAmount = t.Benefit.MaxDiscountAmount,
            ValidFrom = UtcMillis.From(t.ValidFrom),
            ValidUntil = UtcMillis.From(t.ValidUntil),
            ValidityAfterClaim = t.ValidityAfterClaim is { } v ? (long)v.TotalSeconds : null,
            Stock = t.Stock,
            PerUserLimit = t.PerUserLimit,
            TerminatedAt = UtcMillis.From(t.TerminatedAt),
            CreatedAt = UtcMillis.From(t.CreatedAt),
            UpdatedAt = UtcMillis.From(t.UpdatedAt),
            Version = t.Version,
            Exclusive = t.Exclusive,
            Priority = t.Priority,
            Funding = WireNames.Of(t.Funding),
            PlatformShareBps = t.PlatformShareBps,
            TimeZone = t.PeriodLimits.TimeZone,
            PerUserDailyLimit = t.PeriodLimits.PerUserDailyLimit,
            PerUserWeeklyLimit = t.PeriodLimits.PerUserWeeklyLimit,
            PerUserMonthlyLimit = t.PeriodLimits.PerUserMonthlyLimit,
            Tiers = t.Benefit.Tiers is { } tiers ? JsonSerializer.Serialize(tiers, Json) : null,
            AudienceId = t.Audience?.Value,
            Gift = t.Benefit.Gift is { } gift ? JsonSerializer.Serialize(gift, Json) : null,
            GiftStock = t.GiftStock,
            BuyQuantity = t.Benefit.BuyQuantity,
            GetQuantity = t.Benefit.GetQuantity,
        };

        public CouponTemplate ToTemplate()
        {
            if (!WireNames.TryParse(Scope, out TemplateScope scope) || !WireNames.TryParse(Type, out BenefitType type)
                || !WireNames.TryParse(Funding, out FundingKind funding))
                throw new InvalidOperationException(
                    $"Template {Id} has the scope '{Scope}', type '{Type}' and funding '{Funding}'; no release of the engine writes one of them.");
            var definition = new TemplateDefinition(Name, Description, Currency,
                new CouponScope(
                    scope, ShopId, JsonSerializer.Deserialize<long[]>(ProductIds) ?? [], JsonSerializer.Deserialize<long[]>(CategoryIds) ?? []),
                new Benefit(type, DiscountAmount, ThresholdAmount, PercentOff, MaxDiscountAmount,
                    Tiers is null ? null : JsonSerializer.Deserialize<BenefitTier[]>(Tiers, Json),
                    Gift is null ? null : JsonSerializer.Deserialize<GiftTerms>(Gift, Json), BuyQuantity, GetQuantity),
                UtcMillis.ToTime(ValidFrom), UtcMillis.ToTime(ValidUntil),
                ValidityAfterClaim is { } seconds ? TimeSpan.FromSeconds(seconds) : null, Stock, PerUserLimit, Exclusive, Priority, funding,
                PlatformShareBps, new ClaimPeriodLimits(TimeZone, PerUserDailyLimit, PerUserWeeklyLimit, PerUserMonthlyLimit),
                AudienceId is { } audience ? new AudienceId(audience) : null, GiftStock);
            return CouponTemplate.Restore(new TemplateId(Id), new MerchantId(MerchantId), definition, UtcMillis.ToTime(TerminatedAt),
                UtcMillis.ToTime(CreatedAt), UtcMillis.ToTime(UpdatedAt), Version);
        }
    }
}
