using Microsoft.Extensions.Options;

namespace PromotionEngine.Engine.Claims.WaitingRoom;

/// <summary>Engine:WaitingRoom: how tickets are signed and how often a waiting client is told to ask again.</summary>
internal sealed class WaitingRoomOptions
{
    /// <summary>
    /// Base64 key of 32+ bytes that signs tickets; every instance needs the same. Unset: derived from Promotion:Auth:SigningKey, or a
    /// random key of the process when that is unset too (one instance only: another would refuse its tickets).
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>The longest Retry-After a waiting ticket is given, so a client sees its position move (1–300 s).</summary>
    public int MaxRetryAfterSeconds { get; set; } = 30;

    /// <summary>The settings' faults, each a line for the start-up error (empty: fine).</summary>
    public IEnumerable<string> Faults()
    {
        if (MaxRetryAfterSeconds is < 1 or > 300) yield return "Engine:WaitingRoom:MaxRetryAfterSeconds is 1 to 300.";
        if (string.IsNullOrWhiteSpace(SigningKey)) yield break;
        byte[]? key = null;
        try { key = Convert.FromBase64String(SigningKey); } catch (FormatException) { }
        if (key is not { Length: >= 32 }) yield return "Engine:WaitingRoom:SigningKey is a base64 key of 32 bytes or more.";
    }

    public static void Check(WaitingRoomOptions options)
    {
        var faults = options.Faults().ToList();
        if (faults.Count > 0) throw new OptionsValidationException("Engine:WaitingRoom", typeof(WaitingRoomOptions), faults);
    }
}
