using System.ComponentModel.DataAnnotations;
using PromotionEngine.Platform.Identity;
using PromotionEngine.Platform.Persistence;

namespace PromotionEngine.Platform;

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

    /// <summary>
    /// The absolute URL the API is published at (e.g. https://promo.example.com), which the OpenAPI document names as its server.
    /// Unset: the document names "/", the server it is read from; never the request's Host header.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

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
