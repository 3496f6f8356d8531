using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Contracts.Http.Engine;

/// <summary>PUT /api/v1/merchant/waiting-rooms/{templateId}: a fair waiting room for the template's scheduled drop (docs/waiting-room.md).</summary>
public sealed record SetWaitingRoomRequest(
    [property: Required, Range(1, 100_000), Description("Tickets admitted per second from the template's claim start, in ticket order.")]
    int? AdmitPerSecond,
    [property: Range(1, 1440), Description("Minutes from the claim start during which a claim needs an admitted ticket (default 30).")]
    int? AdmissionMinutes,
    [property: Range(10, 3600), Description("Seconds an admitted ticket may claim from its admission (default 120); then it expires.")]
    int? AdmittedForSeconds);

public sealed record WaitingRoomResponse(
    string TemplateId,
    int AdmitPerSecond,
    int AdmissionMinutes,
    int AdmittedForSeconds,
    [property: Description("The template's claim start: the first tickets are admitted then.")] DateTimeOffset AdmissionStartsAt,
    [property: Description("From then on claims need no ticket.")] DateTimeOffset AdmissionEndsAt,
    DateTimeOffset UpdatedAt);

/// <summary>POST /api/v1/waiting-room/tickets: join the template's line.</summary>
public sealed record TakeTicketRequest([property: Required] long? TemplateId);

/// <summary>A ticket and where it stands: the answer to taking it and to asking its position.</summary>
public sealed record WaitingRoomTicketResponse(
    [property: Description("Send it as the Waiting-Room-Ticket header to ask the position and to claim. Signed: it only works for this user "
        + "and template.")]
    string Ticket,
    string TemplateId,
    [property: Description("The ticket's place in the line, from 1, in the order tickets were taken.")] long Number,
    [property: Description("Tickets still to be admitted up to and including this one; 0 once admitted.")] long Position,
    bool Admitted,
    DateTimeOffset AdmitsAt,
    [property: Description("The end of the ticket's turn: a claim after it is WAITING_ROOM_TICKET_EXPIRED.")] DateTimeOffset UsableUntil,
    DateTimeOffset AdmissionEndsAt,
    [property: Description("When not admitted: seconds to wait before asking again (also the Retry-After header); null once admitted.")]
    int? RetryAfterSeconds);
