using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace PromotionEngine.Tabular.Xlsx;

/// <summary>
/// The workbook's shared strings part (xl/sharedStrings.xml), read once from start to end: each &lt;si&gt; item is its
/// &lt;t&gt; text, or the text of its rich-text runs (phonetic hints left out), at most one cell long.
/// </summary>
internal static class SharedStrings
{
    public static void Read(PartReader part, WorkbookLimits limits, Action<int, string> item)
    {
        if (!part.ReadRoot() || !part.IsStart("sst")) return;
        var text = new StringBuilder();
        var index = 0;
        part.Children(() =>
        {
            if (!part.IsStart("si")) return;
            if (index >= limits.MaxSharedStrings)
                throw new WorkbookLimitException(
                    WorkbookLimit.SharedStrings, $"The workbook has more than {limits.MaxSharedStrings} shared strings.");
            text.Clear();
            StringItem(part, text, () => TooLong("A shared string"));
            item(index++, text.ToString());
        });
    }

    /// <summary>The text of an &lt;si&gt; or &lt;is&gt; item: its &lt;t&gt; children and the &lt;t&gt; of its &lt;r&gt; runs, in order.</summary>
    public static void StringItem(PartReader part, StringBuilder text, Func<Exception> tooLong) => part.Children(() =>
    {
        if (part.IsStart("t")) part.AppendText(text, WorkbookLimits.MaxCellChars, tooLong);
        else if (part.IsStart("r")) part.Children(() =>
        {
            if (part.IsStart("t")) part.AppendText(text, WorkbookLimits.MaxCellChars, tooLong);
        });
    });

    public static WorkbookLimitException TooLong(string what) =>
        new(WorkbookLimit.CellLength, $"{what} is longer than {WorkbookLimits.MaxCellChars} characters, the most a cell holds.");
}

/// <summary>
/// Every shared string, kept on disk for the import (a 5 000 000-row workbook of text ids has 5 000 000 of them): the
/// UTF-8 texts one after the other in one file, their offsets in another, both deleted on close. Reads go through a
/// window on each file and a small cache, so a sheet that reads its strings in order (the usual case) costs a read
/// per window, and a repeated value (a note column) costs nothing.
/// </summary>
internal sealed class SharedStringTable : ISharedStrings, IDisposable
{
    private const int Window = 128 * 1024; // more than the longest cell takes in UTF-8 (3 × 32 767 bytes)
    private const int CacheSlots = 1024;
    private readonly FileStream _texts;
    private readonly FileStream _offsets;
    private readonly byte[] _offsetWindow = new byte[Window];
    private readonly byte[] _textWindow = new byte[Window];
    private long _offsetWindowAt = -1, _textWindowAt = -1;
    private int _offsetWindowLength, _textWindowLength;
    private readonly int[] _cachedIndex = new int[CacheSlots];
    private readonly string[] _cachedText = new string[CacheSlots];

    private SharedStringTable(FileStream texts, FileStream offsets)
    {
        (_texts, _offsets) = (texts, offsets);
        Array.Fill(_cachedIndex, -1);
    }

    public int Count { get; private set; }

    /// <summary>Reads the part into two files beside <paramref name="basePath"/> (the workbook's own folder: the spool).</summary>
    public static SharedStringTable Build(PartReader part, WorkbookLimits limits, string basePath)
    {
        var stem = $"{basePath}.{Guid.NewGuid():N}";
        var texts = Create(stem + ".strings");
        FileStream? offsets = null;
        try
        {
            offsets = Create(stem + ".offsets");
            var table = new SharedStringTable(texts, offsets);
            var number = new byte[8];
            long at = 0;
            var encoded = new byte[Encoding.UTF8.GetMaxByteCount(WorkbookLimits.MaxCellChars)];
            void Offset(long value)
            {
                BinaryPrimitives.WriteInt64LittleEndian(number, value);
                offsets.Write(number);
            }
            Offset(0);
            SharedStrings.Read(part, limits, (_, text) =>
            {
                var length = Encoding.UTF8.GetBytes(text, encoded);
                texts.Write(encoded, 0, length);
                at += length;
                Offset(at);
                table.Count++;
            });
            texts.Flush();
            offsets.Flush();
            return table;
        }
        catch
        {
            texts.Dispose();
            offsets?.Dispose();
            throw;
        }
    }

    private static FileStream Create(string path) =>
        new(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);

    public string Get(int index)
    {
        var slot = index & (CacheSlots - 1);
        if (_cachedIndex[slot] == index) return _cachedText[slot];
        Span<byte> bounds = stackalloc byte[16];
        Fill(_offsets.SafeFileHandle, _offsetWindow, ref _offsetWindowAt, ref _offsetWindowLength, index * 8L, bounds);
        var start = BinaryPrimitives.ReadInt64LittleEndian(bounds);
        var length = (int)(BinaryPrimitives.ReadInt64LittleEndian(bounds[8..]) - start);
        Span<byte> bytes = length <= 1024 ? stackalloc byte[length] : new byte[length];
        Fill(_texts.SafeFileHandle, _textWindow, ref _textWindowAt, ref _textWindowLength, start, bytes);
        var text = Encoding.UTF8.GetString(bytes);
        (_cachedIndex[slot], _cachedText[slot]) = (index, text);
        return text;
    }

    /// <summary>Copies the bytes at <paramref name="at"/> into <paramref name="into"/> through the window, moving it when they are outside.</summary>
    private static void Fill(SafeFileHandle file, byte[] window, ref long windowAt, ref int windowLength, long at, Span<byte> into)
    {
        if (windowAt < 0 || at < windowAt || at + into.Length > windowAt + windowLength)
        {
            windowAt = at;
            windowLength = RandomAccess.Read(file, window, at);
            if (windowLength < into.Length) throw new InvalidDataException("The shared strings table is shorter than its offsets say.");
        }
        window.AsSpan((int)(at - windowAt), into.Length).CopyTo(into);
    }

    public void Dispose()
    {
        _texts.Dispose();
        _offsets.Dispose();
    }
}

/// <summary>
/// At upload the shared strings are not kept: only the header's are (to find the user id column), and for the others
/// whether they are blank, one bit each (to find the first data row). Any other text stands in for a non-blank one.
/// </summary>
internal sealed class SharedStringBlanks : ISharedStrings
{
    private const string NotBlank = "?";
    private readonly List<ulong> _blank = [];
    private readonly Dictionary<int, string> _kept = [];

    public int Count { get; private set; }

    public static SharedStringBlanks Read(PartReader part, WorkbookLimits limits, IReadOnlySet<int> keep)
    {
        var table = new SharedStringBlanks();
        SharedStrings.Read(part, limits, (index, text) =>
        {
            if (index % 64 == 0) table._blank.Add(0);
            if (string.IsNullOrWhiteSpace(CellValues.Decode(text))) table._blank[index / 64] |= 1UL << (index % 64);
            if (keep.Contains(index)) table._kept[index] = text;
            table.Count++;
        });
        return table;
    }

    public string Get(int index) =>
        _kept.TryGetValue(index, out var text) ? text : (_blank[index / 64] & (1UL << (index % 64))) != 0 ? "" : NotBlank;
}
