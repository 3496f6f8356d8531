namespace PromotionEngine.Platform.Web.Document;

/// <summary>
/// The API's 64-bit ids (templates, coupons, users, merchants, shops, products, categories, reminders, tasks, dead letters) travel
/// as strings of digits in the document, whatever the member: responses write them so, and requests, which also take a JSON number,
/// are described with the string so that no client loses digits above 2^53. Known by the member's name; order, quote, refund,
/// payment, event and trace ids are text and are not among them.
/// </summary>
internal static class WireIds
{
    public const string Pattern = "^[0-9]{1,19}$";

    public const string Description = "A 64-bit id, as a string of digits.";

    public const string Example = "384536415389614080";

    private static readonly HashSet<string> NotNumeric = new(StringComparer.Ordinal)
    {
        "orderId", "quoteId", "refundId", "paymentId", "eventId", "causeEventId", "traceId",
    };

    /// <summary>True for a member or parameter named like one of the API's numeric ids: id, templateId, couponIds, …</summary>
    public static bool IsNumericId(string name) =>
        !NotNumeric.Contains(name) && (name == "id" || name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("Ids", StringComparison.Ordinal)
            || name == "blockedBy");
}
