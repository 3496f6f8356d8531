using System.Diagnostics.Metrics;

namespace PromotionEngine.Engine.Claims.WaitingRoom;

/// <summary>
/// The waiting rooms' metrics, on the engine's meter (<see cref="EngineMetrics.MeterName"/>): tickets taken, claims checked against
/// a room while it admits, and the positions waiting clients are told. Labels are bounded sets, never a template or user.
/// </summary>
internal sealed class WaitingRoomMetrics : IDisposable
{
    private static readonly IReadOnlyList<long> PositionBuckets = [0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

    private readonly Meter _meter = new(EngineMetrics.MeterName);
    private readonly Counter<long> _tickets;
    private readonly Counter<long> _checks;
    private readonly Histogram<long> _positions;

    public WaitingRoomMetrics()
    {
        _tickets = _meter.CreateCounter<long>("promotion.waiting_room.tickets", "{ticket}",
            "Tickets taken, by result (issued: a new number at the back of the line; held: the user's own number again).");
        _checks = _meter.CreateCounter<long>("promotion.waiting_room.claims", "{claim}",
            "Claims of a template whose waiting room is admitting, by decision (admitted: let through to the claim; ticket_required, "
            + "not_admitted, invalid, expired: refused).");
        _positions = _meter.CreateHistogram("promotion.waiting_room.position", "{ticket}",
            "The position answered to a ticket's holder (0: admitted), on taking it and on each poll.", null,
            new InstrumentAdvice<long> { HistogramBucketBoundaries = PositionBuckets });
    }

    public void Ticket(bool issued) => _tickets.Add(1, new KeyValuePair<string, object?>("result", issued ? "issued" : "held"));

    public void Checked(string decision) => _checks.Add(1, new KeyValuePair<string, object?>("decision", decision));

    public void Told(long position) => _positions.Record(position);

    public void Dispose() => _meter.Dispose();
}
