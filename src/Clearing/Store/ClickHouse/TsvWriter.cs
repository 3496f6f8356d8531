using System.Globalization;
using System.Text;

namespace PromotionEngine.Clearing.Store.ClickHouse;

/// <summary>
/// Rows in ClickHouse's TabSeparated format: columns split by tabs, rows ended by a newline, NULL as \N, and in strings the
/// backslash, tab, newline and carriage return escaped, so no value can end its column or row early.
/// </summary>
internal sealed class TsvWriter : IDisposable, IAsyncDisposable
{
    private readonly StreamWriter _writer;
    private bool _rowStarted;

    public TsvWriter(Stream stream) =>
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16, leaveOpen: true);

    public TsvWriter Int(long value)
    {
        Separate();
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
        _writer.Write(digits[..written]);
        return this;
    }

    public TsvWriter Int(long? value) => value is { } v ? Int(v) : Null();

    public TsvWriter Str(string? value)
    {
        if (value is null) return Null();
        Separate();
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': _writer.Write(@"\\"); break;
                case '\t': _writer.Write(@"\t"); break;
                case '\n': _writer.Write(@"\n"); break;
                case '\r': _writer.Write(@"\r"); break;
                default: _writer.Write(c); break;
            }
        }
        return this;
    }

    public TsvWriter Uuid(Guid value)
    {
        Separate();
        Span<char> text = stackalloc char[36];
        value.TryFormat(text, out _, "D");
        _writer.Write(text);
        return this;
    }

    public TsvWriter Day(DateOnly value)
    {
        Separate();
        Span<char> text = stackalloc char[10];
        value.TryFormat(text, out _, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        _writer.Write(text);
        return this;
    }

    public TsvWriter Day(DateOnly? value) => value is { } v ? Day(v) : Null();

    public void EndRow()
    {
        _writer.Write('\n');
        _rowStarted = false;
    }

    public void Dispose() => _writer.Dispose();

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private TsvWriter Null()
    {
        Separate();
        _writer.Write(@"\N");
        return this;
    }

    private void Separate()
    {
        if (_rowStarted) _writer.Write('\t');
        _rowStarted = true;
    }
}
