using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Clearing.Store.ClickHouse;

/// <summary>Where the ClickHouse analytic store lives (<c>Clearing:ClickHouse</c>); used when <c>Clearing:Store</c> is ClickHouse.</summary>
internal sealed class ClickHouseOptions
{
    public const string Section = "Clearing:ClickHouse";

    /// <summary>The server's HTTP interface, e.g. http://127.0.0.1:8123/.</summary>
    [Required]
    public Uri Url { get; set; } = new("http://127.0.0.1:8123/");

    /// <summary>The database that holds the clearing tables; created when missing. A plain identifier (it is put into SQL).</summary>
    [Required, RegularExpression(ClickHouseSql.IdentifierPattern)]
    public string Database { get; set; } = "clearing";

    [Required]
    public string User { get; set; } = "default";

    public string Password { get; set; } = "";

    /// <summary>How long one query may take before the adapter gives up on it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a kept-alive connection may wait unused before the client drops it: below the server's <c>keep_alive_timeout</c>
    /// (3 s by default), so no request is sent on a connection the server is closing (an insert is not retried).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:02.900")]
    public TimeSpan IdleConnectionTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
