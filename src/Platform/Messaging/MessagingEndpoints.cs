using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Dapper;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Documentation;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.Platform.Web;

namespace PromotionEngine.Platform.Messaging;

/// <summary>Operators see how the backbone is doing and replay dead letters.</summary>
internal static class MessagingEndpoints
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

    public sealed record MessagingStatusResponse(
        [property: AllowedValues("InProcess", "Nats")] string Transport,
        bool? TransportConnected,
        long OutboxPending,
        long OutboxDue,
        double OldestDueAgeSeconds,
        long OutboxRetrying,
        long DeliveriesPending,
        long DeadLettersOpen);

    public sealed record DeadLetterResponse(
        string Id,
        [property: AllowedValues("PUBLISH", "CONSUME"), Description("PUBLISH: the relay gave up publishing it; CONSUME: a consumer gave up.")]
        string Stage,
        string? Consumer, string EventId, string Subject, string Type,
        string AggregateId, DateTimeOffset OccurredAt, int Attempts, string LastError, DateTimeOffset DeadAt, DateTimeOffset? ReplayedAt,
        System.Text.Json.JsonElement Envelope);

    /// <param name="operatorPolicy">The authorization policy that lets operators in (the Host names it).</param>
    public static IEndpointRouteBuilder MapMessaging(this IEndpointRouteBuilder app, string operatorPolicy)
    {
        var group = app.MapGroup("/api/v1/operator").WithTags("Operations").RequireAuthorization(operatorPolicy);
        group.MapGet("messaging", StatusAsync).WithName("MessagingStatus")
            .WithSummary("The event backbone")
            .WithDescription("The transport (InProcess or Nats) and whether it is connected, the outbox's backlog (events pending, due, "
                + "retrying) and the age of the oldest due one, deliveries pending, and the open dead letters.")
            .WithMetadata(Answer<MessagingStatusResponse>(StatusCodes.Status200OK, "The backbone's state."), MessagingExamples.Status);
        group.MapGet("dead-letters", ListAsync).WithName("ListDeadLetters")
            .WithSummary("List dead letters")
            .WithDescription("Events a consumer (or the relay) ran out of attempts on, newest first, with the last error and the "
                + "envelope; by status and consumer, continued with nextCursor.")
            .WithMetadata(Answer<Page<DeadLetterResponse>>(StatusCodes.Status200OK, "A page of dead letters; nextCursor is null on the last page."),
                new DeclaredRefusals([ErrorCodes.ValidationFailed]), MessagingExamples.Letters);
        group.MapPost("dead-letters/" + RouteIds.Id + "/replay", ReplayAsync).WithName("ReplayDeadLetter")
            .WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Replay a dead letter")
            .WithDescription("Hands the event to its consumer once more, in this process (which must serve the consumer's module). "
                + "Handled: the letter is closed; failed again: it stays open with the new error.")
            .WithMetadata(Answer<DeadLetterResponse>(StatusCodes.Status200OK, "Handled: the letter, replayed."),
                new DeclaredRefusals([ErrorCodes.DeadLetterNotFound, ErrorCodes.DeadLetterAlreadyReplayed, ErrorCodes.ConsumerNotServed,
                    ErrorCodes.ReplayFailed]),
                MessagingExamples.Replayed);
        return app;
    }

    private static ProducesResponseTypeMetadata Answer<T>(int status, string description) =>
        new(status, typeof(T), ["application/json"]) { Description = description };

    private static async Task<IResult> StatusAsync(IDatabase db, IEventTransport transport, TimeProvider clock, CancellationToken ct)
    {
        var now = UtcMillis.From(clock.GetUtcNow());
        await using var connection = await db.OpenAsync(ct);
        var outbox = await connection.QuerySingleAsync<(long Pending, long Due, long? OldestDue, long Retrying)>(new CommandDefinition(
            "SELECT COALESCE(SUM(event_count), 0), COALESCE(SUM(CASE WHEN next_attempt_at <= @Now THEN event_count ELSE 0 END), 0), " +
            "MIN(CASE WHEN next_attempt_at <= @Now THEN due_at END), COALESCE(SUM(CASE WHEN attempts > 0 THEN event_count ELSE 0 END), 0) " +
            "FROM msg_outbox",
            new { Now = now }, cancellationToken: ct));
        var deliveries = await connection.ExecuteScalarAsync<long>(
            new CommandDefinition("SELECT COALESCE(SUM(event_count), 0) FROM msg_deliveries", cancellationToken: ct)); // events, packed or not
        var dead = await connection.ExecuteScalarAsync<long>(
            new CommandDefinition("SELECT COUNT(*) FROM msg_dead_letters WHERE replayed_at IS NULL", cancellationToken: ct));
        return TypedResults.Ok(new MessagingStatusResponse(transport.Name, transport.Connected, outbox.Pending, outbox.Due,
            outbox.OldestDue is { } oldest ? Math.Max(now - oldest, 0) / 1000.0 : 0, outbox.Retrying, deliveries, dead));
    }

    private static async Task<IResult> ListAsync(
        DeadLetters letters,
        [AllowedValues("OPEN", "REPLAYED", "ALL"), Description("OPEN (the default): not replayed yet.")] string? status,
        [Description("Only this consumer's, e.g. search.index.")] string? consumer,
        [Description("Continue a list: the nextCursor of the previous page (opaque). Absent: the first page.")] string? cursor,
        [Range(1, MaxPageSize), Description("Items per page, 1 to 100; default 20.")] int? limit,
        CancellationToken ct)
    {
        bool? open = status switch { null or "OPEN" => true, "REPLAYED" => false, "ALL" => null, _ => true };
        var errors = new FieldErrors()
            .When(status is not (null or "OPEN" or "REPLAYED" or "ALL"), "status", "One of OPEN (default), REPLAYED, ALL.")
            .When(limit is < 1 or > MaxPageSize, "limit", $"From 1 to {MaxPageSize}.")
            .When(!Cursor.TryDecode(cursor, out var before), "cursor", "Not a cursor this API returned.");
        if (!errors.IsEmpty) return Problems.From(Problem.Invalid(errors));
        var size = limit ?? DefaultPageSize;
        var page = await letters.ListAsync(open, consumer, before, size + 1, ct);
        var items = page.Take(size).ToList();
        return TypedResults.Ok(
            new Page<DeadLetterResponse>(items.Select(ToResponse).ToList(), page.Count > size ? Cursor.Encode(items[^1].Id) : null));
    }

    private static async Task<IResult> ReplayAsync(long id, DeadLetters letters, CancellationToken ct) => await letters.ReplayAsync(id, ct) switch
    {
        ReplayOutcome.Replayed r => TypedResults.Ok(ToResponse(r.Letter)),
        ReplayOutcome.NotFound => Problems.From(Problem.For(new Refusal(ErrorCodes.DeadLetterNotFound, $"No dead letter {id}."))),
        ReplayOutcome.AlreadyReplayed => Problems.From(Problem.For(new Refusal(ErrorCodes.DeadLetterAlreadyReplayed,
            $"Dead letter {id} was replayed before."))),
        ReplayOutcome.ConsumerNotHere c => Problems.From(Problem.For(new Refusal(ErrorCodes.ConsumerNotServed,
            $"Consumer {c.Letter.Consumer} does not run in this process (Promotion:Roles); replay it on an instance that serves its module."))),
        ReplayOutcome.FailedAgain f => Problems.From(Problem.For(new Refusal(ErrorCodes.ReplayFailed,
            $"Consumer {f.Letter.Consumer} failed again: {f.Error}", null, new Dictionary<string, object?> { ["attempts"] = f.Letter.Attempts }))),
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    private static DeadLetterResponse ToResponse(DeadLetter l) => new(l.Id.ToString(CultureInfo.InvariantCulture), l.Stage, l.Consumer,
        l.Envelope.EventId.ToString(), l.Envelope.Subject, l.Envelope.Type, l.Envelope.AggregateId, l.Envelope.OccurredAt, l.Attempts, l.LastError,
        l.DeadAt, l.ReplayedAt, System.Text.Json.JsonSerializer.SerializeToElement(l.Envelope, Kernel.Messaging.EventJson.Options));
}
