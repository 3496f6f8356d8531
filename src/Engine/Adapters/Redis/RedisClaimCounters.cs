using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Engine.Audiences;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Kernel;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// Redis holds a cache of the claim counters, never the truth: they are rebuilt from the database when
/// missing (first use, Redis restarted or flushed), on start, and on demand. One instance rebuilds a
/// template at a time (a short lock); claims for it wait meanwhile.
/// </summary>
internal sealed partial class RedisClaimCounters(IConnectionMultiplexer redis, IClaimLedger ledger, IOptions<EngineOptions> options,
    EngineMetrics metrics, ILogger<RedisClaimCounters> log, IAudiences audiences)
{
    private const int ChunkSize = 1000;
    private string Prefix => options.Value.Redis.KeyPrefix;

    /// <summary>
    /// Loads the template's counters from the database into every slice that lacks them, with the copy of its audience when it names
    /// one (a template for an audience has one slice); returns at once if another instance is loading. One lock, slice 0's, serves the
    /// whole template, so two loaders never share out the database's count twice; each slice also gets the lock's token, which its
    /// FinishLoad checks on its own slot.
    /// </summary>
    public async Task EnsureLoadedAsync(TemplateId template, TemplateAudience? audience, ClaimSlices slices, long stock, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        var all = Enumerable.Range(0, slices.Count).Select(s => new ClaimKeys(Prefix, template, s)).ToArray();
        var keys = all[0];
        if ((await ReadIssuedAsync(db, all)).Missing.Count == 0) return;
        var token = Guid.NewGuid().ToString("N");
        if (!await db.StringSetAsync(keys.Loading, token, TimeSpan.FromSeconds(30), When.NotExists))
        {
            await Task.Delay(5, ct); // someone else is loading: the caller asks again
            return;
        }
        try
        {
            foreach (var slice in all.Skip(1)) await db.StringSetAsync(slice.Loading, token, TimeSpan.FromSeconds(30));
            ClaimCounts counts;
            try
            {
                if (audience is { } a) await LoadAudienceAsync(db, keys, a, token, ct);
                counts = await ledger.CountsAsync(template, ct);
            }
            catch (System.Data.Common.DbException e)
            {
                throw new ClaimsUnavailableException("The claim counters could not be read from the database.", e);
            }
            // The live slices are read after the database: what they count beyond it is not handed out again (ClaimSlices.Distribute).
            var (present, missing) = await ReadIssuedAsync(db, all);
            var loaded = slices.Distribute(counts.Issued, stock, present, missing);
            var homes = counts.PerUser.ToLookup(u => slices.HomeOf(u.User));
            await db.StringSetAsync(keys.SliceCount, slices.Count);
            foreach (var slice in missing)
            {
                // Built aside and swapped in by FinishLoad, so a loader that outlived its lock never overwrites live counts.
                var building = all[slice].UsersBeingBuilt(token);
                foreach (var chunk in homes[slice].Chunk(ChunkSize))
                    await db.HashSetAsync(building, chunk.Select(u => new HashEntry(u.User, u.Claimed)).ToArray());
                await ClaimScripts.FinishLoad.EvaluateAsync(
                    db, [all[slice].Issued, all[slice].Generation, all[slice].Loading, all[slice].Users, building], [loaded[slice], token]);
            }
            metrics.CountersRebuilt("loaded", 1);
            LogLoaded(template.Value, counts.Issued, counts.PerUser.Count);
        }
        finally
        {
            // Release the locks FinishLoad did not.
            foreach (var slice in all) await ClaimScripts.DeleteIfEquals.EvaluateAsync(db, [slice.Loading], [token]);
        }
    }

    /// <summary>The issued counters of the slices that are loaded, and the slices that are not.</summary>
    private static async Task<(Dictionary<int, long> Present, List<int> Missing)> ReadIssuedAsync(IDatabase db, ClaimKeys[] all)
    {
        var present = new Dictionary<int, long>();
        var missing = new List<int>();
        for (var slice = 0; slice < all.Length; slice++)
        {
            var issued = await db.StringGetAsync(all[slice].Issued);
            if (issued.IsNull) missing.Add(slice);
            else present[slice] = (long)issued;
        }
        return (present, missing);
    }

    /// <summary>
    /// Loads one limited period's counts of the slice's users from the database, under the slice's current generation, unless another instance is
    /// loading it (the caller then asks again). Built aside and swapped in only if still wanted (<see cref="PeriodScripts.FinishLoad"/>).
    /// </summary>
    public async Task EnsurePeriodLoadedAsync(TemplateId template, ClaimPeriod period, ClaimSlices slices, int slice, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        var keys = new ClaimKeys(Prefix, template, slice);
        var token = Guid.NewGuid().ToString("N");
        if (!await db.StringSetAsync(keys.PeriodLoading(period), token, TimeSpan.FromSeconds(30), When.NotExists))
        {
            await Task.Delay(5, ct);
            return;
        }
        try
        {
            // The generation before the database read: a rebuild after it makes this load stale, and FinishLoad drops it.
            var generation = (string?)await db.StringGetAsync(keys.Generation) ?? "0";
            IReadOnlyList<(long User, int Claimed)> counts;
            try
            {
                counts = (await ledger.PeriodCountsAsync(template, period, ct)).Where(u => slices.HomeOf(u.User) == slice).ToList(); // the slice's users
            }
            catch (System.Data.Common.DbException e)
            {
                throw new ClaimsUnavailableException("The per-period claim counts could not be read from the database.", e);
            }
            var building = keys.PeriodBeingBuilt(period, token);
            await db.HashSetAsync(building, "_gen", generation);
            await db.KeyExpireAsync(building, TimeSpan.FromSeconds(60)); // a loader that dies leaves nothing behind for long
            foreach (var chunk in counts.Chunk(ChunkSize))
                await db.HashSetAsync(building, chunk.Select(u => new HashEntry(u.User, u.Claimed)).ToArray());
            await PeriodScripts.FinishLoad.EvaluateAsync(db, [keys.Period(period), building, keys.Generation],
                [generation, ExpiresAt(period)]);
            metrics.CountersRebuilt("loaded_period", 1);
        }
        finally
        {
            await ClaimScripts.DeleteIfEquals.EvaluateAsync(db, [keys.PeriodLoading(period)], [token]);
        }
    }

    /// <summary>When a period's counts may go: an hour after the period ends (no claim asks for it by then; late undos still find it).</summary>
    public static long ExpiresAt(ClaimPeriod period) => period.EndMillis + (long)TimeSpan.FromHours(1).TotalMilliseconds;

    /// <summary>Raises the cached count of a period to the limit the database proved when it refused a claim Redis allowed.</summary>
    public Task CatchUpPeriodAsync(TemplateId template, ClaimPeriod period, long user, int home) =>
        PeriodScripts.CatchUp.EvaluateAsync(redis.GetDatabase(), [new ClaimKeys(Prefix, template, home).Period(period)], [user, period.Limit]);

    /// <summary>
    /// Copies the audience's members beside the template's counters (built aside, put in place only while the lock is held). The
    /// template joins the audience's registry before the members are read, so a change committed meanwhile finds it and calls
    /// this load off (<see cref="ClaimScripts.AudienceChanged"/>) rather than let a copy that missed it go live.
    /// </summary>
    private async Task LoadAudienceAsync(IDatabase db, ClaimKeys keys, TemplateAudience audience, string token, CancellationToken ct)
    {
        await db.SetAddAsync(ClaimKeys.AudienceCopies(Prefix, audience.Audience), keys.Template.Value);
        var building = keys.AudienceBeingBuilt(token);
        var chunk = new List<RedisValue>(AudienceChunk);
        var chunks = 0;
        // A rule with a negation: the rows are whom the audience leaves out, and the mark tells the script so (fixed at creation).
        if (await audiences.FindAsync(audience.Audience, ct) is { Excludes: true } found && found.Merchant == audience.Merchant)
            chunk.Add(ClaimScripts.ExcludingMark);
        await foreach (var user in audiences.MembersAsync(audience.Audience, audience.Merchant, ct))
        {
            chunk.Add(user);
            if (chunk.Count < AudienceChunk) continue;
            await db.SetAddAsync(building, chunk.ToArray());
            chunk.Clear();
            if (++chunks % 20 == 0) await ClaimScripts.ExtendLoad.EvaluateAsync(db, [keys.Loading], [token, 30_000]); // every 100 000 users
        }
        if (chunk.Count > 0) await db.SetAddAsync(building, chunk.ToArray());
        await ClaimScripts.FinishAudienceLoad.EvaluateAsync(db, [keys.Loading, keys.AudienceMembers, building], [token]);
    }

    private const int AudienceChunk = 5000;

    /// <summary>
    /// Raises the cached counters to what the database proved when it refused a claim Redis allowed: out of stock makes every slice
    /// dry, a user at the limit is at it on the user's slice.
    /// </summary>
    public async Task CatchUpAsync(TemplateId template, bool stock, long user, long stockLimit, int perUserLimit, ClaimSlices slices, int home)
    {
        var db = redis.GetDatabase();
        foreach (var slice in stock ? Enumerable.Range(0, slices.Count) : [home])
        {
            var keys = new ClaimKeys(Prefix, template, slice);
            await ClaimScripts.CatchUp.EvaluateAsync(
                db, [keys.Issued, keys.Users], [stock ? "STOCK" : "LIMIT", user, slices.ShareOf(slice, stockLimit), perUserLimit]);
        }
    }

    /// <summary>
    /// Drops one template's counters, of every slice it was loaded with (and any the settings could give it); the next claim rebuilds
    /// them from the database.
    /// </summary>
    public async Task<bool> RebuildAsync(TemplateId template)
    {
        var db = redis.GetDatabase();
        var first = new ClaimKeys(Prefix, template);
        var loadedWith = (int?)await db.StringGetAsync(first.SliceCount) ?? 1;
        var slices = Math.Clamp(Math.Max(loadedWith, options.Value.Redis.Slices.Max), 1, RedisSliceOptions.MaxSlices);
        var dropped = false;
        for (var slice = 0; slice < slices; slice++) dropped |= await db.KeyDeleteAsync(new ClaimKeys(Prefix, template, slice).Issued);
        metrics.CountersRebuilt("dropped", dropped ? 1 : 0);
        return dropped;
    }

    /// <summary>Drops every template's counters, every slice's (on start and on demand). Returns how many templates will be rebuilt.</summary>
    public async Task<int> RebuildAllAsync()
    {
        var templates = new HashSet<TemplateId>();
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: ClaimKeys.AllIssued(Prefix), pageSize: 1000))
            {
                if (ClaimKeys.IsMarker(Prefix, key!, out var marker) && await redis.GetDatabase().KeyDeleteAsync(key))
                    templates.Add(marker.Template);
            }
        }
        metrics.CountersRebuilt("dropped", templates.Count);
        LogRebuildAll(templates.Count);
        return templates.Count;
    }

    [LoggerMessage(
        Level = LogLevel.Information, Message = "Claim counters of template {Template} rebuilt from the database: {Issued} issued, {Users} users")]
    private partial void LogLoaded(long template, long issued, int users);

    [LoggerMessage(
        Level = LogLevel.Information, Message = "Claim counters of {Count} templates dropped; each is rebuilt from the database on its next claim")]
    private partial void LogRebuildAll(int count);
}
