using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Contracts.Http.Engine;

/// <summary>POST /api/v1/me/reminders: remind me <c>minutesBefore</c> minutes (default 5) before the template's claims open.</summary>
public sealed record SetReminderRequest(
    [property: Required] long? TemplateId,
    [property: Description("Minutes before the claims open (default 5, at most a week)."), Range(1, 10_080)] int? MinutesBefore);

public sealed record ReminderResponse(
    string Id,
    string TemplateId,
    string MerchantId,
    int MinutesBefore,
    DateTimeOffset ClaimOpensAt,
    DateTimeOffset RemindAt,
    [property: AllowedValues("SCHEDULED", "SENT", "CANCELLED")] string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? CancelledAt,
    [property: AllowedValues("USER", "TEMPLATE_TERMINATED"), Description("Why it was cancelled: by the user, or the template was terminated.")]
    string? CancelReason);
