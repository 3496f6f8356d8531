using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Engine.Claims.Admission;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Tests.Claims.Admission;

/// <summary>
/// A template admits as many claims at once as its commits can finish within the target latency (measured throughput ×
/// target, Little's law), never fewer than the minimum nor more than the maximum; the rest are refused at once.
/// </summary>
public sealed class AdmittingClaimsPerTemplate
{
    private static readonly TemplateId Hot = new(1), Cold = new(2);
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private TemplateAdmission Admission(AdmissionOptions options) => new(Options.Create(options), _clock);

    [Fact]
    public void Claims_beyond_the_bound_are_refused_until_one_finishes_and_other_templates_are_not_affected()
    {
        var admission = Admission(new AdmissionOptions { InFlightPerTemplate = 2 });
        var first = admission.TryEnter(Hot);
        var second = admission.TryEnter(Hot);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(admission.TryEnter(Hot));
        Assert.NotNull(admission.TryEnter(Cold));

        first.Dispose();
        Assert.NotNull(admission.TryEnter(Hot));
    }

    [Fact]
    public void Without_a_measurement_the_bound_is_the_maximum()
    {
        var admission = Admission(new AdmissionOptions { MinInFlightPerTemplate = 1, MaxInFlightPerTemplate = 3 });

        Assert.Equal(3, admission.BoundOf(Hot));
        var slots = Enumerable.Range(0, 3).Select(_ => admission.TryEnter(Hot)).ToList();
        Assert.All(slots, Assert.NotNull);
        Assert.Null(admission.TryEnter(Hot));
    }

    [Fact]
    public void The_bound_follows_the_measured_throughput_times_the_target_latency()
    {
        var admission = Admission(new AdmissionOptions
        {
            TargetLatency = TimeSpan.FromMilliseconds(100), MinInFlightPerTemplate = 10, MaxInFlightPerTemplate = 1_000,
        });

        Finish(admission, claims: 2_000, over: TimeSpan.FromSeconds(1)); // 2,000 claims/s × 0.1 s = 200 at once

        Assert.Equal(200, admission.BoundOf(Hot));
        Assert.Equal(1_000, admission.BoundOf(Cold)); // not measured
    }

    [Fact]
    public void The_bound_stays_between_the_minimum_and_the_maximum()
    {
        var options = new AdmissionOptions { TargetLatency = TimeSpan.FromSeconds(1), MinInFlightPerTemplate = 50, MaxInFlightPerTemplate = 300 };
        var fast = Admission(options);
        var slow = Admission(options);

        Finish(fast, claims: 5_000, over: TimeSpan.FromSeconds(1));
        Finish(slow, claims: 10, over: TimeSpan.FromSeconds(1));

        Assert.Equal(300, fast.BoundOf(Hot));
        Assert.Equal(50, slow.BoundOf(Hot));
    }

    [Fact]
    public void A_fixed_bound_is_kept_whatever_is_measured()
    {
        var admission = Admission(new AdmissionOptions { InFlightPerTemplate = 7 });

        Finish(admission, claims: 5_000, over: TimeSpan.FromSeconds(1));

        Assert.Equal(7, admission.BoundOf(Hot));
    }

    /// <summary><paramref name="claims"/> claims of the hot template, one at a time, spread evenly over <paramref name="over"/>.</summary>
    private void Finish(TemplateAdmission admission, int claims, TimeSpan over)
    {
        for (var i = 0; i < claims; i++)
        {
            var slot = admission.TryEnter(Hot) ?? throw new InvalidOperationException("one claim at a time is always admitted");
            _clock.Advance(over / claims);
            slot.Dispose();
        }
    }
}
