using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PromotionEngine.Platform.Identity;

/// <summary>
/// The bearer token check with a memory of the tokens it has validated, keyed by the token's SHA-256, so a caller's next request
/// skips parsing and the signature (about a tenth of a claim's CPU). Never weaker than the full check:
/// <list type="bullet">
/// <item>only a token that passed every check (signature, issuer, audience, lifetime) is remembered, by the hash of its exact
/// text: a token changed by one character is another token, checked in full;</item>
/// <item>a remembered token is answered only until its expiry plus the clock skew the full check allows, on the full check's
/// clock (<paramref name="clock"/>: the system's, as the library's), and refused as expired after that;</item>
/// <item>only while the key that signed it is still one of the parameters' keys, and the issuer and audience settings are the
/// ones it was checked against (keys rotated by the authority, settings changed: checked in full again);</item>
/// <item>the caller's role and ids are still checked on every request (OnTokenValidated and the policies read the principal,
/// built from a copy of the remembered identity).</item>
/// </list>
/// At most <paramref name="capacity"/> tokens are remembered: a full cache is emptied and fills again.
/// </summary>
internal sealed class CachingTokenHandler(int capacity, TimeProvider clock) : JsonWebTokenHandler
{
    private readonly ConcurrentDictionary<TokenHash, Entry> _entries = new();
    private int _count;
    private long _hits;

    /// <summary>Validations answered from memory (for the tests and the curious).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Tokens remembered now.</summary>
    public int Count => _entries.Count;

    private readonly record struct TokenHash(UInt128 Low, UInt128 High);

    private sealed record Entry(ClaimsIdentity Identity, SecurityToken Token, DateTime NotAfter, SecurityKey Key, string Settings);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (capacity <= 0 || string.IsNullOrEmpty(token) || token.Length > MaximumTokenSizeInBytes)
            return await base.ValidateTokenAsync(token, validationParameters);
        var hash = Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        var settings = SettingsOf(validationParameters);
        if (_entries.TryGetValue(hash, out var known))
        {
            if (now > known.NotAfter)
            {
                Forget(hash);
                return new TokenValidationResult
                {
                    IsValid = false,
                    Exception = new SecurityTokenExpiredException("The token has expired.") { Expires = known.NotAfter },
                };
            }
            if (known.Settings == settings && HasKey(validationParameters, known.Key))
            {
                Interlocked.Increment(ref _hits);
                return new TokenValidationResult { IsValid = true, ClaimsIdentity = known.Identity.Clone(), SecurityToken = known.Token };
            }
            Forget(hash); // checked under other keys or settings: in full again
        }
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result is { IsValid: true, SecurityToken: JsonWebToken { SigningKey: { } key } jwt, ClaimsIdentity: { } identity })
        {
            var notAfter = jwt.ValidTo == DateTime.MinValue ? now : jwt.ValidTo + validationParameters.ClockSkew;
            if (notAfter > now) Remember(hash, new Entry(identity.Clone(), jwt, notAfter, key, settings));
        }
        return result;
    }

    private void Remember(TokenHash hash, Entry entry)
    {
        if (Interlocked.Increment(ref _count) > capacity)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _count, 1);
        }
        if (!_entries.TryAdd(hash, entry)) Interlocked.Decrement(ref _count);
    }

    private void Forget(TokenHash hash)
    {
        if (_entries.TryRemove(hash, out _)) Interlocked.Decrement(ref _count);
    }

    private static TokenHash Hash(string token)
    {
        Span<byte> digest = stackalloc byte[32];
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        var bytes = length <= 4096 ? stackalloc byte[length] : new byte[length];
        SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(token, bytes)], digest);
        return new TokenHash(MemoryMarshal.Read<UInt128>(digest), MemoryMarshal.Read<UInt128>(digest[16..]));
    }

    /// <summary>The settings of the parameters seen last (the same object on every request unless an authority's keys are used).</summary>
    private sealed record Seen(TokenValidationParameters Parameters, string Settings);

    private Seen? _seen;

    private string SettingsOf(TokenValidationParameters parameters)
    {
        if (_seen is { } seen && ReferenceEquals(seen.Parameters, parameters)) return seen.Settings;
        var settings = Settings(parameters);
        _seen = new Seen(parameters, settings);
        return settings;
    }

    private static bool HasKey(TokenValidationParameters parameters, SecurityKey key) =>
        ReferenceEquals(parameters.IssuerSigningKey, key) || parameters.IssuerSigningKeys?.Contains(key) == true;

    /// <summary>What a token was checked against besides its key: issuers, audiences and the switches of the checks.</summary>
    private static string Settings(TokenValidationParameters p) => string.Join('\n',
        p.ValidIssuer, string.Join(' ', p.ValidIssuers ?? []), p.ValidAudience, string.Join(' ', p.ValidAudiences ?? []),
        p.ValidateIssuer, p.ValidateAudience, p.ValidateLifetime, p.ValidateIssuerSigningKey, p.RequireSignedTokens,
        string.Join(' ', p.ValidAlgorithms ?? []));
}
