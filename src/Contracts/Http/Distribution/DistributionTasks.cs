namespace PromotionEngine.Contracts.Http.Distribution;

// POST /api/v1/merchant/distribution-tasks is multipart/form-data: templateId, name, file (CSV with a header
// row or .xlsx), optional startAt (ISO-8601 with offset; absent = now), optional notify (IN_APP, POPUP, EMAIL,
// SMS; repeated or comma-separated). Ids travel as strings in responses.

/// <summary>A distribution task as it stands. Progress fields are live; rowsPerSecond and eta only while RUNNING.</summary>
public sealed record DistributionTaskResponse(
    string Id,
    string MerchantId,
    string TemplateId,
    string Name,
    string Status,
    IReadOnlyList<string> Notify,
    DateTimeOffset StartAt,
    string FileName,
    string FileFormat,
    long FileBytes,
    long? TotalRows,
    long Processed,
    long Issued,
    long Failed,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? RowsPerSecond,
    DateTimeOffset? Eta,
    string? FailureCode,
    string? FailureDetail);

/// <summary>One recipient row that did not get a coupon. RowNumber counts the file's records, the header being row 1.</summary>
public sealed record DistributionFailureResponse(long RowNumber, string RawValue, string Reason);
