using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Claims.WaitingRoom;

/// <summary>A place in a template's line, bound to one user.</summary>
internal readonly record struct WaitingRoomTicket(TemplateId Template, UserId User, long Number);

/// <summary>
/// Writes and reads tickets as <c>wr1.&lt;template&gt;.&lt;user&gt;.&lt;number&gt;.&lt;HMAC-SHA256, base64url&gt;</c>. The MAC covers the
/// rest, so a ticket cannot be made or changed without the key, and it names its user and template, so it cannot be lent. Every
/// instance signs with the same key (<see cref="WaitingRoomOptions"/>), so any instance reads any instance's tickets without a lookup:
/// the claim path checks a ticket with one MAC and no store.
/// </summary>
internal sealed class TicketSigner(byte[] key)
{
    private const string Version = "wr1";

    /// <summary>The longest text worth reading: four numbers of up to 19 digits and a MAC; anything longer is not a ticket.</summary>
    public const int MaxLength = 120;

    public string Sign(WaitingRoomTicket ticket)
    {
        var body = Body(ticket);
        return body + "." + Base64Url.EncodeToString(Mac(body));
    }

    /// <summary>The ticket <paramref name="text"/> carries, or null when it is malformed or its MAC is not ours.</summary>
    public WaitingRoomTicket? Read(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength) return null;
        var parts = text.Split('.');
        if (parts.Length != 5 || parts[0] != Version) return null;
        if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var template) || template < 1
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var user) || user < 1
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            return null;
        var ticket = new WaitingRoomTicket(new TemplateId(template), new UserId(user), number);
        // TryDecodeFromChars throws on a character outside base64url: IsValid first, and only a 32-byte MAC.
        if (!Base64Url.IsValid(parts[4], out var length) || length != 32) return null;
        Span<byte> given = stackalloc byte[32];
        if (!Base64Url.TryDecodeFromChars(parts[4], given, out var written) || written != 32) return null;
        // Compared in constant time, and against the canonical body: "007" for "7" is not the signed text, so it is refused too.
        var body = Body(ticket);
        return text.Length == body.Length + 1 + parts[4].Length && text.StartsWith(body, StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(given, Mac(body)) ? ticket : null;
    }

    private static string Body(WaitingRoomTicket t) => string.Create(CultureInfo.InvariantCulture,
        $"{Version}.{t.Template.Value}.{t.User.Value}.{t.Number}");

    private byte[] Mac(string body) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(body));

    /// <summary>
    /// The key tickets are signed with: Engine:WaitingRoom:SigningKey when set; else one derived from Promotion:Auth:SigningKey, which
    /// every instance of a deployment shares already; else (the embedded default, one process) a random key of this process's own.
    /// </summary>
    public static TicketSigner From(string? ownKey, string? authKey)
    {
        if (!string.IsNullOrWhiteSpace(ownKey)) return new TicketSigner(Convert.FromBase64String(ownKey));
        if (!string.IsNullOrWhiteSpace(authKey))
            return new TicketSigner(HMACSHA256.HashData(Encoding.UTF8.GetBytes(authKey), "promotion-engine waiting-room tickets v1"u8));
        return new TicketSigner(RandomNumberGenerator.GetBytes(32));
    }
}
