using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace PromotionEngine.Platform.Identity;

/// <summary>
/// The first check of a token signed with the embedded key (HS256), without the library's general machinery: about a
/// tenth of the library's CPU for the same answer (docs/benchmarks.md, issue 20's profile). It only ever says yes: a token
/// it cannot vouch for entirely goes to the library's full check, which answers as always. It vouches only when
/// <list type="bullet">
/// <item>the parameters are the embedded-key configuration (one symmetric key of at least 256 bits, HS256 the only
/// algorithm, issuer, audience and lifetime all checked, expiry required, none of the library's hooks set);</item>
/// <item>the header says exactly HS256 (and JWT, and the key's id if it has one), nothing else, and the HMAC-SHA256 of
/// header and payload under the key equals the signature (compared in fixed time);</item>
/// <item>the issuer equals the valid issuer, the audience (one, or a list) holds the valid audience, both exactly;</item>
/// <item>the token has an expiry after now and its not-before (if any) is not after now: stricter than the library, which
/// allows the clock skew either side (a token inside the skew goes to the full check);</item>
/// <item>every claim is a string, a whole number, a boolean or a list of strings, and no name appears twice.</item>
/// </list>
/// The identity it builds is the library's: a case-sensitive identity of the parameters' authentication, name and role
/// types, one claim per payload member (per element of a list), in payload order, issued by the token's issuer.
/// </summary>
internal static class LeanHmacTokens
{
    private const int SignatureBytes = 32;

    /// <summary>The identity and token when every check passes; false when the full check must decide.</summary>
    public static bool TryValidate(string token, TokenValidationParameters p, DateTime utcNow,
        out ClaimsIdentity identity, out SecurityToken securityToken)
    {
        identity = null!;
        securityToken = null!;
        if (KeyOf(p) is not { } key) return false;
        var firstDot = token.IndexOf('.');
        var lastDot = token.LastIndexOf('.');
        if (firstDot <= 0 || lastDot <= firstDot + 1 || lastDot == token.Length - 1 || token.IndexOf('.', firstDot + 1) != lastDot)
            return false;
        if (!IsBase64UrlWithDots(token)) return false; // nothing lenient: no padding, no white space
        var signed = token.AsSpan(0, lastDot);

        var signedBytes = ArrayPool<byte>.Shared.Rent(signed.Length);
        try
        {
            var count = Encoding.ASCII.GetBytes(signed, signedBytes);
            Span<byte> expected = stackalloc byte[SignatureBytes];
            HMACSHA256.HashData(key.Key, signedBytes.AsSpan(0, count), expected);
            Span<byte> signature = stackalloc byte[SignatureBytes + 3];
            if (!Decode(token.AsSpan(lastDot + 1), signature, out var signatureLength) || signatureLength != SignatureBytes
                || !CryptographicOperations.FixedTimeEquals(expected, signature[..SignatureBytes])
                || !token.AsSpan(lastDot + 1).SequenceEqual(Base64Url.EncodeToString(expected))) // one spelling of the signature only
            {
                return false;
            }
            if (!HeaderIsPlain(signedBytes.AsSpan(0, firstDot), key)) return false;
            return PayloadPasses(signedBytes.AsSpan(firstDot + 1, count - firstDot - 1), p, key, utcNow, out identity, out securityToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(signedBytes);
        }
    }

    /// <summary>The symmetric key when the parameters are the embedded-key configuration, else null.</summary>
    private static SymmetricSecurityKey? KeyOf(TokenValidationParameters p) =>
        p is
        {
            IssuerSigningKey: SymmetricSecurityKey { Key.Length: >= 32 } key,
            ValidateIssuer: true, ValidateAudience: true, ValidateLifetime: true, RequireSignedTokens: true, RequireExpirationTime: true,
            ValidateActor: false, ValidateTokenReplay: false, TokenReplayCache: null, ConfigurationManager: null,
            ValidIssuer.Length: > 0, ValidAudience.Length: > 0, TokenDecryptionKey: null,
            AudienceValidator: null, IssuerValidator: null, IssuerValidatorUsingConfiguration: null, LifetimeValidator: null,
            SignatureValidator: null, SignatureValidatorUsingConfiguration: null, IssuerSigningKeyResolver: null,
            IssuerSigningKeyResolverUsingConfiguration: null, IssuerSigningKeyValidator: null,
            IssuerSigningKeyValidatorUsingConfiguration: null, TokenReader: null, TokenReplayValidator: null,
            AlgorithmValidator: null, TypeValidator: null, TokenDecryptionKeyResolver: null,
            TransformBeforeSignatureValidation: null, NameClaimTypeRetriever: null, RoleClaimTypeRetriever: null,
        }
        && OnlyHs256(p.ValidAlgorithms)
        && p.IssuerSigningKeys?.Any() != true && p.ValidIssuers?.Any() != true && p.ValidAudiences?.Any() != true
        && p.ValidTypes?.Any() != true && p.TokenDecryptionKeys?.Any() != true
            ? key
            : null;

    private static bool HeaderIsPlain(ReadOnlySpan<byte> encoded, SymmetricSecurityKey key)
    {
        var json = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (Base64Url.DecodeFromUtf8(encoded, json, out _, out var length) != OperationStatus.Done) return false;
            var reader = new Utf8JsonReader(json.AsSpan(0, length));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            bool alg = false, typ = false, kid = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                if (!reader.Read() || reader.TokenType != JsonTokenType.String) return false;
                var value = reader.GetString();
                switch (name)
                {
                    case "alg" when !alg && value == SecurityAlgorithms.HmacSha256: alg = true; break;
                    case "typ" when !typ && value == "JWT": typ = true; break;
                    case "kid" when !kid && key.KeyId is { } id && value == id: kid = true; break;
                    default: return false;
                }
            }
            return alg && reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(json);
        }
    }

    private static bool PayloadPasses(ReadOnlySpan<byte> encoded, TokenValidationParameters p, SymmetricSecurityKey key, DateTime utcNow,
        out ClaimsIdentity identity, out SecurityToken securityToken)
    {
        identity = null!;
        securityToken = null!;
        var json = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (Base64Url.DecodeFromUtf8(encoded, json, out _, out var length) != OperationStatus.Done) return false;
            var members = new List<(string Name, string Value, string Type)>(12);
            var reader = new Utf8JsonReader(json.AsSpan(0, length));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (members.Exists(m => m.Name == name)) return false; // twice: for the full check to judge
                if (!reader.Read()) return false;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String: members.Add((name, reader.GetString()!, ClaimValueTypes.String)); break;
                    case JsonTokenType.Number when reader.TryGetInt64(out var number):
                        members.Add((name, number.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64)); break;
                    case JsonTokenType.True: members.Add((name, "true", ClaimValueTypes.Boolean)); break;
                    case JsonTokenType.False: members.Add((name, "false", ClaimValueTypes.Boolean)); break;
                    case JsonTokenType.StartArray:
                        var elements = 0;
                        while (reader.Read() && reader.TokenType == JsonTokenType.String)
                        {
                            members.Add((name, reader.GetString()!, ClaimValueTypes.String));
                            elements++;
                        }
                        if (reader.TokenType != JsonTokenType.EndArray || elements == 0) return false;
                        break;
                    default: return false; // objects, null, fractions: the full check
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return false;

            string? issuer = null;
            long? expires = null, notBefore = null;
            var audience = false;
            foreach (var (name, value, type) in members)
            {
                switch (name)
                {
                    case "iss" when type == ClaimValueTypes.String: issuer = value; break;
                    case "iss": return false;
                    case "aud" when type == ClaimValueTypes.String: audience |= value == p.ValidAudience; break;
                    case "aud": return false;
                    case "exp" when type == ClaimValueTypes.Integer64: expires = long.Parse(value, CultureInfo.InvariantCulture); break;
                    case "exp": return false;
                    case "nbf" when type == ClaimValueTypes.Integer64: notBefore = long.Parse(value, CultureInfo.InvariantCulture); break;
                    case "nbf": return false;
                }
            }
            if (issuer != p.ValidIssuer || !audience || expires is not { } exp) return false;
            var now = new DateTimeOffset(utcNow).ToUnixTimeSeconds();
            if (exp <= now || exp > 253402300799 || notBefore is { } nbf && (nbf < 0 || nbf > now || nbf > exp)) return false;

            var built = new CaseSensitiveClaimsIdentity(p.AuthenticationType ?? TokenValidationParameters.DefaultAuthenticationType,
                p.NameClaimType ?? ClaimsIdentity.DefaultNameClaimType, p.RoleClaimType ?? ClaimsIdentity.DefaultRoleClaimType);
            foreach (var (name, value, type) in members) built.AddClaim(new Claim(name, value, type, issuer, issuer, built));
            identity = built;
            var validFrom = notBefore is { } from ? DateTime.UnixEpoch.AddSeconds(from) : DateTime.MinValue;
            var id = members.Find(m => m.Name == "jti").Value ?? "";
            securityToken = new VouchedToken(issuer, key, validFrom, DateTime.UnixEpoch.AddSeconds(exp), id);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(json);
        }
    }

    private static bool OnlyHs256(IEnumerable<string>? algorithms)
    {
        if (algorithms is null) return false;
        using var each = algorithms.GetEnumerator();
        return each.MoveNext() && each.Current == SecurityAlgorithms.HmacSha256 && !each.MoveNext();
    }

    private static bool IsBase64UrlWithDots(string token)
    {
        foreach (var c in token)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.')) return false;
        }
        return true;
    }

    private static bool Decode(ReadOnlySpan<char> encoded, Span<byte> into, out int written)
    {
        written = 0;
        return encoded.Length <= Base64Url.GetEncodedLength(into.Length - 3) + 4
            && Base64Url.DecodeFromChars(encoded, into, out _, out written) == OperationStatus.Done;
    }

    /// <summary>The token as the bearer handler sees it after a lean check: its issuer, key and lifetime.</summary>
    internal sealed class VouchedToken(string issuer, SecurityKey key, DateTime validFrom, DateTime validTo, string id) : SecurityToken
    {
        public override string Id => id;

        public override string Issuer => issuer;

        public override SecurityKey? SecurityKey => null;

        public override SecurityKey SigningKey { get; set; } = key;

        public override DateTime ValidFrom => validFrom;

        public override DateTime ValidTo => validTo;

        public override string UnsafeToString() => $"vouched token of {issuer}, valid to {validTo:O}";
    }
}
