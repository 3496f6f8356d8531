using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Platform.Persistence;

/// <summary>Where the data lives (section "Promotion:Database").</summary>
internal sealed class DatabaseOptions
{
    /// <summary>"Sqlite" (embedded default) or "MySql" (MariaDB, MySQL, TiDB).</summary>
    [Required]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Empty for SQLite means a file in the data directory; required for MySql.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply migrations at start-up (the `migrate` command applies them and exits).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>MySql: create the database named in the connection string if it does not exist.</summary>
    public bool CreateDatabaseIfMissing { get; set; } = true;

    /// <summary>
    /// MySql: bulk loads (a distribution chunk's coupons and counters) use LOAD DATA LOCAL, the fastest insert the
    /// server has; false uses multi-row INSERT IGNOREs instead. A server with local_infile off is detected and
    /// falls back by itself; this is for servers or proxies where even trying is unwelcome.
    /// </summary>
    public bool LoadData { get; set; } = true;
}
