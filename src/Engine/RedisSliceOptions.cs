using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Engine;

/// <summary>
/// How a template's stock is split over slices on different Redis Cluster slots (Engine:Redis:Slices, docs/redis-cluster.md).
/// A template gets one slice per <see cref="StockPerSlice"/> of stock, at most <see cref="Max"/>, unless
/// <see cref="Templates"/> names its count. On a single Redis slices cost a little and gain nothing: keep the default there.
/// </summary>
internal sealed class RedisSliceOptions
{
    /// <summary>
    /// Stock one slice holds before a template gets another. 10 000: a slice then runs dry after thousands of its own users'
    /// claims, so borrowing from the other slices (three round trips instead of one) stays rare until the very end of a sale.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long StockPerSlice { get; set; } = 10_000;

    /// <summary>The most slices a template is split over (automatically or by <see cref="Templates"/>).</summary>
    [Range(1, MaxSlices)]
    public int Max { get; set; } = 8;

    /// <summary>Slice counts of named templates (template id → count), whatever their stock.</summary>
    public Dictionary<string, int> Templates { get; set; } = [];

    /// <summary>The most slices any template can have: an operator's rebuild drops this many markers per template.</summary>
    public const int MaxSlices = 64;
}
