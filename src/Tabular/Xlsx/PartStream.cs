namespace PromotionEngine.Tabular.Xlsx;

/// <summary>
/// One workbook part as it unpacks, counted against its budgets on every read: the bytes unpacked, their ratio to the
/// bytes the part has really taken from the file so far (zip headers can claim any packed size), and the bytes
/// unpacked since the XML reader last produced a node (whitespace, an attribute, any token the parser would otherwise
/// accumulate whole). The first budget passed stops the reading with a <see cref="WorkbookLimitException"/>.
/// </summary>
internal sealed class PartStream(Stream inner, XlsxPackage.CountingStream file, string part, WorkbookLimits limits) : Stream
{
    private readonly long _packedStart = file.BytesRead;
    private long _unpacked;
    private long _sinceNode;

    /// <summary>The XML reader produced a node (or a piece of a long value): the reading is making progress.</summary>
    public void Progress() => _sinceNode = 0;

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

    private int Counted(int read)
    {
        _unpacked += read;
        _sinceNode += read;
        var packed = Math.Max(1, file.BytesRead - _packedStart);
        if (_unpacked > WorkbookLimits.RatioFloorBytes && _unpacked > (double)limits.MaxCompressionRatio * packed) throw TooCompressed(part, limits);
        if (_unpacked > limits.MaxPartBytes) throw TooLarge(part, limits);
        if (_sinceNode > WorkbookLimits.MaxBytesWithoutNode)
            throw new WorkbookLimitException(WorkbookLimit.Structure,
                $"The workbook part {part} holds a run of more than {WorkbookLimits.MaxBytesWithoutNode} bytes without any element " +
                "(whitespace, or one endless token).");
        return read;
    }

    public static WorkbookLimitException TooLarge(string part, WorkbookLimits limits) => new(WorkbookLimit.UnpackedSize,
        $"The workbook part {part} unpacks to more than {limits.MaxPartBytes} bytes, the most read for one part.");

    public static WorkbookLimitException TooCompressed(string part, WorkbookLimits limits) => new(WorkbookLimit.CompressionRatio,
        $"The workbook part {part} unpacks to more than {limits.MaxCompressionRatio} times its size in the file (a zip bomb, not a spreadsheet).");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _unpacked; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
