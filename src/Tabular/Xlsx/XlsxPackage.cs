using System.Buffers.Binary;
using System.IO.Compression;
using System.Xml;

namespace PromotionEngine.Tabular.Xlsx;

/// <summary>
/// An .xlsx file opened as a zip, each part read through <see cref="PartStream"/>'s budgets and an XmlReader that
/// cannot be made to grow without bound. The zip's directory is checked before .NET reads it (a directory of a
/// million entries would be parsed whole), each part's declared sizes before it is opened, and its real sizes
/// while it unpacks.
/// </summary>
internal sealed class XlsxPackage : IDisposable
{
    private const uint EndOfDirectory = 0x06054B50, Zip64Locator = 0x07064B50, Zip64EndOfDirectory = 0x06064B50;
    private readonly ZipArchive _zip;
    private readonly CountingStream _file;
    private readonly Dictionary<string, ZipArchiveEntry> _entries = new(StringComparer.OrdinalIgnoreCase);

    private XlsxPackage(ZipArchive zip, CountingStream file, WorkbookLimits limits)
    {
        (_zip, _file, Limits) = (zip, file, limits);
        foreach (var entry in zip.Entries) _entries.TryAdd(entry.FullName.Replace('\\', '/'), entry);
    }

    public WorkbookLimits Limits { get; }

    public IEnumerable<ZipArchiveEntry> Entries => _zip.Entries;

    public static XlsxPackage Open(string path, WorkbookLimits limits)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        try
        {
            CheckDirectory(file);
            var counting = new CountingStream(file);
            return new XlsxPackage(new ZipArchive(counting, ZipArchiveMode.Read, leaveOpen: false), counting, limits);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public ZipArchiveEntry? Find(string name) => _entries.GetValueOrDefault(name);

    /// <summary>
    /// Opens a part for reading, refusing it at once when its declared sizes pass the budgets. Whitespace between elements
    /// is dropped, except in the shared strings (<paramref name="keepWhitespace"/>), where a blank &lt;t&gt; keeps its spaces.
    /// </summary>
    public PartReader Read(ZipArchiveEntry entry, bool keepWhitespace = false)
    {
        if (entry.Length > WorkbookLimits.RatioFloorBytes && entry.Length > (double)Limits.MaxCompressionRatio * Math.Max(1, entry.CompressedLength))
            throw PartStream.TooCompressed(entry.FullName, Limits);
        if (entry.Length > Limits.MaxPartBytes)
            throw PartStream.TooLarge(entry.FullName, Limits);
        var stream = new PartStream(entry.Open(), _file, entry.FullName, Limits);
        try
        {
            return new PartReader(XmlReader.Create(stream, Settings(keepWhitespace)), stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public void Dispose() => _zip.Dispose();

    private static XmlReaderSettings Settings(bool keepWhitespace) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit, // and so no entity expansion beyond the predefined ones
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = !keepWhitespace,
        IgnoreProcessingInstructions = true,
        NameTable = new BoundedNameTable(WorkbookLimits.MaxNames),
        CloseInput = true,
    };

    /// <summary>The end-of-directory record (and its zip64 form) says how many entries there are and how large the directory is.</summary>
    private static void CheckDirectory(FileStream file)
    {
        var length = file.Length;
        var tail = (int)Math.Min(length, 22 + ushort.MaxValue);
        var buffer = new byte[tail];
        file.Position = length - tail;
        file.ReadExactly(buffer);
        for (var i = tail - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i)) != EndOfDirectory) continue;
            ulong entries = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(i + 10));
            ulong size = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i + 12));
            if ((entries == ushort.MaxValue || size == uint.MaxValue) && i >= 20
                && BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i - 20)) == Zip64Locator)
            {
                var at = (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(i - 20 + 8));
                var record = new byte[56];
                if (at < 0 || at > length - record.Length) break;
                file.Position = at;
                file.ReadExactly(record);
                if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndOfDirectory) break;
                entries = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32));
                size = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(40));
            }
            if (entries > WorkbookLimits.MaxParts || size > WorkbookLimits.MaxDirectoryBytes)
                throw new WorkbookLimitException(WorkbookLimit.Structure,
                    $"The workbook's zip directory lists {entries} parts in {size} bytes; " +
                    $"at most {WorkbookLimits.MaxParts} parts in {WorkbookLimits.MaxDirectoryBytes} bytes are read.");
            break;
        }
        file.Position = 0; // without an end record the zip reader itself says the file is not a zip
    }

    /// <summary>Counts the bytes read from the file: what a part has really taken of it so far, whatever its headers say.</summary>
    internal sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

        private int Counted(int read)
        {
            BytesRead += read;
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A name table that refuses to grow past a number of distinct names (XmlReader keeps every name it meets).</summary>
    private sealed class BoundedNameTable(int capacity) : XmlNameTable
    {
        private readonly NameTable _names = new();
        private int _count;

        public override string Add(char[] array, int offset, int length) =>
            _names.Get(array, offset, length) ?? Counted(_names.Add(array, offset, length));

        public override string Add(string array) => _names.Get(array) ?? Counted(_names.Add(array));

        public override string? Get(char[] array, int offset, int length) => _names.Get(array, offset, length);

        public override string? Get(string array) => _names.Get(array);

        private string Counted(string name) => ++_count <= capacity ? name
            : throw new WorkbookLimitException(WorkbookLimit.Structure, $"A workbook part uses more than {capacity} distinct XML names.");
    }
}
