namespace PromotionEngine.Kernel;

/// <summary>ISO-8601 times at the edges must say their offset: one without would be read in the server's zone.</summary>
public static class IsoTime
{
    /// <summary>True when the text ends in "Z" or "±hh:mm".</summary>
    public static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
}
