using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Engine.Http;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.Engine.Claims.WaitingRoom;

/// <summary>The OpenAPI document's examples of the waiting room: 会员日满100减20's drop at 02:00 UTC, 500 admitted a second, user 1001.</summary>
internal static class WaitingRoomExamples
{
    private static readonly DateTimeOffset Opens = new(2026, 6, 18, 2, 0, 0, TimeSpan.Zero);
    private const string Ticket = "wr1.384536415389614080.1001.3120.kZx1oQ7mP2c9Jf0yVbT4sLwE8nRgHa6uDiXq3CMeN5A";

    private static readonly WaitingRoomResponse Room = new(EngineExamples.TemplateId, 500, 30, 120, Opens, Opens.AddMinutes(30),
        Opens.AddDays(-1));

    public static readonly ApiExample Set = new("set", "500 admitted a second from the drop, tickets needed for 30 minutes", 200, Room,
        new SetWaitingRoomRequest(500, 30, 120), new Dictionary<string, string> { ["templateId"] = EngineExamples.TemplateId });

    public static readonly ApiExample Found = new("found", "The drop's waiting room", 200, Room,
        Parameters: new Dictionary<string, string> { ["templateId"] = EngineExamples.TemplateId });

    public static readonly ApiExample Removed = new("removed", "The waiting room turned off before the drop", 204, null,
        Parameters: new Dictionary<string, string> { ["templateId"] = EngineExamples.TemplateId });

    private static readonly WaitingRoomTicketResponse Waiting3120 = new(Ticket, EngineExamples.TemplateId, 3120, 3120, false, Opens.AddSeconds(6),
        Opens.AddSeconds(126), Opens.AddMinutes(30), 30);

    public static readonly ApiExample Taken = new("taken", "Ticket 3120, taken a minute before the drop", 201, Waiting3120,
        new TakeTicketRequest(384536415389614080));

    public static readonly ApiExample TakenAgain = new("held", "Asked again: the same ticket, never a better place", 200, Waiting3120,
        new TakeTicketRequest(384536415389614080));

    public static readonly ApiExample Waiting = new("waiting", "Two seconds after the drop: 1,620 to go", 200,
        Waiting3120 with { Position = 1620, RetryAfterSeconds = 4 },
        Parameters: new Dictionary<string, string> { [WaitingRoomRefusals.Header] = Ticket });
}
