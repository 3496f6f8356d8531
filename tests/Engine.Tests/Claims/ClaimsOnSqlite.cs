using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Adapters.Sql;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging.Outbox;
using PromotionEngine.Platform.Persistence;
using static PromotionEngine.Engine.Tests.Durations;

namespace PromotionEngine.Engine.Tests.Claims;

/// <summary>
/// A SQLite file of the test's own with the engine's and the outbox's tables, migrated as the Host migrates them, and the
/// database gate's group commit on it (not started: a test queues claims first, so they make one batch, then starts it).
/// </summary>
internal sealed class ClaimsOnSqlite : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "promo-engine-tests-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(Clocks.Start);
    private readonly SqliteDatabase _db;
    private long _nextCoupon = 10_000;

    private ClaimsOnSqlite(Func<IUserCoupons, IUserCoupons>? coupons, int maxBatch, bool answerOnWriter)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true; // as AddEngine sets it
        Directory.CreateDirectory(_directory);
        _db = new SqliteDatabase(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "promotion.db") }.ToString());
        IUserCoupons stored = new SqlUserCoupons(_db);
        stored = coupons?.Invoke(stored) ?? stored;
        var outbox = new SqlOutbox(_db, new IdGenerator(_clock, 1), _clock, new OutboxSignal());
        Gate = new SqlClaimGate(_db, stored, outbox, new SqlAudiences(_db));
        Ledger = new SqlClaimLedger(_db, outbox);
        Commits = new SqlClaimGroupCommit(_db, Gate, stored, outbox, new EngineMetrics(),
            Options.Create(new EngineOptions { Database = { MaxBatch = maxBatch, AnswerOnWriter = answerOnWriter } }),
            NullLogger<SqlClaimGroupCommit>.Instance);
    }

    public SqlClaimGate Gate { get; }

    public SqlClaimGroupCommit Commits { get; }

    /// <summary>The Redis gate's group commit of claims Redis granted (its re-check in the database), on the same file.</summary>
    public SqlClaimLedger Ledger { get; }

    public IDatabase Database => _db;

    /// <param name="coupons">Wraps the coupons' store (a test's fault or count), or null.</param>
    /// <param name="maxBatch">Engine:Database:MaxBatch.</param>
    /// <param name="answerOnWriter">Engine:Database:AnswerOnWriter.</param>
    public static async Task<ClaimsOnSqlite> MigratedAsync(
        Func<IUserCoupons, IUserCoupons>? coupons = null, int maxBatch = 128, bool answerOnWriter = false)
    {
        var store = new ClaimsOnSqlite(coupons, maxBatch, answerOnWriter);
        await new Migrator(store._db, [PersistenceSetup.Schema, new ModuleSchema(EngineModule.Name, typeof(EngineModule).Assembly)],
            NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        return store;
    }

    public CouponTemplateSnapshot Template(long id, long stock, int perUserLimit)
    {
        var now = _clock.GetUtcNow();
        return new CouponTemplateSnapshot(new TemplateId(id), new MerchantId(3), "CNY", Terminated: false,
            ValidFrom: now - Days(1), ValidUntil: now + Days(30), ValidityAfterClaim: null, Stock: stock, PerUserLimit: perUserLimit, Version: 0);
    }

    /// <summary>A new claim of <paramref name="user"/> with <paramref name="key"/>: a coupon id of its own, as ClaimCoupon makes one.</summary>
    public ClaimTicket Claim(CouponTemplateSnapshot template, long user, string key) => Claim(template, user, key, UtcMillis.Now(_clock));

    /// <summary>A new claim as <see cref="Claim(CouponTemplateSnapshot, long, string)"/> at <paramref name="now"/> (an instance's clock).</summary>
    public ClaimTicket Claim(CouponTemplateSnapshot template, long user, string key, DateTimeOffset now)
    {
        var coupon = UserCoupon.Claim(new UserCouponId(Interlocked.Increment(ref _nextCoupon)), new UserId(user), template, now);
        return new ClaimTicket(coupon, new IdempotencyKey(key), template, now);
    }

    /// <summary>Queues the claims (the writer not started yet, they make one batch), starts the writer and waits for every answer.</summary>
    public async Task<GateDecision[]> InOneBatchAsync(params ClaimTicket[] claims)
    {
        var answers = claims.Select(c => Commits.TryClaimAsync(c, CancellationToken.None)).ToArray();
        await Commits.StartAsync(CancellationToken.None);
        return await Task.WhenAll(answers);
    }

    public Task<long> IssuedAsync(CouponTemplateSnapshot template) =>
        ScalarAsync($"SELECT COALESCE(MAX(issued), 0) FROM en_template_issuance WHERE template_id = {template.Id.Value}");

    public Task<long> CouponsAsync(CouponTemplateSnapshot template) =>
        ScalarAsync($"SELECT COUNT(*) FROM en_user_coupons WHERE template_id = {template.Id.Value}");

    public Task<long> CouponsOfAsync(long user) => ScalarAsync($"SELECT COUNT(*) FROM en_user_coupons WHERE user_id = {user}");

    /// <summary>The user's lifetime claim counter of the template (0 when there is no row).</summary>
    public Task<long> CountedAsync(CouponTemplateSnapshot template, long user) => ScalarAsync(
        $"SELECT COALESCE(MAX(claimed), 0) FROM en_user_template_claims WHERE template_id = {template.Id.Value} AND user_id = {user}");

    public Task<long> RequestsOfAsync(long user) => ScalarAsync($"SELECT COUNT(*) FROM en_claim_requests WHERE user_id = {user}");

    /// <summary>Events waiting in the outbox to be published now (packed rows count each of theirs), not timers.</summary>
    public Task<long> EventsAsync() => ScalarAsync("SELECT COALESCE(SUM(event_count), 0) FROM msg_outbox WHERE schedule_key IS NULL");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await _db.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await Commits.StopAsync(CancellationToken.None);
        Commits.Dispose();
        _db.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
