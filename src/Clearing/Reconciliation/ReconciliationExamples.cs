using System.Text.Json.Nodes;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Clearing;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>The OpenAPI document's examples of the reconciliation: finance checks 18 June 2026 against the order system's export.</summary>
internal static class ReconciliationExamples
{
    public const string RunId = "384536415389700001";
    private static readonly DateTimeOffset Started = new(2026, 6, 19, 1, 0, 0, TimeSpan.Zero);

    private static readonly ReconciliationResponse Run = new(RunId, "2026-06-18", null, "orders-2026-06-18.csv", "CSV", 998_870, 897_961,
        1_296_102, 998_872, 14, 4,
        new Dictionary<string, long>
        {
            ["MISSING_IN_ENGINE"] = 0, ["MISSING_IN_CLEARING"] = 1, ["MISSING_IN_ORDERS"] = 0, ["AMOUNT_MISMATCH"] = 1,
            ["STATUS_MISMATCH"] = 1, ["DUPLICATED_ORDER_LINE"] = 1, ["COUPON_USED_TWICE"] = 0,
        },
        Started, Started.AddSeconds(21));

    public static readonly ApiExample Created = new("reconciled", "A day of every merchant against the order system's CSV export", 201, Run,
        JsonNode.Parse("""
            {"day": "2026-06-18",
             "file": "order_id,paid_at,coupon_ids,discount,status\nSO-20260618-000001,2026-06-18T02:14:05Z,384536415389614101,2000,PAID\n"}
            """));

    public static readonly ApiExample Found = new("found", "The run and its counts per kind", 200, Run,
        Parameters: new Dictionary<string, string> { ["id"] = RunId });

    public static readonly ApiExample Discrepancies = new("discrepancies", "The first discrepancies, as a JSON page", 200,
        new Page<DiscrepancyResponse>(
            [
                new(1, "STATUS_MISMATCH", "SO-20260618-004417", null, "ENGINE,CLEARING,ORDERS", "ENGINE=REFUNDED; CLEARING=REFUNDED; ORDERS=PAID"),
                new(2, "AMOUNT_MISMATCH", "SO-20260618-015230", null, "ENGINE,ORDERS", "ENGINE=2000; ORDERS=2001"),
            ],
            Cursor.Encode(2)),
        Parameters: new Dictionary<string, string> { ["id"] = RunId, ["format"] = "json", ["limit"] = "2" });
}
