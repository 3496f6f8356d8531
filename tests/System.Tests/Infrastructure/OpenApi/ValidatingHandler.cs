using System.Text;
using Xunit.Sdk;

namespace PromotionEngine.System.Tests.Infrastructure.OpenApi;

/// <summary>
/// Sits in every HttpClient the system tests use (EngineApp.CreateClient, HostProcess.CreateClient) and checks each answer
/// against the OpenAPI document (<see cref="ApiContract"/>): a violation fails the request, and so the test that made it,
/// naming method, path, status and what is wrong; with PROMO_OPENAPI_VALIDATION=record it is only counted
/// (<see cref="ValidationReport"/>). Garbage sent on purpose (the fuzzer, the malformed-request tests) gets its answer
/// checked too: a refusal must be declared like any other answer.
/// </summary>
public sealed class ValidatingHandler : DelegatingHandler
{
    /// <summary>
    /// Not the API: what the tests deliberately read outside the document. Each is a path, or a prefix of paths, and why.
    /// </summary>
    public static readonly IReadOnlyList<string> NotTheApi =
    [
        "/health", // liveness and readiness (/health, /health/live, /health/ready): for orchestrators, on the management port
        "/metrics", // the Prometheus scrape, on the management port
        "/openapi", // the document itself
        "/scalar", // the document's browsable UI
        "/api/v1/ping", // the benchmarks' no-op ceiling, left out of the document on purpose (ExcludeFromDescription)
    ];

    /// <summary>
    /// Set on a request for a route this process does not serve (a role split): the router's 404 is not an answer of the
    /// API the document describes, so it is left out like <see cref="NotTheApi"/>; the test asserts the 404 itself.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> NotServedHere = new("promotion-engine.not-served-here");

    private const int BodyShown = 600;

    private readonly ApiContract? _contract;
    private readonly ValidationReport _report;
    private readonly ValidationMode _mode;

    /// <summary>Against the committed document, adding to the suite's report, in the mode PROMO_OPENAPI_VALIDATION sets.</summary>
    public ValidatingHandler() : this(null, ValidationReport.Suite, ValidationReport.ModeFromEnvironment()) { }

    public ValidatingHandler(ApiContract? contract, ValidationReport report, ValidationMode mode)
    {
        _contract = contract;
        _report = report;
        _mode = mode;
    }

    public static bool IsNotTheApi(string path) =>
        NotTheApi.Any(p => path.Equals(p, StringComparison.Ordinal) || path.StartsWith(p + "/", StringComparison.Ordinal));

    /// <summary>
    /// A handler chain for a client of a real server (a HostProcess): this check over a plain socket handler. A request that
    /// says Expect: 100-continue waits for the server's answer before it sends its body, however busy the machine: the default
    /// (1 s) sent a 31 MB body into a 413 under load and failed on the closed connection.
    /// </summary>
    public static HttpMessageHandler OverSockets() =>
        new ValidatingHandler { InnerHandler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) } };

    /// <summary>
    /// This check over sockets that leave from <paramref name="source"/> (loopback is all of 127.0.0.0/8): a client address of
    /// the test's own, for what the server or a gateway decides by the client's address.
    /// </summary>
    public static HttpMessageHandler OverSocketsFrom(string source) => new ValidatingHandler { InnerHandler = SocketsFrom(source) };

    /// <summary>Sockets that leave from <paramref name="source"/>, unchecked: for stand-ins that are not the API.</summary>
    public static SocketsHttpHandler SocketsFrom(string source) => new()
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new global::System.Net.Sockets.Socket(
                global::System.Net.Sockets.SocketType.Stream, global::System.Net.Sockets.ProtocolType.Tcp);
            socket.Bind(new global::System.Net.IPEndPoint(global::System.Net.IPAddress.Parse(source), 0));
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new global::System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        },
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (IsNotTheApi(path) || (request.Options.TryGetValue(NotServedHere, out var notServed) && notServed))
        {
            _report.AddNotTheApi();
            return response;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken); // the test reads the same bytes afterwards
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var answer = new Answer(request.Method.Method, path, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
        var verdict = (_contract ?? ApiContract.Committed).Judge(answer);
        if (verdict.Conforms)
        {
            _report.Add(verdict, "");
            return response;
        }

        var message = Describe(answer, verdict);
        _report.Add(verdict, message);
        if (_mode == ValidationMode.Record) return response;
        response.Dispose();
        throw new DocumentViolationException(message);
    }

    private static string Describe(Answer answer, Verdict verdict)
    {
        var text = Encoding.UTF8.GetString(answer.Body);
        if (text.Length > BodyShown) text = text[..BodyShown] + $"… ({answer.Body.Length} bytes)";
        return $"{answer.Method} {answer.Path} answered {answer.Status} {answer.MediaType ?? "(no content type)"}, against the OpenAPI document " +
            $"(operation {verdict.Operation}): {verdict.Kind}: {verdict.Detail}. Body: {text}";
    }
}

/// <summary>An answer the OpenAPI document does not allow (PROMO_OPENAPI_VALIDATION=record only counts them).</summary>
public sealed class DocumentViolationException(string message)
    : XunitException(message + $" (docs/openapi/v1.json is the document; {ValidationReport.ModeVariable}=record only counts violations)");
