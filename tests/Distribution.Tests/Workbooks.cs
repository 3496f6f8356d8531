using System.IO.Compression;
using System.Text;

namespace PromotionEngine.Distribution.Tests;

/// <summary>
/// Builds .xlsx workbooks part by part and streaming, so a test can make a 400 MB cell in a 400 KB file without
/// holding either: the minimal parts a reader needs (content types, workbook, its relationships, one or more sheets),
/// optionally shared strings and styles, and whatever XML the test writes into them.
/// </summary>
internal static class Workbooks
{
    public const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    public const string Strict = "http://purl.oclc.org/ooxml/spreadsheetml/main";

    /// <summary>A workbook whose first sheet's &lt;sheetData&gt; is <paramref name="rows"/> (XML text).</summary>
    public static byte[] Of(string rows, string? sharedStrings = null, string? styles = null, string? dimension = null)
    {
        using var memory = new MemoryStream();
        Write(memory, w => w.Write(rows), sharedStrings is null ? null : w => w.Write(sharedStrings), styles, dimension);
        return memory.ToArray();
    }

    /// <summary>
    /// Writes a workbook: <paramref name="sheetData"/> writes the rows of xl/worksheets/sheet1.xml, <paramref name="sharedStrings"/>
    /// the &lt;si&gt; items of xl/sharedStrings.xml. <paramref name="padding"/> bytes of random data follow the sheet as a stored part
    /// (room for a lie about the sheet's packed size, see <see cref="DeclarePackedSize"/>).
    /// </summary>
    public static void Write(Stream output, Action<TextWriter> sheetData, Action<TextWriter>? sharedStrings = null, string? styles = null,
        string? dimension = null, int padding = 0, string worksheetOpen = $"<worksheet xmlns=\"{Main}\">", string worksheetClose = "</worksheet>")
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        Part(zip, "[Content_Types].xml", w => w
            .Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
                "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"));
        Part(zip, "xl/workbook.xml", w => w
            .Write($"<workbook xmlns=\"{Main}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" +
                "<sheets><sheet name=\"Recipients\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"));
        Part(zip, "xl/_rels/workbook.xml.rels", w => w.Write(
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
            "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"));
        Part(zip, "xl/worksheets/sheet1.xml", w =>
        {
            w.Write("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>");
            w.Write(worksheetOpen);
            if (dimension is not null) w.Write($"<dimension ref=\"{dimension}\"/>");
            w.Write("<sheetData>");
            sheetData(w);
            w.Write("</sheetData>");
            w.Write(worksheetClose);
        });
        if (padding > 0)
        {
            var pad = zip.CreateEntry("xl/media/padding.bin", CompressionLevel.NoCompression);
            using var stream = pad.Open();
            var random = new Random(7);
            var block = new byte[64 * 1024];
            for (var left = padding; left > 0; left -= block.Length)
            {
                random.NextBytes(block);
                stream.Write(block, 0, Math.Min(block.Length, left));
            }
        }
        if (sharedStrings is not null)
            Part(zip, "xl/sharedStrings.xml", w =>
            {
                w.Write($"<sst xmlns=\"{Main}\">");
                sharedStrings(w);
                w.Write("</sst>");
            });
        if (styles is not null) Part(zip, "xl/styles.xml", w => w.Write($"<styleSheet xmlns=\"{Main}\">{styles}</styleSheet>"));
    }

    public static void Part(ZipArchive zip, string name, Action<TextWriter> write)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
        write(writer);
    }

    /// <summary>Writes <paramref name="count"/> copies of <paramref name="c"/> a megabyte at a time.</summary>
    public static void Repeat(TextWriter w, char c, long count)
    {
        var block = new string(c, 1 << 20).ToCharArray();
        for (var left = count; left > 0; left -= block.Length) w.Write(block, 0, (int)Math.Min(block.Length, left));
    }

    /// <summary>Text that hardly compresses (random letters): a cell that is long because it is long, not because it repeats.</summary>
    public static string Noise(int length, int seed)
    {
        var random = new Random(seed);
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = (char)('a' + r.Next(26));
        });
    }

    /// <summary>
    /// Rewrites the packed (compressed) size the zip's headers declare for <paramref name="entry"/>, as a forged file would:
    /// the unpacked size and the data stay as they are.
    /// </summary>
    public static void DeclarePackedSize(string path, string entry, uint packed)
    {
        var bytes = File.ReadAllBytes(path);
        var name = Encoding.ASCII.GetBytes(entry);
        var patched = 0;
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            if (bytes[i] != 0x50 || bytes[i + 1] != 0x4B) continue;
            if (bytes[i + 2] == 3 && bytes[i + 3] == 4 && bytes.AsSpan(i + 30, name.Length).SequenceEqual(name))
            {
                BitConverter.GetBytes(packed).CopyTo(bytes, i + 18); // local file header
                patched++;
            }
            else if (bytes[i + 2] == 1 && bytes[i + 3] == 2 && bytes.AsSpan(i + 46, name.Length).SequenceEqual(name))
            {
                BitConverter.GetBytes(packed).CopyTo(bytes, i + 20); // central directory
                patched++;
            }
        }
        if (patched != 2) throw new InvalidOperationException($"Expected the local and central headers of {entry}, patched {patched}.");
        File.WriteAllBytes(path, bytes);
    }
}
