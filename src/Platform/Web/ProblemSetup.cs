using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Net.Http.Headers;

namespace PromotionEngine.Platform.Web;

/// <summary>
/// Every error the framework itself produces (no token, wrong role, malformed JSON, unknown route, a bug)
/// is problem+json with a stable code too, like the modules' own refusals.
/// </summary>
internal static partial class ProblemSetup
{
    public static IServiceCollection AddPromotionProblems(this IServiceCollection services)
    {
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // so malformed bodies reach the handler below
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString;
            o.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
            // "stock": 1000000000000, "stock": 5 must not quietly become 5: a member given twice is refused, at any depth
            // (JsonElement bodies and payloads included).
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.Converters.Add(new StrictTimeConverter());
            o.SerializerOptions.Converters.Add(new ReadableJsonConverter());
        });
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (problem.Extensions.ContainsKey("code")) return;
            var code = FrameworkCode(problem.Status);
            (problem.Extensions["code"], problem.Type, problem.Title) = (code.Code, code.Type, code.Code);
            problem.Detail ??= code.Meaning; // the framework says no more than its status
        });
        // After the default writer, which declines clients whose Accept names no JSON type (a browser's text/html):
        // they get problem+json too, rather than an exception from the writer and an empty 500.
        services.AddSingleton<IProblemDetailsWriter, AnyClientProblemWriter>();
        services.AddExceptionHandler<BadRequestHandler>();
        return services;
    }

    /// <summary>The code of a problem the framework made (no token, wrong role, no route, a bug), by its status.</summary>
    public static Kernel.ErrorCode FrameworkCode(int? status) => status switch
    {
        400 => Kernel.ErrorCodes.MalformedRequest,
        401 => Kernel.ErrorCodes.Unauthenticated,
        403 => Kernel.ErrorCodes.Forbidden,
        404 => Kernel.ErrorCodes.NotFound,
        405 => Kernel.ErrorCodes.MethodNotAllowed,
        413 => Kernel.ErrorCodes.RequestTooLarge,
        415 => Kernel.ErrorCodes.UnsupportedMediaType,
        _ => Kernel.ErrorCodes.InternalError,
    };

    /// <summary>Writes problem+json whatever the client's Accept header says; the last writer asked.</summary>
    private sealed class AnyClientProblemWriter(Microsoft.Extensions.Options.IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
    {
        public bool CanWrite(ProblemDetailsContext context) => true;

        public ValueTask WriteAsync(ProblemDetailsContext context)
        {
            var http = context.HttpContext;
            context.ProblemDetails.Status ??= http.Response.StatusCode;
            context.ProblemDetails.Extensions.TryAdd("traceId", System.Diagnostics.Activity.Current?.Id ?? http.TraceIdentifier);
            options.Value.CustomizeProblemDetails?.Invoke(context);
            return new ValueTask(http.Response.WriteAsJsonAsync(context.ProblemDetails, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails),
                (JsonSerializerOptions?)null, "application/problem+json", http.RequestAborted));
        }
    }

    /// <summary>
    /// A body that is not the JSON the endpoint expects: 400 naming the field, nothing changed. A JSON body in a charset
    /// that is no known encoding: 415 (the framework throws a plain InvalidOperationException for it, before any handler ran).
    /// </summary>
    private sealed partial class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
        {
            if (exception is InvalidOperationException && UnknownCharset(http.Request) is { } charset)
                return await WriteAsync(
                    http, exception, 415, $"The body's charset '{charset}' is not an encoding this API reads: send UTF-8 JSON.", null);
            if (exception is not BadHttpRequestException bad) return false;
            var json = FindJsonError(bad);
            var field = json is not null ? FieldOf(json) : ParameterOf(bad);
            var detail = json is not null ? "The body is not valid JSON for this request" + (field is null ? "."
                    : json.Message.StartsWith("Duplicate property", StringComparison.Ordinal) ? $": member '{field}' is given more than once."
                    : $": field '{field}' has the wrong type or is unknown.")
                : bad.Message;
            return await WriteAsync(http, exception, bad.StatusCode, detail, field);
        }

        private async ValueTask<bool> WriteAsync(HttpContext http, Exception exception, int status, string detail, string? field)
        {
            var code = status switch
            {
                413 => Kernel.ErrorCodes.RequestTooLarge, // a body over the server's request size limit
                415 => Kernel.ErrorCodes.UnsupportedMediaType,
                _ => Kernel.ErrorCodes.MalformedRequest,
            };
            http.Response.StatusCode = status;
            var context = new ProblemDetailsContext
            {
                HttpContext = http,
                Exception = exception,
                ProblemDetails = { Status = status, Title = code.Code, Type = code.Type, Detail = detail },
            };
            context.ProblemDetails.Extensions["code"] = code.Code;
            if (field is not null) context.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
            return await problems.TryWriteAsync(context);
        }

        /// <summary>
        /// The member at fault: the reader's path, and for a member given twice its name too (inside a JsonElement the path
        /// stops at the element, so the name comes from the message: "Duplicate property 'name' encountered …").
        /// </summary>
        private static string? FieldOf(JsonException? json)
        {
            if (json is null) return null;
            var path = json.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "";
            var duplicate = DuplicateMember().Match(json.Message);
            if (duplicate.Success)
            {
                var name = duplicate.Groups["name"].Value;
                if (!path.EndsWith(name, StringComparison.Ordinal)) path = path.Length == 0 ? name : path + "." + name;
            }
            return path.Length == 0 ? null : path;
        }

        /// <summary>
        /// A query, route or header value that cannot bind ("limit=abc"): the framework says which parameter only in its message
        /// ("Failed to bind parameter \"Nullable&lt;int&gt; limit\" from \"abc\"."), so the name is read from there.
        /// </summary>
        private static string? ParameterOf(BadHttpRequestException bad) =>
            UnboundParameter().Match(bad.Message) is { Success: true } m ? m.Groups["name"].Value : null;

        [System.Text.RegularExpressions.GeneratedRegex("^(Failed to bind parameter|Required parameter) \"[^\"]* (?<name>[^\" ]+)\"")]
        private static partial System.Text.RegularExpressions.Regex UnboundParameter();

        [System.Text.RegularExpressions.GeneratedRegex("^Duplicate property '(?<name>[^']*)'")]
        private static partial System.Text.RegularExpressions.Regex DuplicateMember();

        private static JsonException? FindJsonError(Exception e)
        {
            for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
                if (inner is JsonException json) return json;
            return null;
        }

        /// <summary>The request's charset parameter when it names no encoding .NET knows; null when there is none or it is known.</summary>
        private static string? UnknownCharset(HttpRequest request)
        {
            if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
                || HeaderUtilities.RemoveQuotes(media.Charset).Value is not { Length: > 0 } charset)
                return null;
            try
            {
                Encoding.GetEncoding(charset);
                return null;
            }
            catch (ArgumentException)
            {
                return charset;
            }
        }
    }
}
