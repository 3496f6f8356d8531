namespace PromotionEngine.Tabular;

/// <summary>
/// How much of an .xlsx workbook the server is willing to read. A workbook is a zip of XML parts, and a few hundred
/// kilobytes can unpack to gigabytes (one cell of 400 MB, a run of whitespace, rows in column XFD), so every part is
/// read through budgets that stop the reading the moment one is passed: what a part unpacks to, in total and per byte
/// of the file (measured while unpacking: zip headers can lie), the length of a cell and of a row, the columns read,
/// and the shape of the XML (depth, names, a run without any element). The per-row and ratio budgets come from the
/// module's options; the rest are fixed by what an honest workbook can hold.
/// </summary>
internal sealed record WorkbookLimits(long MaxPartBytes, int MaxCompressionRatio, int MaxSharedStrings)
{
    /// <summary>Excel's own limit for the text of one cell.</summary>
    public const int MaxCellChars = 32_767;

    /// <summary>Columns read (A to AMJ); cells further right are not read. A recipients file needs one, an order file five.</summary>
    public const int MaxColumns = 1_024;

    /// <summary>The text of one row, all columns together: the same bound as a CSV record.</summary>
    public const int MaxRowChars = TabularFile.MaxRecordBytes;

    /// <summary>Zip entries (an .xlsx has about ten) and the size of the zip's directory.</summary>
    public const int MaxParts = 10_000;
    public const int MaxDirectoryBytes = 4 * 1024 * 1024;

    /// <summary>XML: nesting depth, distinct element and attribute names, and unpacked bytes without a single node.</summary>
    public const int MaxDepth = 64;
    public const int MaxNames = 10_000;
    public const int MaxBytesWithoutNode = 1024 * 1024;

    /// <summary>The ratio is checked once a part has unpacked this much (tiny parts compress oddly).</summary>
    public const long RatioFloorBytes = 256 * 1024;

    public const long MinPartBytes = 64L * 1024 * 1024;

    /// <summary>The budgets for files of at most <paramref name="maxRows"/> rows of about <paramref name="bytesPerRow"/> bytes unpacked.</summary>
    public static WorkbookLimits ForRows(long maxRows, int bytesPerRow, int maxCompressionRatio) => new(
        Math.Max(MinPartBytes, maxRows * bytesPerRow),
        maxCompressionRatio,
        (int)Math.Clamp(maxRows * 4L, 1_000_000, int.MaxValue));
}

/// <summary>The stable names of the budgets, as the refusal's <c>limit</c> member gives them.</summary>
internal static class WorkbookLimit
{
    public const string UnpackedSize = "UNPACKED_SIZE";
    public const string CompressionRatio = "COMPRESSION_RATIO";
    public const string CellLength = "CELL_LENGTH";
    public const string RowLength = "ROW_LENGTH";
    public const string SharedStrings = "SHARED_STRINGS";
    public const string Structure = "WORKBOOK_STRUCTURE";
}

/// <summary>A workbook passed one of its reading budgets: reading stopped there.</summary>
internal sealed class WorkbookLimitException(string limit, string message) : UnreadableFileException(message)
{
    public string Limit { get; } = limit;
}
