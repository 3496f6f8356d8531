using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Host;

/// <summary>The Host's settings (section "Promotion"), validated at start.</summary>
internal sealed class PromotionOptions
{
    public const string Section = "Promotion";

    /// <summary>"all", or the modules this process serves, comma separated (e.g. "engine" or "merchant-admin,engine").</summary>
    [Required]
    public string Roles { get; set; } = "all";

    /// <summary>Where the embedded defaults keep their files (SQLite database, development signing key).</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// This instance's number in time-ordered ids. Unset (the default): the lowest free number is leased.
    /// Set: that number is leased, and start-up fails if a running instance holds it.
    /// </summary>
    [Range(0, Kernel.IdGenerator.MaxWorker)]
    public int? WorkerId { get; set; }

    public DatabaseOptions Database { get; set; } = new();

    public AuthOptions Auth { get; set; } = new();

    /// <summary>The section as configured; a key no property reads (a misspelt setting) or a value of the wrong type is refused.</summary>
    public static PromotionOptions Read(IConfiguration configuration)
    {
        try
        {
            return configuration.GetSection(Section).Get<PromotionOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new PromotionOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new SettingsException($"The {Section} settings cannot be read: {e.Message}");
        }
    }
}

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

internal sealed class AuthOptions
{
    public string Issuer { get; set; } = "promotion-engine";

    public string Audience { get; set; } = "promotion-engine";

    /// <summary>Production: the token issuer's OpenID Connect authority; its public keys are fetched from there.</summary>
    public string? Authority { get; set; }

    /// <summary>A base64 HMAC-SHA256 key. When neither this nor Authority is set, a key is made once and kept in the data directory.</summary>
    public string? SigningKey { get; set; }
}
