namespace PromotionEngine.Contracts.Http.Engine;

/// <summary>POST /api/v1/me/reminders: remind me <c>minutesBefore</c> minutes (default 5) before the template's claims open.</summary>
public sealed record SetReminderRequest(long? TemplateId, int? MinutesBefore);

public sealed record ReminderResponse(
    string Id,
    string TemplateId,
    string MerchantId,
    int MinutesBefore,
    DateTimeOffset ClaimOpensAt,
    DateTimeOffset RemindAt,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? CancelledAt,
    string? CancelReason);
