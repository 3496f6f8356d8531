using System.Text;

namespace PromotionEngine.System.Tests.Fuzz;

/// <summary>The mutations of multipart bodies: missing, repeated and broken parts.</summary>
internal static partial class Mutations
{
    private static IEnumerable<(string, Func<FuzzRequest>)> FormCases(SeedRequest seed)
    {
        var parts = seed.Form!;
        var type = FormPart.ContentTypeFor(Boundary);
        var valid = FormPart.Render(parts, Boundary);
        (string, Func<FuzzRequest>) Raw(string what, Func<byte[]> body, string? contentType = null) =>
            (what, () => Build(seed, what, body: body(), contentType: contentType ?? type));
        (string, Func<FuzzRequest>) Parts(string what, Func<IEnumerable<FormPart>> with) =>
            (what, () => Build(seed, what, body: FormPart.Render(with(), Boundary), contentType: type));

        yield return Raw("multipart without a boundary", () => valid, "multipart/form-data");
        yield return Raw("multipart with another boundary", () => valid, FormPart.ContentTypeFor("not-the-boundary"));
        yield return Raw(
            "multipart boundary of 200 characters", () => FormPart.Render(parts, new string('b', 200)),
            FormPart.ContentTypeFor(new string('b', 200)));
        yield return Raw("multipart boundary empty quotes", () => valid, "multipart/form-data; boundary=\"\"");
        yield return Raw("multipart empty body", () => []);
        yield return Raw("multipart without the closing boundary", () => FormPart.Render(parts, Boundary, close: false));
        yield return Raw("multipart cut in the middle", () => valid[..(valid.Length / 2)]);
        yield return Raw("multipart garbage", () => [0xFF, 0x00, 0x2D, 0x2D, 0x0D, 0x0A, 0xC3]);
        yield return Raw("multipart only a preamble", () => "just some text\r\n"u8.ToArray());
        yield return Raw("multipart closing boundary only", () => Encoding.UTF8.GetBytes($"--{Boundary}--\r\n"));
        yield return Raw("multipart part without Content-Disposition", () =>
            Encoding.UTF8.GetBytes($"--{Boundary}\r\nContent-Type: text/plain\r\n\r\nhello\r\n--{Boundary}--\r\n"));
        yield return Raw("multipart header line without a colon", () =>
            Encoding.UTF8.GetBytes($"--{Boundary}\r\nContent-Disposition form-data name=file\r\n\r\nhello\r\n--{Boundary}--\r\n"));
        yield return Raw("multipart header of 20000 bytes", () =>
            Encoding.UTF8.GetBytes(
                $"--{Boundary}\r\nContent-Disposition: form-data; name=\"{new string('n', 20_000)}\"\r\n\r\nx\r\n--{Boundary}--\r\n"));
        yield return Raw("multipart 5000 parts", () =>
            FormPart.Render(parts.Concat(Enumerable.Range(0, 5000).Select(i => FormPart.Text("extra" + i, "x"))), Boundary));
        yield return Raw("multipart name with a quote and CRLF", () =>
            Encoding.UTF8.GetBytes(
                $"--{Boundary}\r\nContent-Disposition: form-data; name=\"a\"b\"; filename*=UTF-8''%FF%FE\r\n\r\nx\r\n--{Boundary}--\r\n"));
        yield return Raw("multipart section headers in invalid UTF-8", () =>
            [
                .. Encoding.UTF8.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\""), 0xFF, 0xC3,
                .. Encoding.UTF8.GetBytes($"\"\r\n\r\nx\r\n--{Boundary}--\r\n"),
            ]);

        foreach (var part in parts.Select(p => p.Name).Distinct())
        {
            yield return Parts($"form {part} missing", () => parts.Where(p => p.Name != part));
            yield return Parts($"form {part} twice", () => parts.Concat(parts.Where(p => p.Name == part)));
        }
        var textFields = parts.Where(p => p.FileName is null).Select(p => p.Name).Distinct().ToList();
        string[] fieldValues =
        [
            "", " ", "abc", "-1", "0", "+1", " 1", "9223372036854775808", "1.5", "\u0000", "\u001b", "\u202Eevil", new string('x', 5000),
            "2026-06-01T00:00:00", "9999-12-31T23:59:59Z", "IN_APP,IN_APP", "sms", "FAX", "\ud800",
        ];
        foreach (var field in textFields.Concat(["startAt", "notify"]).Distinct())
        {
            foreach (var value in fieldValues)
            {
                var what = $"form {field} = {Short(value)}";
                yield return Parts(what, () => parts.Where(p => p.Name != field).Append(FormPart.Text(field, value)));
            }
            yield return Parts(
                $"form {field} invalid UTF-8", () => parts.Where(p => p.Name != field).Append(new FormPart(field, [0xC3, 0x28, 0xFF])));
        }
        yield return Parts("form unknown field", () => parts.Append(FormPart.Text("fuzzUnknown", "1")));

        var file = parts.FirstOrDefault(p => p.FileName is not null);
        if (file is null) yield break;
        var name = file.Name;
        IEnumerable<FormPart> WithFile(FormPart replacement) => parts.Where(p => p.Name != name).Append(replacement);
        var files = new (string What, FormPart Part)[]
        {
            ("file empty", file with { Content = [] }),
            ("file as a plain field", new FormPart(name, file.Content)),
            ("file binary garbage", file with { Content = [0x00, 0xFF, 0x13, 0x37, 0x00, 0x80] }),
            ("file a broken zip", file with { Content = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0xFF, 0xFF], FileName = "recipients.xlsx" }),
            ("file header only", file with { Content = "userId\n"u8.ToArray() }),
            ("file without a user id column", file with { Content = "phone,name\n1,a\n"u8.ToArray() }),
            ("file invalid UTF-8", file with { Content = [.. "userId\n1"u8.ToArray(), 0xC3, 0x28, 0xFF, 0x0A] }),
            ("file one line of 2 MiB", file with { Content = Encoding.UTF8.GetBytes("userId\n" + new string('1', 2 << 20) + "\n") }),
            ("file with odd user ids", file with { Content = "userId\n-1\n0\n9223372036854775808\nabc\n 5 \n1e3\n\"7\"\n\u202E8\n"u8.ToArray() }),
            ("file with an unterminated quote", file with { Content = "userId\n\"1\n2\n"u8.ToArray() }),
            ("file name with a path", file with { FileName = "../../etc/passwd.csv" }),
            ("file name of 5000 characters", file with { FileName = new string('f', 5000) + ".csv" }),
            ("file name with control characters", file with { FileName = "a\u0001\u202Eb.csv" }),
            ("file name empty", file with { FileName = "" }),
            ("file content type xlsx with CSV content",
                file with { ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }),
        };
        foreach (var (what, part) in files) yield return Parts(what, () => WithFile(part));
    }
}
