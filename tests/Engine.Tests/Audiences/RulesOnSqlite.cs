using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Adapters.Sql;
using PromotionEngine.Engine.Audiences;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.Platform.Messaging.Outbox;
using PromotionEngine.Platform.Persistence;
using static PromotionEngine.Engine.Tests.Durations;

namespace PromotionEngine.Engine.Tests.Audiences;

/// <summary>
/// Rule audiences on a SQLite file of the test's own, migrated as the Host migrates it: the rules' store (its reads counted), the
/// facts' consumer, the evaluation, and sweepers of as many instances as a test asks for (each with its own lease identity).
/// </summary>
internal sealed class RulesOnSqlite : IAsyncDisposable
{
    public static readonly MerchantId Merchant = new(7);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "promo-engine-tests-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _db;
    private readonly SqlAudiences _audiences;
    private readonly SqlOutbox _outbox;
    private readonly IdGenerator _ids;

    private RulesOnSqlite()
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true; // as AddEngine sets it
        Directory.CreateDirectory(_directory);
        _db = new SqliteDatabase(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "promotion.db") }.ToString());
        _audiences = new SqlAudiences(_db);
        _ids = new IdGenerator(Clock, 1);
        _outbox = new SqlOutbox(_db, _ids, Clock, new OutboxSignal());
        Rules = new CountingRules(new SqlAudienceRules(_db));
        Index = new AudienceRuleIndex(Rules);
        Change = new ChangeAudienceMembers(_db, _audiences, new NoAudienceCopies(), _outbox, Clock, NullLogger<ChangeAudienceMembers>.Instance);
        Evaluate = new EvaluateAudienceRule(_audiences, Rules, Change, Clock);
        Follow = new FollowAudienceFacts(Rules, Index, Change, Clock);
    }

    public FakeTimeProvider Clock { get; } = new(Clocks.Start);

    public CountingRules Rules { get; }

    public AudienceRuleIndex Index { get; }

    public ChangeAudienceMembers Change { get; }

    public EvaluateAudienceRule Evaluate { get; }

    public FollowAudienceFacts Follow { get; }

    public static async Task<RulesOnSqlite> MigratedAsync()
    {
        var store = new RulesOnSqlite();
        await new Migrator(store._db, [PersistenceSetup.Schema, new ModuleSchema(EngineModule.Name, typeof(EngineModule).Assembly)],
            NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        return store;
    }

    /// <summary>The sweeper of one more instance (a lease identity of its own).</summary>
    public AudienceRuleSweeper Sweeper() => new(Rules, Evaluate, new SqlLeases(_db, Clock, new InstanceIdentity()), Clock,
        Options.Create(new EngineOptions()), NullLogger<AudienceRuleSweeper>.Instance);

    /// <summary>A rule audience of <see cref="Merchant"/>, created as the endpoint creates one (every template is the merchant's).</summary>
    public async Task<AudienceId> RuleAudienceAsync(string kind, long? template = null, AudienceRuleSweeper? sweeper = null)
    {
        var create = new CreateAudience(_db, _audiences, Rules, Evaluate, new MerchantsTemplates(Clock), _outbox, _ids, Clock, Index,
            sweeper ?? Sweeper());
        var errors = new FieldErrors();
        var made = await create.HandleAsync(Merchant, "rule", new AudienceRuleRequest(kind, template?.ToString(CultureInfo.InvariantCulture),
            kind == AudienceRuleKinds.SettledOrders ? 30 : null, kind == AudienceRuleKinds.SettledOrders ? 1 : null), errors, CancellationToken.None);
        Assert.True(errors.IsEmpty, string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(' ', e.Value)}")));
        return made!.Value.Audience.Id;
    }

    /// <summary>The facts' consumer of another instance on this database: its own view of the rules.</summary>
    public FollowAudienceFacts OtherInstance() => new(Rules, new AudienceRuleIndex(Rules), Change, Clock);

    /// <summary>
    /// The user claimed a coupon of the template: the claim counter the gates keep, then its event delivered to the consumer (of
    /// this instance, or of <paramref name="instance"/>) only if it wants the event, as the in-process transport enlists it.
    /// </summary>
    public async Task ClaimAsync(long user, long template, FollowAudienceFacts? instance = null)
    {
        await ExecuteAsync($"INSERT INTO en_user_template_claims (user_id, template_id, claimed) VALUES ({user}, {template}, 1)");
        var now = Clock.GetUtcNow();
        var claimed = new CouponClaimed(1_000_000 + user, template, user, Merchant.Value, now, now, now + Days(30), CouponSources.Claim, null);
        var follow = instance ?? Follow;
        if (!await follow.WantsAsync(claimed, CancellationToken.None)) return;
        await using var scope = await _db.BeginWriteAsync(CancellationToken.None); // the handler's transaction, as the consumer's
        await follow.HandleAsync(claimed, Context(claimed), scope, CancellationToken.None);
        await scope.CommitAsync(CancellationToken.None);
    }

    /// <summary>Whether the audience's members' table holds the user (for an excluding rule: whether it leaves them out).</summary>
    public async Task<bool> HoldsAsync(AudienceId audience, long user)
    {
        await using var scope = await _db.BeginWriteAsync(CancellationToken.None);
        return await new SqlAudienceRules(_db).HoldsAsync(audience, new UserId(user), scope, CancellationToken.None);
    }

    private static EventContext Context<T>(T e) where T : IIntegrationEvent => new(EventEnvelope.Create(e, Clocks.Start, "test"), 1);

    private async Task ExecuteAsync(string sql)
    {
        await using var scope = await _db.BeginWriteAsync(CancellationToken.None);
        await using var command = scope.Connection.CreateCommand();
        command.Transaction = scope.Transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
        await scope.CommitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        _db.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        await Task.CompletedTask;
    }

    /// <summary>Every template is <see cref="Merchant"/>'s.</summary>
    private sealed class MerchantsTemplates(TimeProvider clock) : ICouponTemplateCatalog
    {
        public Task<CouponTemplateSnapshot?> FindAsync(TemplateId id, CancellationToken ct)
        {
            var now = clock.GetUtcNow();
            return Task.FromResult<CouponTemplateSnapshot?>(new CouponTemplateSnapshot(id, Merchant, "CNY", Terminated: false,
                ValidFrom: now - Days(1), ValidUntil: now + Days(30), ValidityAfterClaim: null, Stock: 100, PerUserLimit: 1, Version: 0));
        }
    }
}
