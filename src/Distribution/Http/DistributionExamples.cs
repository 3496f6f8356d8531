using System.Text.Json.Nodes;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Distribution;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.Distribution.Http;

/// <summary>The OpenAPI document's examples of the distribution tasks: merchant 7 pushes 会员日满100减20 to 120 000 members.</summary>
internal static class DistributionExamples
{
    public const string TaskId = "384536415389616002";
    private static readonly DateTimeOffset Created = new(2026, 6, 17, 8, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Start = new(2026, 6, 18, 2, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> Task = new() { ["id"] = TaskId };

    private static readonly DistributionTaskResponse Scheduled = new(TaskId, "7", "384536415389614080", "618会员日定向发券", "SCHEDULED",
        ["IN_APP", "SMS"], Start, "会员名单-0618.xlsx", "XLSX", 1_843_200, null, 0, 0, 0, Created, null, null, null, null, null, null);

    private static readonly DistributionTaskResponse Running = Scheduled with
    {
        Status = "RUNNING",
        TotalRows = 120_000,
        Processed = 45_000,
        Issued = 44_812,
        Failed = 188,
        StartedAt = Start,
        RowsPerSecond = 9_350.5,
        Eta = Start.AddSeconds(13),
    };

    public static readonly ApiExample Created202 = new("accepted", "A task to start at 10:00 Beijing time, users told in the app and by SMS",
        202, Scheduled, JsonNode.Parse("""
            {"templateId": "384536415389614080", "name": "618会员日定向发券", "startAt": "2026-06-18T02:00:00+00:00",
             "notify": ["IN_APP", "SMS"], "file": "userId\n100234\n100777\n"}
            """),
        new Dictionary<string, string> { ["Idempotency-Key"] = "push-0618-members" });

    public static readonly ApiExample Repeated = new("repeated", "The same upload again under its Idempotency-Key: the task as it is now", 200,
        Running);

    public static readonly ApiExample Listed = new("running", "The merchant's running tasks", 200,
        new Page<DistributionTaskResponse>([Running], Cursor.Encode(384536415389616002)),
        Parameters: new Dictionary<string, string> { ["status"] = "RUNNING" });

    public static readonly ApiExample Found = new("running", "A task a third of the way through its file", 200, Running, Parameters: Task);

    public static readonly ApiExample Paused = new("paused", "Paused between two chunks: its counts stand still", 200,
        Running with { Status = "PAUSED", RowsPerSecond = null, Eta = null }, Parameters: Task);

    public static readonly ApiExample Resumed = new("resumed", "Running again from its checkpoint", 200, Running, Parameters: Task);

    public static readonly ApiExample Cancelled = new("cancelled", "Cancelled: coupons issued stay issued, the counts are final", 200,
        Running with { Status = "CANCELLED", RowsPerSecond = null, Eta = null, FinishedAt = Start.AddSeconds(5) }, Parameters: Task);

    public static readonly ApiExample Failures = new("failures", "The rows that got no coupon, as JSON pages", 200,
        new Page<DistributionFailureResponse>(
            [new(17, "13800138000", "INVALID_USER_ID"), new(42, "100234", "DUPLICATE_ROW"), new(58, "100777", "USER_LIMIT_REACHED")],
            Cursor.Encode(58)),
        Parameters: new Dictionary<string, string> { ["id"] = TaskId, ["format"] = "json", ["limit"] = "3" });
}
