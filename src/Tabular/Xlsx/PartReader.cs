using System.Text;
using System.Xml;

namespace PromotionEngine.Tabular.Xlsx;

/// <summary>
/// Walks one part's XML node by node, never in bulk: every node moves the reading forward under the depth limit,
/// skipped elements are walked too (XmlReader.Skip would descend without limits), and text is taken in chunks
/// (ReadValueChunk), so a value is refused at its limit instead of being built whole first.
/// </summary>
internal sealed class PartReader(XmlReader xml, PartStream stream) : IDisposable
{
    public const string MainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    public const string StrictNamespace = "http://purl.oclc.org/ooxml/spreadsheetml/main";
    private readonly char[] _chunk = new char[4096];

    public XmlReader Xml => xml;

    public bool Read()
    {
        if (!xml.Read()) return false;
        stream.Progress();
        if (xml.Depth > WorkbookLimits.MaxDepth)
            throw new WorkbookLimitException(WorkbookLimit.Structure, $"A workbook part nests elements more than {WorkbookLimits.MaxDepth} deep.");
        return true;
    }

    /// <summary>Moves to the document's root element; false when there is none.</summary>
    public bool ReadRoot()
    {
        while (Read())
        {
            if (xml.NodeType == XmlNodeType.Element) return true;
        }
        return false;
    }

    /// <summary>On the start of a SpreadsheetML element named <paramref name="name"/> (transitional or strict).</summary>
    public bool IsStart(string name) =>
        xml.NodeType == XmlNodeType.Element && xml.LocalName == name && xml.NamespaceURI is MainNamespace or StrictNamespace;

    /// <summary>Reads the children of the element the reader is on, calling <paramref name="child"/> on each child element's start.</summary>
    public void Children(Action child)
    {
        if (xml.IsEmptyElement) return;
        var depth = xml.Depth;
        while (Read())
        {
            if (xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth) return;
            if (xml.NodeType == XmlNodeType.Element && xml.Depth == depth + 1)
            {
                child();
                // Whatever the handler did not read of the child is walked past here.
                if (xml.NodeType == XmlNodeType.Element && xml.Depth == depth + 1) Skip();
            }
        }
    }

    /// <summary>Walks past the element the reader is on, to its end.</summary>
    public void Skip()
    {
        if (xml.NodeType != XmlNodeType.Element || xml.IsEmptyElement) return;
        var depth = xml.Depth;
        while (Read())
        {
            if (xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth) return;
        }
    }

    /// <summary>
    /// Appends the text content of the element the reader is on (text, CDATA, significant whitespace), leaving the reader
    /// on its end; more than <paramref name="max"/> characters in <paramref name="text"/> throws <paramref name="tooLong"/>'s
    /// exception. A child element is an error, as for XmlReader.ReadElementContentAsString.
    /// </summary>
    public void AppendText(StringBuilder text, int max, Func<Exception> tooLong)
    {
        if (xml.IsEmptyElement) return;
        var depth = xml.Depth;
        while (Read())
        {
            switch (xml.NodeType)
            {
                case XmlNodeType.EndElement when xml.Depth == depth:
                    return;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace:
                    int read;
                    while ((read = xml.ReadValueChunk(_chunk, 0, _chunk.Length)) > 0)
                    {
                        if (text.Length + read > max) throw tooLong();
                        text.Append(_chunk, 0, read);
                        stream.Progress();
                    }
                    break;
                case XmlNodeType.Element:
                    throw new XmlException($"The element '{xml.LocalName}' is not expected inside a value.");
            }
        }
    }

    public void Dispose() => xml.Dispose();
}
