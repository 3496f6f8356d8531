namespace PromotionEngine.Kernel;

/// <summary>
/// Every member an answered problem can carry: RFC 9457's, the ones every refusal of this API has (<c>code</c>,
/// <c>traceId</c>), and the code-specific ones (docs/errors.md, "Shape"). The OpenAPI document's one problem schema is
/// made of these; a code's example (<see cref="ErrorCode.Example"/>) uses no other.
/// </summary>
public static class ProblemMembers
{
    private const string Id = """{"type": "string", "pattern": "^[0-9]{1,19}$"}""";
    private const string Instant = """{"type": "string", "format": "date-time"}""";

    /// <summary>RFC 9457's members and this API's <c>code</c>, <c>errors</c>, <c>field</c> and <c>traceId</c>, in the order answers write them.</summary>
    public static readonly IReadOnlyList<ProblemMember> Standard =
    [
        new("type", """{"type": "string", "format": "uri"}""", "https://promotion-engine.dev/problems/<code in kebab case>."),
        new("title", """{"type": "string"}""", "The code again."),
        new("status", """{"type": "integer", "minimum": 400, "maximum": 599}""", "The HTTP status, repeated."),
        new("detail", """{"type": "string"}""", "What went wrong, for people; never branch on it."),
        new("instance", """{"type": "string"}""", "RFC 9457's instance; this API does not set it."),
        new("code", """{"type": "string", "pattern": "^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$"}""",
            "The stable code to branch on (docs/errors.md). New codes may be added within v1."),
        new("errors", """{"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}""",
            "Input faults: each field at fault (JSON member, query parameter or header; $ is the body as a whole) with its messages."),
        new("field", """{"type": "string"}""", "The one field a business rule names, when it names one (then errors holds it too)."),
        new("traceId", """{"type": "string"}""", "W3C trace id of the request, for the logs."),
    ];

    /// <summary>The members only some codes carry, each named in <see cref="ErrorCodes"/>' examples.</summary>
    public static readonly IReadOnlyList<ProblemMember> Specific =
    [
        new("startsAt", Instant, "NOT_STARTED: when the template's claims open."),
        new("period", """{"type": "string", "enum": ["DAY", "WEEK", "MONTH"]}""",
            "PERIOD_LIMIT_REACHED: the full period of the template's time zone (a day, an ISO week from Monday, a calendar month)."),
        new("periodLimit", """{"type": "integer", "minimum": 1}""", "PERIOD_LIMIT_REACHED: the template's claims per user in that period."),
        new("timeZone", """{"type": "string"}""", "PERIOD_LIMIT_REACHED: the template's IANA time zone, whose periods these are."),
        new("resetsAt", Instant, "PERIOD_LIMIT_REACHED: when the next period starts (UTC) and the user may claim again."),
        new("perUserLimit", """{"type": "integer", "minimum": 1}""",
            "USER_LIMIT_REACHED: the template's coupons per user; CAMPAIGN_LIMIT_REACHED: the campaign's, over all its templates."),
        new("budget", """{"type": "string"}""", "BUDGET_EXHAUSTED: the budget that cannot cover it, c:<campaignId> or t:<templateId>."),
        new("gift", """{"type": "string"}""", "GIFT_OUT_OF_STOCK: the gift stock that cannot cover it, g:<templateId>."),
        new("reminderId", Id, "REMINDER_EXISTS: the waiting reminder of this template."),
        new("latestMinutesBefore", """{"type": "integer", "minimum": 0}""",
            "REMINDER_TOO_LATE: the most minutesBefore that would still work (0: none)."),
        new("missingCouponIds", """{"type": "array", "items": """ + Id + "}",
            "COUPON_NOT_FOUND on lock: the listed coupons the user does not hold."),
        new("operation", """{"type": "string", "enum": ["LOCK", "CONSUME", "RELEASE", "REFUND"]}""",
            "ILLEGAL_TRANSITION: the order operation refused."),
        new("coupons", """
            {"type": "array", "items": {"type": "object", "required": ["couponId"], "properties": {
              "couponId": {"type": "string", "pattern": "^[0-9]{1,19}$"},
              "templateId": {"type": ["string", "null"], "pattern": "^[0-9]{1,19}$"},
              "status": {"type": "string", "enum": ["AVAILABLE", "LOCKED", "CONSUMED", "EXPIRED"]},
              "reason": {"type": "string"},
              "detail": {"type": "string"},
              "shortfall": {"type": ["integer", "null"]},
              "blockedBy": {"type": ["array", "null"], "items": {"type": "string", "pattern": "^[0-9]{1,19}$"}},
              "at": {"type": ["string", "null"], "format": "date-time"}}}}
            """,
            "ILLEGAL_TRANSITION and QUOTE_NO_LONGER_HOLDS: each refused coupon with its status as of now and the reason "
            + "(HOLD_EXPIRED, HELD_BY_ANOTHER_ORDER, STATE_DOES_NOT_ALLOW). QUOTE_PICK_INVALID: each picked coupon that cannot "
            + "be used as picked, as the quote's unusable coupons are (reason, detail, shortfall, blockedBy, at)."),
        new("currentStatus", """{"type": ["string", "null"]}""",
            "ILLEGAL_TRANSITION: the refused coupon's status when exactly one was refused, else null. "
            + "TASK_STATUS_DOES_NOT_ALLOW: the task's status."),
        new("expiredAt", Instant, "QUOTE_EXPIRED: when the quote expired."),
        new("state", """{"type": "string"}""", "ORDER_NOT_CONSUMED on a settlement refund: the order's settlement state."),
        new("validFrom", Instant, "START_OUTSIDE_TEMPLATE_WINDOW: the template's claim window opens."),
        new("validUntil", Instant, "START_OUTSIDE_TEMPLATE_WINDOW: the template's claim window closes."),
        new("limit", """
            {"type": "string", "enum": ["COMPRESSION_RATIO", "UNPACKED_SIZE", "CELL_LENGTH", "ROW_LENGTH", "SHARED_STRINGS",
              "WORKBOOK_STRUCTURE"]}
            """,
            "RECIPIENTS_FILE_LIMIT_EXCEEDED: the workbook reading budget passed."),
        new("retryAfterSeconds", """{"type": "integer", "minimum": 1}""",
            "RATE_LIMITED, CLAIMS_UNAVAILABLE, SEARCH_NOT_READY, CLEARING_STATEMENT_NOT_READY, WAITING_ROOM_NOT_ADMITTED: seconds to wait, "
            + "as the Retry-After header says."),
        new("position", """{"type": "integer", "minimum": 1}""",
            "WAITING_ROOM_NOT_ADMITTED: how many tickets are ahead of this one, itself included, before it is admitted."),
        new("admitsAt", Instant, "WAITING_ROOM_NOT_ADMITTED: when the ticket is admitted (at the admission rate set)."),
        new("admissionEndsAt", Instant, "WAITING_ROOM_TICKET_REQUIRED: when claims no longer need a ticket."),
        new("usableUntil", Instant, "WAITING_ROOM_TICKET_EXPIRED: the end of the ticket's turn."),
        new("nextToClose", """{"type": "string", "format": "date"}""", "CLEARING_DAY_EARLIER_OPEN: the earliest open clearing day, to close first."),
        new("attempts", """{"type": "integer", "minimum": 1}""", "REPLAY_FAILED: the dead letter's attempts so far."),
        new("requestId", """{"type": "string"}""",
            "The gateway's own answers (UPSTREAM_UNAVAILABLE, UPSTREAM_TIMEOUT, and NOT_FOUND, REQUEST_TOO_LARGE, RATE_LIMITED when the "
            + "gateway refuses before any instance sees the request): the request's X-Request-Id, as in the gateway's access log, "
            + "in place of traceId."),
        new("audienceId", Id, "NOT_IN_AUDIENCE: the audience the template is for."),
        new("limitedBy", """{"type": "string", "enum": ["user", "ip", "template"]}""",
            "RATE_LIMITED from claim admission (docs/admission.md): the per-user or per-address claim limit, or the template's "
            + "claims in flight at their bound."),
    ];

    public static IEnumerable<ProblemMember> All => Standard.Concat(Specific);
}
