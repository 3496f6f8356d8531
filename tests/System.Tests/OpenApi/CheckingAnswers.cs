using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Infrastructure.OpenApi;

namespace PromotionEngine.System.Tests.OpenApi;

/// <summary>
/// The check every system test's client makes (<see cref="ValidatingHandler"/>), on a small document of its own and canned
/// answers: what it refuses, what it names when it does, and what it lets through.
/// </summary>
public sealed partial class CheckingAnswers
{
    private const string Document = """
        {
          "openapi": "3.1.1",
          "info": { "title": "t", "version": "1" },
          "paths": {
            "/api/v1/templates/{id}": {
              "get": {
                "responses": {
                  "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Template" } } } },
                  "4XX": { "$ref": "#/components/responses/Problem" }
                }
              },
              "delete": { "responses": { "204": { "description": "gone" } } }
            },
            "/api/v1/templates/search": {
              "get": { "responses": { "200": { "description": "ok", "content": { "text/csv": { "schema": { "type": "string" } } } } } }
            },
            "/api/v1/templates": {
              "post": { "responses": { "default": { "$ref": "#/components/responses/Problem" } } }
            }
          },
          "components": {
            "schemas": {
              "Template": {
                "type": "object",
                "required": ["id", "status", "validFrom"],
                "properties": {
                  "id": { "type": "string", "pattern": "^[1-9][0-9]*$" },
                  "status": { "$ref": "#/components/schemas/Status" },
                  "validFrom": { "type": "string", "format": "date-time" },
                  "name": { "type": ["string", "null"] }
                }
              },
              "Status": { "type": "string", "enum": ["ACTIVE", "ENDED"] },
              "Problem": {
                "type": "object",
                "required": ["status", "code"],
                "properties": { "status": { "type": "integer" }, "code": { "type": "string" } }
              }
            },
            "responses": {
              "Problem": {
                "description": "refused",
                "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
              }
            }
          }
        }
        """;

    private const string AGoodTemplate = """{"id":"9007199254740993","status":"ACTIVE","validFrom":"2025-01-01T00:00:00+08:00","name":"满减"}""";

    private static readonly ApiContract Contract = new(Document);

    private readonly ValidationReport _report = new();

    private HttpClient Client(HttpStatusCode status, string? mediaType, string body, ValidationMode mode = ValidationMode.Enforce) =>
        new(new ValidatingHandler(Contract, _report, mode) { InnerHandler = new CannedAnswer(status, mediaType, body) })
        {
            BaseAddress = new Uri("http://engine.test"),
        };

    [Fact]
    public async Task A_conforming_answer_passes_and_the_test_still_reads_its_body()
    {
        using var client = Client(HttpStatusCode.OK, "application/json", AGoodTemplate);

        var response = await client.GetAsync("/api/v1/templates/9007199254740993");

        Assert.Equal(AGoodTemplate, await response.Content.ReadAsStringAsync());
        Assert.Equal((1, 0), (_report.Checked, _report.Violations));
    }

    [Fact]
    public async Task An_undocumented_status_fails_the_request_naming_method_path_status_and_what_is_declared()
    {
        using var client = Client(HttpStatusCode.Created, "application/json", AGoodTemplate);

        var violation = await Assert.ThrowsAsync<DocumentViolationException>(() => client.GetAsync("/api/v1/templates/5"));

        Assert.Contains("GET /api/v1/templates/5 answered 201 application/json", violation.Message);
        Assert.Contains("(operation GET /api/v1/templates/{id}): undocumented status: the operation declares 200, 4XX", violation.Message);
    }

    [Theory]
    [InlineData("""{"id":5,"status":"ACTIVE","validFrom":"2025-01-01T00:00:00Z"}""", "at '/id'", "should be \"string\"")]
    [InlineData("""{"id":"5","status":"PAUSED","validFrom":"2025-01-01T00:00:00Z"}""", "at '/status'", "enum of /components/schemas/Status")]
    [InlineData("""{"id":"5","status":"ACTIVE","validFrom":"yesterday"}""", "at '/validFrom'", "date-time")]
    [InlineData("""{"id":"5","status":"ACTIVE"}""", "at ''", "validFrom")]
    public async Task A_body_that_breaks_its_schema_fails_with_the_schema_error(string body, string where, string what)
    {
        using var client = Client(HttpStatusCode.OK, "application/json", body);

        var violation = await Assert.ThrowsAsync<DocumentViolationException>(() => client.GetAsync("/api/v1/templates/5"));

        Assert.Contains("GET /api/v1/templates/5 answered 200", violation.Message);
        Assert.Contains(": schema: application/json: ", violation.Message);
        Assert.Contains(where, violation.Message);
        Assert.Contains(what, violation.Message);
    }

    [Fact]
    public async Task A_refusal_is_checked_against_the_declared_problem_like_any_answer()
    {
        using var declared = Client(HttpStatusCode.NotFound, "application/problem+json", """{"status":404,"code":"TEMPLATE_NOT_FOUND"}""");
        await declared.GetAsync("/api/v1/templates/5");

        using var codeless = Client(HttpStatusCode.NotFound, "application/problem+json", """{"status":404}""");
        var violation = await Assert.ThrowsAsync<DocumentViolationException>(() => codeless.GetAsync("/api/v1/templates/5"));
        Assert.Contains("schema: application/problem+json: at '' Required properties [\"code\"] are not present", violation.Message);

        using var plain = Client(HttpStatusCode.BadRequest, "text/plain", "bad");
        violation = await Assert.ThrowsAsync<DocumentViolationException>(() => plain.PostAsync("/api/v1/templates", null));
        Assert.Contains("undocumented content type: text/plain, the document declares application/problem+json", violation.Message);
    }

    [Fact]
    public async Task A_body_where_the_document_declares_none_and_no_body_where_it_declares_one_both_fail()
    {
        using var chatty = Client(HttpStatusCode.NoContent, "application/json", "{}");
        var violation = await Assert.ThrowsAsync<DocumentViolationException>(() => chatty.DeleteAsync("/api/v1/templates/5"));
        Assert.Contains("undocumented body: the document declares no content for 204", violation.Message);

        using var silent = Client(HttpStatusCode.OK, null, "");
        violation = await Assert.ThrowsAsync<DocumentViolationException>(() => silent.GetAsync("/api/v1/templates/5"));
        Assert.Contains("no body: the document declares application/json for 200, the answer is empty", violation.Message);

        using var notJson = Client(HttpStatusCode.OK, "application/json", "{\"id\":");
        violation = await Assert.ThrowsAsync<DocumentViolationException>(() => notJson.GetAsync("/api/v1/templates/5"));
        Assert.Contains("body not JSON", violation.Message);
    }

    [Fact]
    public async Task A_concrete_path_is_matched_before_a_templated_one()
    {
        using var client = Client(HttpStatusCode.OK, "text/csv", "id\n5\n");

        await client.GetAsync("/api/v1/templates/search"); // GET /api/v1/templates/{id} would want JSON

        Assert.Equal((1, 0), (_report.Checked, _report.Violations));
    }

    [Theory]
    [InlineData("PUT", "/api/v1/templates/5", HttpStatusCode.MethodNotAllowed, true)]
    [InlineData("PUT", "/api/v1/templates/5", HttpStatusCode.OK, false)]
    [InlineData("GET", "/api/v1/unknown", HttpStatusCode.NotFound, true)]
    [InlineData("GET", "/api/v1/unknown", HttpStatusCode.OK, false)]
    [InlineData("GET", "/api/v1/templates/5/extra", HttpStatusCode.Unauthorized, false)]
    public async Task What_the_document_lacks_agrees_with_it_only_as_404_or_405(string method, string path, HttpStatusCode status, bool agrees)
    {
        using var client = Client(status, null, "");

        var send = () => client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        if (agrees) await send();
        else await Assert.ThrowsAsync<DocumentViolationException>(send);
    }

    [Theory]
    [InlineData("/health/ready")]
    [InlineData("/health")]
    [InlineData("/metrics")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/api/v1/ping")]
    public async Task What_is_not_the_API_is_not_checked(string path)
    {
        using var client = Client(HttpStatusCode.OK, "text/plain", "Healthy");

        await client.GetAsync(path);

        Assert.Equal((0, 1L), (_report.Checked, _report.NotTheApi));
    }

    [Fact]
    public async Task A_route_marked_as_not_served_here_is_not_checked_and_an_unmarked_one_is()
    {
        using var client = Client(HttpStatusCode.NotFound, "application/problem+json", """{"status":404,"code":"NOT_FOUND"}""");
        using var marked = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/templates/5"); // the operation declares only 204
        marked.Options.Set(ValidatingHandler.NotServedHere, true);

        await client.SendAsync(marked);
        await Assert.ThrowsAsync<DocumentViolationException>(() => client.DeleteAsync("/api/v1/templates/5"));

        Assert.Equal((1, 1L), (_report.Checked, _report.NotTheApi));
    }

    [Fact]
    public async Task In_record_mode_a_violation_is_counted_by_operation_status_and_kind_and_the_answer_goes_through()
    {
        using var client = Client(HttpStatusCode.Created, "application/json", AGoodTemplate, ValidationMode.Record);

        var response = await client.GetAsync("/api/v1/templates/5");
        await client.GetAsync("/api/v1/templates/6");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var report = _report.Render(ValidationMode.Record);
        Assert.Contains("answers checked: 2 ", report);
        Assert.Contains("violations: 2 in 1 operations", report);
        Assert.Contains("        2  undocumented status", report);
        Assert.Contains("        2  GET /api/v1/templates/{id} 201 undocumented status: GET /api/v1/templates/5 answered 201", report);
    }

    [Theory]
    [InlineData(null, ValidationMode.Enforce)]
    [InlineData("", ValidationMode.Enforce)]
    [InlineData("enforce", ValidationMode.Enforce)]
    [InlineData("record", ValidationMode.Record)]
    [InlineData(" Record ", ValidationMode.Record)]
    public void The_mode_is_enforce_unless_PROMO_OPENAPI_VALIDATION_says_record(string? value, ValidationMode mode) =>
        Assert.Equal(mode, ValidationReport.ModeFrom(value));

    [Fact]
    public void A_mode_it_does_not_know_is_refused_not_guessed_at() =>
        Assert.Contains(
            "use enforce (the default) or record",
            Assert.Throws<InvalidOperationException>(() => ValidationReport.ModeFrom("warn")).Message);

    [GeneratedRegex(@"new HttpClient\b|CreateDefaultClient\(|\bnew SocketsHttpHandler\b|\bnew HttpClientHandler\b")]
    private static partial Regex MakesAClient();

    [Fact]
    public void Every_client_of_the_system_tests_checks_its_answers()
    {
        // The only places a client is made: EngineApp.CreateClient (in-process) and HostProcess.CreateClient and
        // CreateManagementClient (a real Host), all through ValidatingHandler. A test that makes its own would go around it.
        var allowed = new[]
        {
            Path.Combine("Infrastructure", "EngineApp.cs"), Path.Combine("Infrastructure", "OpenApi", "ValidatingHandler.cs"),
            Path.Combine("Gateway", "GatewayRoutes.cs"), // nginx in front of stand-ins that echo where a request landed: not the API's answers
            Path.Combine("WebConsole", "DevelopmentSignIn.cs"), // the console's HTML pages and form posts: not the API's answers
        };
        var tests = Repository.PathOf("tests", "System.Tests");
        var offenders = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !allowed.Contains(Path.GetRelativePath(tests, f)) && f != Path.Combine(tests, "OpenApi", "CheckingAnswers.cs"))
            .Where(f => MakesAClient().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(tests, f));
        Assert.Empty(offenders);
    }

    private sealed class CannedAnswer(HttpStatusCode status, string? mediaType, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (mediaType is not null) content.Headers.ContentType = new global::System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
            return Task.FromResult(new HttpResponseMessage(status) { Content = content, RequestMessage = request });
        }
    }
}
