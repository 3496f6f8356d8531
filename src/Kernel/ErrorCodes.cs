namespace PromotionEngine.Kernel;

/// <summary>
/// The catalogue of every code the API answers with, each with its one HTTP status. A refusal names its entry
/// (<see cref="Refusal.Error"/>), so the status comes from here; endpoints declare the entries they can answer with
/// (the OpenAPI document's responses are made from those declarations); docs/errors.md lists exactly these codes
/// (a Kernel test compares both). Codes the order saga records (HOLD_EXPIRED, ORDER_EVENT_INVALID, …) are not answers
/// and are not here.
/// </summary>
public static class ErrorCodes
{
    // ---- input

    public static readonly ErrorCode ValidationFailed = new("VALIDATION_FAILED", 400,
        "The request is malformed or out of range; errors names every field at fault. Nothing was changed.",
        """{"errors": {"templateId": ["Required: a template id."]}}""");

    public static readonly ErrorCode MalformedRequest = new("MALFORMED_REQUEST", 400,
        "The body is not the JSON (or multipart form) this endpoint reads, or a query value cannot bind; errors names the field when known.",
        """{"errors": {"stock": ["The body is not valid JSON for this request: field 'stock' has the wrong type or is unknown."]}}""");

    public static readonly ErrorCode UnsupportedMediaType = new("UNSUPPORTED_MEDIA_TYPE", 415,
        "The body's Content-Type is not the one this endpoint reads (application/json in UTF-8, or multipart/form-data).");

    // ---- identity and limits

    public static readonly ErrorCode Unauthenticated = new("UNAUTHENTICATED", 401,
        "No bearer token, or one that is not valid here (signature, expiry, issuer, audience, or no exact caller in it).");

    public static readonly ErrorCode Forbidden = new("FORBIDDEN", 403, "A valid token, of a role this endpoint does not serve.");

    public static readonly ErrorCode RateLimited = new("RATE_LIMITED", 429,
        "Too many requests from this caller (or address) in the window; nothing was done. Retry after Retry-After seconds.",
        """{"retryAfterSeconds": 3}""");

    public static readonly ErrorCode NotFound = new("NOT_FOUND", 404,
        "No such route: an id in the path is plain ASCII digits that fit a 64-bit integer, anything else matches no route.");

    public static readonly ErrorCode MethodNotAllowed = new("METHOD_NOT_ALLOWED", 405, "The route exists, but not for this HTTP method.");

    public static readonly ErrorCode RequestTooLarge = new("REQUEST_TOO_LARGE", 413,
        "The body is larger than the server reads (its request size limit: Kestrel's MaxRequestBodySize, 30 MB); nothing was read or changed.");

    public static readonly ErrorCode InternalError = new("INTERNAL_ERROR", 500,
        "An unexpected failure (including a write that still conflicted after its retries); the trace id is in the logs.");

    public static readonly ErrorCode IdempotencyKeyReused = new("IDEMPOTENCY_KEY_REUSED", 409,
        "The caller's Idempotency-Key was used before with another request (method, path, query or body).",
        """{"field": "Idempotency-Key", "errors": {"Idempotency-Key": ["This Idempotency-Key was already used with a different request."]}}""");

    // ---- templates (merchant-admin)

    public static readonly ErrorCode TemplateNotFound = new("TEMPLATE_NOT_FOUND", 404,
        "No such template (for a merchant: or it is another merchant's).");

    public static readonly ErrorCode TemplateFieldImmutable = new("TEMPLATE_FIELD_IMMUTABLE", 422,
        "The change names a field fixed at creation; errors names each. Nothing was changed.",
        """{"errors": {"discountAmount": ["Fixed at creation."]}}""");

    public static readonly ErrorCode ValidUntilNotExtended = new("VALID_UNTIL_NOT_EXTENDED", 422,
        "validUntil may only move later than the current end.",
        """{"field": "validUntil", "errors": {"validUntil": ["validUntil may only move later than 2026-12-27T02:49:01.0000000+00:00."]}}""");

    public static readonly ErrorCode PerUserLimitNotRaised = new("PER_USER_LIMIT_NOT_RAISED", 422, "perUserLimit may only rise.",
        """{"field": "perUserLimit", "errors": {"perUserLimit": ["perUserLimit may only rise above 2."]}}""");

    public static readonly ErrorCode StockLimitExceeded = new("STOCK_LIMIT_EXCEEDED", 422,
        "The addition would take the template's stock above 1 000 000 000.",
        """{"field": "quantity", "errors": {"quantity": ["Stock would exceed 1000000000."]}}""");

    public static readonly ErrorCode UnknownTimeZone = new("UNKNOWN_TIME_ZONE", 400,
        "The template's timeZone is not an IANA time zone id (exact spelling, e.g. Asia/Shanghai); it is the request's only fault. "
        + "Nothing was created.",
        """{"errors": {"timeZone": ["An IANA time zone id such as Asia/Shanghai, Europe/Berlin or UTC."]}}""");

    public static readonly ErrorCode TemplateTerminated = new("TEMPLATE_TERMINATED", 409,
        "The template was terminated: its window, limit and stock can no longer change, and it issues no more coupons.");

    public static readonly ErrorCode TemplateEnded = new("TEMPLATE_ENDED", 409, "The template's window has passed.");

    // ---- campaigns and money budgets (merchant-admin, engine, settlement)

    public static readonly ErrorCode CampaignNotFound = new("CAMPAIGN_NOT_FOUND", 404,
        "No such campaign (for a merchant: or it is another merchant's).");

    public static readonly ErrorCode BudgetExhausted = new("BUDGET_EXHAUSTED", 409,
        "What remains of a campaign's or template's money budget cannot cover the coupon's discount (a lock), or its largest "
        + "discount (a claim, when the campaign stops claims on a low budget); nothing was changed.",
        """{"budget": "c:388195662686060544"}""");

    public static readonly ErrorCode CampaignLimitReached = new("CAMPAIGN_LIMIT_REACHED", 409,
        "The user holds as many coupons of the campaign's templates as its per-user limit allows.", """{"perUserLimit": 3}""");

    // ---- claims, wallet, reminders (engine)

    public static readonly ErrorCode NotStarted = new("NOT_STARTED", 409, "The template's claims are not open yet; startsAt says when.",
        """{"startsAt": "2026-06-18T02:00:00+00:00"}""");

    public static readonly ErrorCode Ended = new("ENDED", 409, "The template's claim window has passed.");

    public static readonly ErrorCode Terminated = new("TERMINATED", 409, "The merchant stopped this template.");

    public static readonly ErrorCode OutOfStock = new("OUT_OF_STOCK", 409, "No coupons of this template are left.");

    public static readonly ErrorCode UserLimitReached = new("USER_LIMIT_REACHED", 409,
        "The user already holds perUserLimit coupons of this template.", """{"perUserLimit": 2}""");

    public static readonly ErrorCode PeriodLimitReached = new("PERIOD_LIMIT_REACHED", 409,
        "The user already claimed the template's limit for this day, ISO week or month of its time zone; period, periodLimit, timeZone "
        + "and resetsAt (when the next period starts, UTC) say which and until when.",
        """{"period": "DAY", "periodLimit": 1, "timeZone": "Asia/Shanghai", "resetsAt": "2026-06-18T16:00:00+00:00"}""");

    public static readonly ErrorCode ClaimsUnavailable = new("CLAIMS_UNAVAILABLE", 503,
        "The Redis claim path cannot decide or store right now; nothing was issued. Retry with the same Idempotency-Key.",
        """{"retryAfterSeconds": 1}""");

    public static readonly ErrorCode CouponNotFound = new("COUPON_NOT_FOUND", 404,
        "No such coupon of this user (on lock: missingCouponIds lists the ones the user does not hold).",
        """{"field": "couponIds", "missingCouponIds": ["384536415389614081"]}""");

    public static readonly ErrorCode ReminderExists = new("REMINDER_EXISTS", 409,
        "A waiting reminder of this template is set with another minutesBefore; cancel it to choose another time.",
        """{"field": "templateId", "reminderId": "384536415389614090"}""");

    public static readonly ErrorCode ReminderTooLate = new("REMINDER_TOO_LATE", 422,
        "The reminder's time has passed; latestMinutesBefore is the most that would still work.",
        """{"field": "minutesBefore", "latestMinutesBefore": 3}""");

    public static readonly ErrorCode ClaimsAlreadyOpen = new("CLAIMS_ALREADY_OPEN", 409,
        "The template's claim window has opened (or passed): there is nothing to remind of.");

    // ---- the waiting room of a scheduled drop (engine, docs/waiting-room.md)

    public static readonly ErrorCode WaitingRoomNotOpen = new("WAITING_ROOM_NOT_OPEN", 409,
        "The template has no waiting room, or its admission phase is over: claim without a ticket.");

    public static readonly ErrorCode WaitingRoomTicketRequired = new("WAITING_ROOM_TICKET_REQUIRED", 409,
        "The template's waiting room is admitting: a claim needs an admitted ticket (POST /api/v1/waiting-room/tickets) in the "
        + "Waiting-Room-Ticket header until admissionEndsAt.",
        """{"admissionEndsAt": "2026-06-18T02:30:00+00:00"}""");

    public static readonly ErrorCode WaitingRoomTicketInvalid = new("WAITING_ROOM_TICKET_INVALID", 403,
        "The Waiting-Room-Ticket is not one this engine signed, or it is another user's or another template's; nothing was done.",
        """{"field": "Waiting-Room-Ticket"}""");

    public static readonly ErrorCode WaitingRoomNotAdmitted = new("WAITING_ROOM_NOT_ADMITTED", 429,
        "The ticket is not admitted yet: position says how many are ahead of it, admitsAt when it is admitted; poll again after "
        + "Retry-After seconds.",
        """{"position": 1200, "admitsAt": "2026-06-18T02:00:06+00:00", "retryAfterSeconds": 6}""");

    public static readonly ErrorCode WaitingRoomTicketExpired = new("WAITING_ROOM_TICKET_EXPIRED", 409,
        "The ticket's turn is over (it was usable until usableUntil): take a new ticket, which joins the back of the line.",
        """{"usableUntil": "2026-06-18T02:02:06+00:00"}""");

    public static readonly ErrorCode ReminderNotFound = new("REMINDER_NOT_FOUND", 404, "No such reminder of this user.");

    public static readonly ErrorCode ReminderAlreadySent = new("REMINDER_ALREADY_SENT", 409, "The reminder was sent already.");

    // ---- order verbs

    public static readonly ErrorCode OrderNotFound = new("ORDER_NOT_FOUND", 404,
        "Another service identity (outside this one's trusted group) locked this order: to this service it is not there.");

    public static readonly ErrorCode OrderNotLocked = new("ORDER_NOT_LOCKED", 409, "The order has no successful lock.");

    public static readonly ErrorCode OrderNotConsumed = new("ORDER_NOT_CONSUMED", 409,
        "The order has no successful consume (a settlement refund: state gives the order's state).");

    public static readonly ErrorCode IdempotencyMismatch = new("IDEMPOTENCY_MISMATCH", 409,
        "The order was locked before with another userId, coupon set or ttlSeconds.");

    public static readonly ErrorCode IllegalTransition = new("ILLEGAL_TRANSITION", 409,
        "At least one of the order's coupons cannot make the move; none changed. coupons gives each with its status and reason.",
        """
        {"operation": "CONSUME", "coupons": [{"couponId": "384536415389614080", "status": "AVAILABLE", "reason": "HOLD_EXPIRED"}],
         "currentStatus": "AVAILABLE"}
        """);

    // ---- settlement

    public static readonly ErrorCode QuotePickInvalid = new("QUOTE_PICK_INVALID", 422,
        "The picked coupons cannot be used as picked; coupons says why for each. Nothing was quoted.",
        """
        {"field": "couponIds", "coupons": [{"couponId": "384536415389614081", "templateId": "384536415389614000",
         "reason": "BELOW_THRESHOLD", "detail": "The cart is 20.00 short of this coupon's threshold.", "shortfall": 2000,
         "blockedBy": null, "at": null}]}
        """);

    public static readonly ErrorCode QuoteNotFound = new("QUOTE_NOT_FOUND", 404,
        "No such quote, or one another service made (outside the caller's trusted group).", """{"field": "quoteId"}""");

    public static readonly ErrorCode QuoteExpired = new("QUOTE_EXPIRED", 409, "The quote has expired; ask for a new one.",
        """{"field": "quoteId", "expiredAt": "2026-06-18T02:15:00+00:00"}""");

    public static readonly ErrorCode QuoteUserMismatch = new("QUOTE_USER_MISMATCH", 409, "The userId is not the quote's user.",
        """{"field": "quoteId"}""");

    public static readonly ErrorCode QuoteHasNoCoupons = new("QUOTE_HAS_NO_COUPONS", 422, "The quote selected no coupon: nothing to lock.",
        """{"field": "quoteId"}""");

    public static readonly ErrorCode QuoteNoLongerHolds = new("QUOTE_NO_LONGER_HOLDS", 409,
        "The wallet changed since the quote: a pinned coupon can no longer be locked (coupons says which and why). Nothing is locked.",
        """{"coupons": [{"couponId": "384536415389614080", "status": "LOCKED", "reason": "HELD_BY_ANOTHER_ORDER"}], "currentStatus": "LOCKED"}""");

    public static readonly ErrorCode SettlementNotFound = new("SETTLEMENT_NOT_FOUND", 404,
        "No settlement record for the order (no order event or order verb named it), or another service's.");

    public static readonly ErrorCode RefundIdReused = new("REFUND_ID_REUSED", 409, "The refundId was settled before with other lines.",
        """{"field": "refundId"}""");

    public static readonly ErrorCode RefundLineUnknown = new("REFUND_LINE_UNKNOWN", 422, "A refunded sku is not a line of the order's pinned quote.",
        """{"field": "lines"}""");

    public static readonly ErrorCode RefundExceedsOrder = new("REFUND_EXCEEDS_ORDER", 422,
        "More units of a sku than the order has left to refund.", """{"field": "lines"}""");

    public static readonly ErrorCode NothingToRefund = new("NOTHING_TO_REFUND", 409, "Every unit of the order is refunded already.",
        """{"field": "lines"}""");

    // ---- distribution

    public static readonly ErrorCode RecipientsFileInvalid = new("RECIPIENTS_FILE_INVALID", 400,
        "The file cannot be a recipients file (no header, no user id column, unreadable); nothing was stored.",
        """{"errors": {"file": ["No user id column (userId, user_id or uid); the header has: 手机号, 姓名."]}}""");

    public static readonly ErrorCode RecipientsFileTooLarge = new("RECIPIENTS_FILE_TOO_LARGE", 413,
        "The file is larger than Distribution:MaxFileBytes; nothing was stored.");

    public static readonly ErrorCode RecipientsFileLimitExceeded = new("RECIPIENTS_FILE_LIMIT_EXCEEDED", 413,
        "The .xlsx workbook passed a reading budget (limit names it); nothing was stored.",
        """{"limit": "COMPRESSION_RATIO", "errors": {"file": ["A part of the workbook unpacks to more than 100 times its size in the file."]}}""");

    public static readonly ErrorCode StartOutsideTemplateWindow = new("START_OUTSIDE_TEMPLATE_WINDOW", 422,
        "The task would start outside the template's claim window (validFrom, validUntil given).",
        """{"field": "startAt", "validFrom": "2026-06-18T02:00:00+00:00", "validUntil": "2026-07-18T02:00:00+00:00"}""");

    public static readonly ErrorCode StartOutsideCampaignWindow = new("START_OUTSIDE_CAMPAIGN_WINDOW", 422,
        "The task would start outside the window of the campaign its template belongs to (validFrom, validUntil given).",
        """{"field": "startAt", "validFrom": "2026-11-01T00:00:00+00:00", "validUntil": "2026-11-12T00:00:00+00:00"}""");

    public static readonly ErrorCode DistributionTaskNotFound = new("DISTRIBUTION_TASK_NOT_FOUND", 404,
        "No such distribution task, or another merchant's.");

    public static readonly ErrorCode TaskStatusDoesNotAllow = new("TASK_STATUS_DOES_NOT_ALLOW", 409,
        "The task's status does not allow this verb; currentStatus gives it.", """{"currentStatus": "SUCCEEDED"}""");

    // ---- clearing

    public static readonly ErrorCode OrderFileInvalid = new("ORDER_FILE_INVALID", 400,
        "The file cannot be an order file (no header, a column missing, a row that is not an order line, unreadable); nothing was stored.",
        """{"errors": {"file": ["Row 17: discount '12.5' is not a whole number of minor units."]}}""");

    public static readonly ErrorCode OrderFileTooLarge = new("ORDER_FILE_TOO_LARGE", 413,
        "The file is larger than Clearing:Reconciliation:MaxFileBytes; nothing was stored.");

    public static readonly ErrorCode OrderFileLimitExceeded = new("ORDER_FILE_LIMIT_EXCEEDED", 413,
        "The .xlsx workbook passed a reading budget (limit names it); nothing was stored.",
        """{"limit": "COMPRESSION_RATIO", "errors": {"file": ["A part of the workbook unpacks to more than 100 times its size in the file."]}}""");

    public static readonly ErrorCode ReconciliationNotFound = new("RECONCILIATION_NOT_FOUND", 404, "No reconciliation with that id.");

    // ---- search

    public static readonly ErrorCode SearchNotReady = new("SEARCH_NOT_READY", 503,
        "This instance has not finished building its search index since it started; retry after Retry-After seconds.",
        """{"retryAfterSeconds": 1}""");

    // ---- clearing: campaign analytics

    public static readonly ErrorCode TimeZoneUnknown = new("TIME_ZONE_UNKNOWN", 400,
        "timeZone is not an IANA time zone id of the tz database (exact case, such as Asia/Shanghai); nothing was read.",
        """
        {"field": "timeZone",
         "errors": {"timeZone": ["'Beijing' is not a time zone of the tz database: use an IANA id such as Asia/Shanghai (exact case)."]}}
        """);

    public static readonly ErrorCode ReportRangeTooLong = new("REPORT_RANGE_TOO_LONG", 400,
        "The report's from..to covers more days than it allows (366 per day, 31 per hour); the detail gives the last date allowed.",
        """{"field": "to", "errors": {"to": ["This report covers at most 31 days: from 2026-06-01 up to 2026-07-01."]}}""");

    // ---- clearing statements

    public static readonly ErrorCode ClearingDayNotOver = new("CLEARING_DAY_NOT_OVER", 409,
        "The clearing day (a UTC calendar day) is today or later: events may still happen in it, so it cannot be closed yet.");

    public static readonly ErrorCode ClearingDayEarlierOpen = new("CLEARING_DAY_EARLIER_OPEN", 409,
        "Clearing days close in order and an earlier day is still open; nextToClose is the day to close first.",
        """{"nextToClose": "2026-06-18"}""");

    public static readonly ErrorCode ClearingStatementNotReady = new("CLEARING_STATEMENT_NOT_READY", 503,
        "The day is closed but the analytic store has not yet ingested everything posted in it; retry after Retry-After seconds.",
        """{"retryAfterSeconds": 1}""");

    // ---- operations

    public static readonly ErrorCode ClaimCountersNotCached = new("CLAIM_COUNTERS_NOT_CACHED", 409,
        "Claims are decided by the database (Engine:ClaimGate=Database): there is no cache to rebuild.");

    public static readonly ErrorCode DeadLetterNotFound = new("DEAD_LETTER_NOT_FOUND", 404, "No dead letter with that id.");

    public static readonly ErrorCode DeadLetterAlreadyReplayed = new("DEAD_LETTER_ALREADY_REPLAYED", 409, "The dead letter was replayed before.");

    public static readonly ErrorCode ConsumerNotServed = new("CONSUMER_NOT_SERVED", 409,
        "The dead letter's consumer does not run in this process: replay it on an instance that serves its module.");

    public static readonly ErrorCode ReplayFailed = new("REPLAY_FAILED", 409, "The consumer failed again; the letter stays open.",
        """{"attempts": 6}""");

    // ---- audiences (engine; docs/audiences.md)

    public static readonly ErrorCode NotInAudience = new("NOT_IN_AUDIENCE", 409,
        "The template is only for the users of an audience, and this user is not one of them.", """{"audienceId": "7340032102401"}""");

    public static readonly ErrorCode AudienceNotFound = new("AUDIENCE_NOT_FOUND", 404,
        "No such audience (for a merchant: or it is another merchant's).");

    public static readonly ErrorCode AudienceHasRule = new("AUDIENCE_HAS_RULE", 409,
        "A rule over the engine's facts picks this audience's members: nobody can push users into it or out of it, nor upload a file of users "
        + "to it.");

    // ---- gifts (engine, settlement; docs/gifts.md)

    public static readonly ErrorCode GiftOutOfStock = new("GIFT_OUT_OF_STOCK", 409,
        "What remains of a GIFT template's gift stock cannot cover the gifts the order's coupons earn; nothing was held (gift names the "
        + "stock, g:<templateId>).",
        """{"gift": "g:388195662686060544"}""");

    // ---- the gateway (deploy/nginx/routes.conf answers these itself; no instance does)

    public static readonly ErrorCode UpstreamUnavailable = new("UPSTREAM_UNAVAILABLE", 502,
        "The gateway reached no instance of the role serving this route, or the one it sent the request to failed before answering. "
        + "A request that reached an instance may have taken effect: retry with the same Idempotency-Key.",
        """{"requestId": "5c2f0e9ab47d4c1e8f3a6b0d2e7c9a14"}""");

    public static readonly ErrorCode UpstreamTimeout = new("UPSTREAM_TIMEOUT", 504,
        "The instance serving this route did not answer the gateway in time (connect 2 s, read 60 s). "
        + "A request that reached it may have taken effect: retry with the same Idempotency-Key.",
        """{"requestId": "5c2f0e9ab47d4c1e8f3a6b0d2e7c9a14"}""");

    /// <summary>Every entry, each code once.</summary>
    public static readonly IReadOnlyList<ErrorCode> All = typeof(ErrorCodes).GetFields()
        .Where(f => f.IsStatic && f.FieldType == typeof(ErrorCode)).Select(f => (ErrorCode)f.GetValue(null)!).ToList();

    private static readonly Dictionary<string, ErrorCode> ByCode = All.ToDictionary(c => c.Code, StringComparer.Ordinal);

    /// <summary>The entry of <paramref name="code"/>; a code not in the catalogue is a bug, not a refusal.</summary>
    public static ErrorCode Named(string code) =>
        ByCode.TryGetValue(code, out var entry) ? entry : throw new ArgumentException($"{code} is not in the error catalogue.", nameof(code));
}
