using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace PromotionEngine.Kernel;

/// <summary>Opaque page cursors: the id of the last item seen, so pages stay stable while rows are added.</summary>
public static class Cursor
{
    public static string Encode(long lastId)
        => Base64Url.EncodeToString(Encoding.ASCII.GetBytes("v1:" + lastId.ToString(CultureInfo.InvariantCulture)));

    public static bool TryDecode(string? cursor, out long? lastId)
    {
        lastId = null;
        if (string.IsNullOrEmpty(cursor)) return true;
        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith("v1:", StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                lastId = id;
                return true;
            }
        }
        catch (FormatException)
        {
        }
        return false;
    }
}
