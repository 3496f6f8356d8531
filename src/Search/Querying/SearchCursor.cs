using System.Buffers.Text;
using System.Globalization;
using System.Text;
using PromotionEngine.Kernel;

namespace PromotionEngine.Search.Querying;

/// <summary>
/// Page cursors. Without a text query the order is recency alone and the cursor is the Kernel's (the last template id);
/// with one it also carries the last score, exactly (its bits): relevance depends on the whole index, so a page
/// boundary is as of the index when the page was read, and templates added or changed meanwhile may move across it.
/// A cursor of one kind is refused by a query of the other.
/// </summary>
internal static class SearchCursor
{
    private const string ScoredPrefix = "s1:";

    public static string Encode(SearchPosition position) => position.Score is { } score
        ? Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{ScoredPrefix}{BitConverter.SingleToInt32Bits(score):x8}:{position.TemplateId}")))
        : Cursor.Encode(position.TemplateId);

    public static bool TryDecode(string? cursor, bool scored, out SearchPosition? position)
    {
        position = null;
        if (string.IsNullOrEmpty(cursor)) return true;
        if (!scored)
        {
            if (!Cursor.TryDecode(cursor, out var id)) return false;
            position = new SearchPosition(null, id!.Value);
            return true;
        }
        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
            var parts = text.StartsWith(ScoredPrefix, StringComparison.Ordinal) ? text[ScoredPrefix.Length..].Split(':') : [];
            if (parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var templateId) && templateId > 0
                && float.IsFinite(BitConverter.Int32BitsToSingle(bits)))
            {
                position = new SearchPosition(BitConverter.Int32BitsToSingle(bits), templateId);
                return true;
            }
        }
        catch (FormatException)
        {
        }
        return false;
    }
}
