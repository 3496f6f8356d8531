using System.Diagnostics.Metrics;

namespace PromotionEngine.Engine;

/// <summary>Fair admission's metrics (docs/operations.md): claims answered before the gate, and sold-out flags raised.</summary>
internal sealed partial class EngineMetrics
{
    private readonly Lock _admissionLock = new();
    private AdmissionInstruments? _admission;

    /// <summary>
    /// A claim answered before its gate, by answer: sold_out_flag (OUT_OF_STOCK from this instance's flag), user_limit, ip_limit,
    /// template_busy (429 RATE_LIMITED).
    /// </summary>
    public void AdmissionRefused(string answer) => Admission().Refusals.Add(1, new KeyValuePair<string, object?>("answer", answer));

    /// <summary>A template's sold-out flag raised in this instance.</summary>
    public void SoldOutFlagRaised() => Admission().Flags.Add(1);

    // Created on first use, in this file of their own, so the constructor stays as it was.
    private AdmissionInstruments Admission()
    {
        if (Volatile.Read(ref _admission) is { } made) return made;
        lock (_admissionLock) return _admission ??= new AdmissionInstruments(_meter);
    }

    private sealed class AdmissionInstruments(Meter meter)
    {
        public Counter<long> Refusals { get; } = meter.CreateCounter<long>("promotion.claim.admission.refusals", "{claim}",
            "Claims answered before the claim gate, by answer (sold_out_flag: OUT_OF_STOCK from this instance's sold-out flag; " +
            "user_limit, ip_limit: over a claim limit; template_busy: the template's claims in flight at their bound).");

        public Counter<long> Flags { get; } = meter.CreateCounter<long>("promotion.claim.sold_out_flags", "{template}",
            "Templates this instance found sold out in the database and now refuses locally.");
    }
}
