using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Kernel;

namespace PromotionEngine.Distribution.Audiences;

/// <summary>
/// A merchant's file of users (CSV or .xlsx with a user id column, the recipients file's rules and limits) joins an audience
/// (docs/audiences.md). The file is read twice from the spool: first whole, so a file that cannot be read, or a wrong audience,
/// changes nothing; then in chunks of 10 000 users, each one committed change of the engine's (a member already in is not
/// counted, so a file uploaded again adds only whom it missed).
/// </summary>
internal sealed class ImportAudienceFile(IAudienceMembership owners, IAudienceMembers members, IOptions<DistributionOptions> options)
{
    private const int Chunk = 10_000;

    /// <summary>The most failed rows an answer lists (all are counted).</summary>
    public const int MaxListedFailures = 100;

    public async Task<AudienceFileOutcome> HandleAsync(MerchantId merchant, AudienceId audience, string path, CancellationToken ct)
    {
        var limits = WorkbookLimits.For(options.Value);
        var layout = RecipientFile.Inspect(path, limits, out var problem);
        if (layout is null) return new AudienceFileOutcome.Unreadable(problem!);
        if (await owners.OwnerOfAsync(audience, ct) != merchant) return new AudienceFileOutcome.NotFound();
        if (await members.RuleDecidesAsync(audience, ct)) return new AudienceFileOutcome.RuleDecides();

        long rows = 0;
        var failures = new List<AudienceFileFailure>();
        long failed = 0;
        try
        {
            foreach (var row in RecipientFile.Rows(path, layout, limits))
            {
                rows++;
                if (UserIdText.TryParse(row.Raw, out _)) continue;
                failed++;
                if (failures.Count < MaxListedFailures)
                    failures.Add(new AudienceFileFailure(row.RowNumber, FailureReasons.Raw(row.Raw), FailureReasons.InvalidUserId));
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new AudienceFileOutcome.Unreadable(TabularFile.Unreadable(layout.Format, e));
        }

        long added = 0, size = 0;
        foreach (var chunk in Users(path, layout, limits).Chunk(Chunk))
        {
            var done = await members.AddAsync(audience, merchant, chunk, AudienceSources.File, ct);
            if (done is null) return new AudienceFileOutcome.NotFound();
            (added, size) = (added + done.Added, done.Members);
        }
        return new AudienceFileOutcome.Imported(rows, added, failed, size, failures);
    }

    private static IEnumerable<long> Users(string path, FileLayout layout, WorkbookLimits limits)
    {
        foreach (var row in RecipientFile.Rows(path, layout, limits))
        {
            if (UserIdText.TryParse(row.Raw, out var user)) yield return user;
        }
    }
}

internal sealed record AudienceFileFailure(long RowNumber, string Value, string Reason);

internal abstract record AudienceFileOutcome
{
    private AudienceFileOutcome() { }

    public sealed record Imported(long Rows, long Added, long Failed, long Members, IReadOnlyList<AudienceFileFailure> Failures)
        : AudienceFileOutcome;

    public sealed record Unreadable(FileProblem Problem) : AudienceFileOutcome;

    public sealed record NotFound : AudienceFileOutcome;

    /// <summary>A rule picks the audience's members: a file adds none (AUDIENCE_HAS_RULE).</summary>
    public sealed record RuleDecides : AudienceFileOutcome;
}
