namespace PromotionEngine.Platform.Identity;

/// <summary>How tokens are checked (section "Promotion:Auth").</summary>
internal sealed class AuthOptions
{
    public string Issuer { get; set; } = "promotion-engine";

    public string Audience { get; set; } = "promotion-engine";

    /// <summary>Production: the token issuer's OpenID Connect authority; its public keys are fetched from there.</summary>
    public string? Authority { get; set; }

    /// <summary>A base64 HMAC-SHA256 key. When neither this nor Authority is set, a key is made once and kept in the data directory.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// How many validated tokens are remembered (by their SHA-256, each until it expires) so a caller's next request skips the
    /// signature check; 0 checks every token in full. Roles, expiry, issuer, audience and the signing key still hold.
    /// </summary>
    public int TokenCacheSize { get; set; } = 10_000;
}
