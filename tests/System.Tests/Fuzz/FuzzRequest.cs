using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace PromotionEngine.System.Tests.Fuzz;

/// <summary>Whose token a fuzzed request carries.</summary>
internal enum Credentials
{
    /// <summary>A valid token of the role the operation serves.</summary>
    RightRole,
    /// <summary>A valid token of another role.</summary>
    WrongRole,
    None,
    /// <summary>A bearer value that is not a token at all.</summary>
    Garbage,
    /// <summary>A well-formed token signed with a key the app does not trust.</summary>
    ForeignKey,
}

/// <summary>One request the fuzzer sends: exactly what goes on the wire, and what was varied to get it.</summary>
internal sealed record FuzzRequest
{
    public required ApiOperation Operation { get; init; }

    /// <summary>What differs from the operation's seed request, e.g. <c>body.stock = 9223372036854775808</c>.</summary>
    public required string Mutation { get; init; }

    public required string Method { get; init; }

    /// <summary>Path and query as sent, already percent-encoded.</summary>
    public required string Target { get; init; }

    public Credentials Credentials { get; init; } = Credentials.RightRole;
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
    public byte[]? Body { get; init; }

    /// <summary>The Content-Type header of the body, sent as given (null: none).</summary>
    public string? ContentType { get; init; }

    public HttpRequestMessage ToMessage(Func<Credentials, string?> bearer)
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), new Uri(Target, UriKind.Relative));
        if (bearer(Credentials) is { } token) message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        foreach (var (name, value) in Headers) message.Headers.TryAddWithoutValidation(name, value);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }
        return message;
    }

    /// <summary>
    /// The request as an HTTP message a person can replay (bodies cut at 600 characters, bytes that are not printable
    /// ASCII escaped).
    /// </summary>
    public string Describe(string? role)
    {
        var text = new StringBuilder();
        text.Append(Method).Append(' ').Append(Target).AppendLine();
        text.Append("Authorization: ").AppendLine(Credentials switch
        {
            Credentials.RightRole => $"Bearer <{role} token>",
            Credentials.WrongRole => "Bearer <token of another role>",
            Credentials.None => "(none)",
            Credentials.Garbage => "Bearer <not a token>",
            _ => "Bearer <token signed with an untrusted key>",
        });
        foreach (var (name, value) in Headers) text.Append(name).Append(": ").AppendLine(Printable(Encoding.UTF8.GetBytes(value), 200));
        if (Body is null) return text.ToString();
        text.Append("Content-Type: ").AppendLine(ContentType is null ? "(none)" : Printable(Encoding.UTF8.GetBytes(ContentType), 200));
        text.AppendLine().Append(Printable(Body, 600));
        return text.ToString();
    }

    private static string Printable(byte[] bytes, int max)
    {
        var text = new StringBuilder();
        foreach (var b in bytes.Take(max))
        {
            if (b is >= 0x20 and < 0x7f or (byte)'\n') text.Append((char)b);
            else text.Append("\\x").Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        if (bytes.Length > max) text.Append($"… ({bytes.Length} bytes in all)");
        return text.ToString();
    }
}

/// <summary>A multipart/form-data body as parts, so the fuzzer can drop, repeat or break any of them.</summary>
internal sealed record FormPart(string Name, byte[] Content, string? FileName = null, string? ContentType = null)
{
    public static FormPart Text(string name, string value) => new(name, Encoding.UTF8.GetBytes(value));

    public static byte[] Render(IEnumerable<FormPart> parts, string boundary, bool close = true)
    {
        using var body = new MemoryStream();
        void Write(string s) => body.Write(Encoding.UTF8.GetBytes(s));
        foreach (var part in parts)
        {
            Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"{part.Name}\"");
            if (part.FileName is not null) Write($"; filename=\"{part.FileName}\"");
            Write("\r\n");
            if (part.ContentType is not null) Write($"Content-Type: {part.ContentType}\r\n");
            Write("\r\n");
            body.Write(part.Content);
            Write("\r\n");
        }
        if (close) Write($"--{boundary}--\r\n");
        return body.ToArray();
    }

    public static string ContentTypeFor(string boundary) => new MediaTypeHeaderValue("multipart/form-data")
    {
        Parameters = { new NameValueHeaderValue("boundary", boundary) },
    }.ToString();
}
