namespace PromotionEngine.Distribution.Recipients;

/// <summary>One recipient to issue to: where it is in the file, and who.</summary>
internal readonly record struct Recipient(long RowNumber, long UserId);

/// <summary>
/// A chunk's recipients in a compact form any instance can read back: for each, the row number as a varint
/// delta from the previous one, then the user id as a varint. A million recipients take about 6 MB.
/// </summary>
internal static class RecipientChunk
{
    public static byte[] Encode(IReadOnlyList<Recipient> recipients)
    {
        var buffer = new byte[recipients.Count * 20];
        var at = 0;
        var previous = recipients.Count > 0 ? recipients[0].RowNumber : 0;
        foreach (var r in recipients)
        {
            if (r.RowNumber < previous || r.UserId < 1)
                throw new ArgumentException("Recipients go in row order and have positive user ids.", nameof(recipients));
            at = Write(buffer, at, (ulong)(r.RowNumber - previous));
            at = Write(buffer, at, (ulong)r.UserId);
            previous = r.RowNumber;
        }
        return buffer.AsSpan(0, at).ToArray();
    }

    public static List<Recipient> Decode(long firstRow, int count, ReadOnlySpan<byte> data)
    {
        var recipients = new List<Recipient>(count);
        var at = 0;
        var row = firstRow;
        for (var i = 0; i < count; i++)
        {
            row += (long)Read(data, ref at);
            recipients.Add(new Recipient(row, (long)Read(data, ref at)));
        }
        if (at != data.Length) throw new InvalidDataException("A recipient chunk does not end where its count says.");
        return recipients;
    }

    private static int Write(byte[] buffer, int at, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[at++] = (byte)value;
        return at;
    }

    private static ulong Read(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("A varint in a recipient chunk is too long.");
    }
}
