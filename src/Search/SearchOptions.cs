using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Search;

/// <summary>The search module's settings (section "Search"), validated at start.</summary>
internal sealed class SearchOptions
{
    public const string Section = "Search";

    /// <summary>
    /// Where the index files go: each build gets a fresh folder below this one, deleted when it is replaced or the
    /// instance stops. Empty: the system's temporary folder. "memory": no files (small catalogs and tests).
    /// </summary>
    public string IndexDirectory { get; set; } = "";

    /// <summary>How soon an applied event is visible to searches (the near-real-time refresh).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Keep the first pages of repeated searches that have no claim window, until the next change is made visible
    /// (at most 256 at a time): a popular word is then ranked once per refresh, not once per shopper.
    /// </summary>
    public bool KeepFirstPages { get; set; } = true;

    /// <summary>How long an instance waits before trying again when reading the event log for a build failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
