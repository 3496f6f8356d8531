using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using PromotionEngine.Kernel;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// The document at /openapi/v1.json says what the API does, so that a client generated from it works: every operation has a
/// summary, a description, an example, the callers it accepts, its real success statuses and every refusal as the one problem
/// schema with the catalogue's codes; ids are strings of digits; numbers are not unions with strings; requests say what they
/// require; servers come from configuration, never from the request.
/// </summary>
public sealed class ApiDocument(SqliteApp app) : IClassFixture<SqliteApp>
{
    /// <summary>What each operation answers on success, from its handler (the document must say exactly these).</summary>
    private static readonly Dictionary<string, string[]> Successes = new()
    {
        ["CreateTemplate"] = ["200", "201"], ["ListTemplates"] = ["200"], ["GetTemplate"] = ["200"], ["ChangeTemplate"] = ["200"],
        ["AddTemplateStock"] = ["200"], ["TerminateTemplate"] = ["200"], ["TemplateHistory"] = ["200"],
        ["CreateCampaign"] = ["201"], ["ListCampaigns"] = ["200"], ["GetCampaign"] = ["200"], ["ChangeCampaign"] = ["200"],
        ["CampaignHistory"] = ["200"], ["SetTemplateBudget"] = ["200"], ["GetTemplateBudget"] = ["200"],
        ["AddGiftStock"] = ["200"], ["GetGiftStock"] = ["200"],
        ["ClaimCoupon"] = ["200", "201"], ["ListMyCoupons"] = ["200"], ["GetMyCoupon"] = ["200"],
        ["SetReminder"] = ["200", "201"], ["ListMyReminders"] = ["200"], ["GetMyReminder"] = ["200"], ["CancelReminder"] = ["204"],
        ["SetWaitingRoom"] = ["200"], ["GetWaitingRoom"] = ["200"], ["RemoveWaitingRoom"] = ["204"],
        ["TakeWaitingRoomTicket"] = ["200", "201"], ["GetWaitingRoomPosition"] = ["200"],
        ["CreateAudience"] = ["201"], ["ListAudiences"] = ["200"], ["GetAudience"] = ["200"], ["ChangeAudienceMembers"] = ["200"],
        ["UploadAudienceFile"] = ["200"],
        ["LockCoupons"] = ["200"], ["ConsumeCoupons"] = ["200"], ["ReleaseCoupons"] = ["200"], ["RefundCoupons"] = ["200"],
        ["QuoteCart"] = ["200"], ["GetSettlementRecord"] = ["200"], ["RefundOrder"] = ["200"], ["IngestOrderEvent"] = ["202"],
        ["CreateDistributionTask"] = ["200", "202"], ["ListDistributionTasks"] = ["200"], ["GetDistributionTask"] = ["200"],
        ["PauseDistributionTask"] = ["200"], ["ResumeDistributionTask"] = ["200"], ["CancelDistributionTask"] = ["200"],
        ["DistributionTaskFailures"] = ["200"],
        ["SearchTemplates"] = ["200"], ["TemplateExposure"] = ["200"],
        ["SearchIndexStatus"] = ["200"], ["RebuildSearchIndex"] = ["202"], ["RebuildClaimCounters"] = ["200"],
        ["MessagingStatus"] = ["200"], ["ListDeadLetters"] = ["200"], ["ReplayDeadLetter"] = ["200"],
        ["ClearingStatus"] = ["200"], ["RebuildClearingStore"] = ["202"],
        ["CampaignActivity"] = ["200"], ["TemplateFunnel"] = ["200"], ["TopTemplates"] = ["200"],
        ["MerchantClearingStatement"] = ["200"], ["OwnClearingStatement"] = ["200"], ["ClearingDays"] = ["200"], ["CloseClearingDay"] = ["200"],
        ["ClearingTrialBalance"] = ["200"],
        ["RunReconciliation"] = ["200", "201"], ["GetReconciliation"] = ["200"], ["ReconciliationDiscrepancies"] = ["200"],
        ["ListUserCoupons"] = ["200"], ["OperatorSettlementRecord"] = ["200"], ["CouponMovements"] = ["200"], // user support (the console's operator pages)
    };

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private JsonObject? _document;

    private async Task<JsonObject> DocumentAsync() =>
        _document ??= JsonNode.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"))!.AsObject();

    private async Task<List<(string Path, string Method, JsonObject Operation)>> OperationsAsync()
    {
        var operations = new List<(string, string, JsonObject)>();
        foreach (var (path, item) in (await DocumentAsync())["paths"]!.AsObject())
            foreach (var method in Methods)
                if (item?[method] is JsonObject operation) operations.Add((path, method, operation));
        return operations;
    }

    [Fact]
    public async Task Reads_without_an_error_with_the_openapi_reader()
    {
        var text = (await DocumentAsync()).ToJsonString();
        var read = OpenApiDocument.Parse(text, "json");
        Assert.Empty(read.Diagnostic?.Errors ?? []);
        Assert.NotNull(read.Document);
        Assert.Equal(Successes.Count, read.Document!.Paths.Values.Sum(p => p.Operations?.Count ?? 0));
    }

    [Fact]
    public async Task Every_operation_answers_exactly_the_success_statuses_its_handler_does()
    {
        var operations = await OperationsAsync();
        Assert.Equal(Successes.Keys.Order(), operations.Select(o => o.Operation["operationId"]!.GetValue<string>()).Order());
        Assert.All(operations, o =>
        {
            var id = o.Operation["operationId"]!.GetValue<string>();
            var documented = o.Operation["responses"]!.AsObject().Select(r => r.Key).Where(s => s.StartsWith('2')).Order();
            Assert.True(
                Successes[id].SequenceEqual(documented),
                $"{id}: documented {string.Join(",", documented)}, answers {string.Join(",", Successes[id])}");
        });
    }

    [Fact]
    public async Task Every_operation_has_a_summary_a_description_an_example_and_says_who_may_call_it()
    {
        foreach (var (path, method, operation) in await OperationsAsync())
        {
            var at = $"{method.ToUpperInvariant()} {path}";
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), at + ": no summary");
            Assert.False(string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>()), at + ": no description");
            Assert.True(HasExample(operation), at + ": no example");
            var security = operation["security"]?.AsArray();
            var roles = operation["x-roles"]?.AsArray().Select(r => r!.GetValue<string>()).ToList();
            Assert.NotNull(security);
            Assert.NotNull(roles);
            if (path == "/api/v1/search/exposure")
            {
                Assert.Equal("[{}]", security!.ToJsonString()); // anonymous: no credentials needed
                Assert.Empty(roles!);
            }
            else
            {
                Assert.Equal("""[{"bearer":[]}]""", security!.ToJsonString());
                Assert.NotEmpty(roles!);
                Assert.All(roles!, r => Assert.Contains(r, new[] { "MERCHANT", "USER", "SERVICE", "OPERATOR" }));
            }
        }
        var document = await DocumentAsync();
        Assert.Equal("http", document["components"]!["securitySchemes"]!["bearer"]!["type"]!.GetValue<string>());
        Assert.Equal("JWT", document["components"]!["securitySchemes"]!["bearer"]!["bearerFormat"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/v1/merchant/templates", "post", "MERCHANT")]
    [InlineData("/api/v1/claims", "post", "USER")]
    [InlineData("/api/v1/orders/{orderId}/coupons/lock", "post", "SERVICE")]
    [InlineData("/api/v1/operator/dead-letters", "get", "OPERATOR")]
    [InlineData("/api/v1/operator/users/{userId}/coupons", "get", "OPERATOR")]
    [InlineData("/api/v1/settlement/records/{orderId}", "get", "OPERATOR")]
    [InlineData("/api/v1/operator/clearing/coupons/{couponId}/movements", "get", "OPERATOR")]
    public async Task The_roles_are_those_the_endpoints_policy_lets_in(string path, string method, string role)
    {
        var operation = (await DocumentAsync())["paths"]![path]![method]!;
        Assert.Equal([role], operation["x-roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Contains(role, operation["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(operation["responses"]!["401"]);
        Assert.NotNull(operation["responses"]!["403"]);
    }

    [Fact]
    public async Task Every_operation_refuses_with_the_one_problem_schema_and_an_example_per_catalogue_code()
    {
        var document = await DocumentAsync();
        var problem = document["components"]!["schemas"]!["Problem"]!;
        foreach (var member in new[] { "type", "title", "status", "detail", "instance", "code", "errors", "perUserLimit", "startsAt", "coupons" })
            Assert.NotNull(problem["properties"]![member]);
        foreach (var (path, method, operation) in await OperationsAsync())
        {
            var at = $"{method.ToUpperInvariant()} {path}";
            var refusals = operation["responses"]!.AsObject().Where(r => r.Key[0] is '4' or '5').ToList();
            Assert.True(refusals.Any(r => r.Key[0] == '4'), at + ": no 4xx answer");
            Assert.Contains(refusals, r => r.Key == "500");
            foreach (var (status, response) in refusals)
            {
                var content = response!["content"]!["application/problem+json"]!;
                Assert.Equal("#/components/schemas/Problem", content["schema"]!["$ref"]!.GetValue<string>());
                var examples = content["examples"]!.AsObject();
                Assert.NotEmpty(examples);
                foreach (var (code, example) in examples)
                {
                    var entry = ErrorCodes.Named(code); // a catalogue code, or this throws
                    var value = Schema(document, example!["$ref"]!.GetValue<string>())["value"]!;
                    Assert.Equal(code, value["code"]!.GetValue<string>());
                    Assert.Equal(int.Parse(status), value["status"]!.GetValue<int>());
                    Assert.True(entry.Status.ToString() == status, $"{at}: {code} under {status}");
                }
            }
        }
    }

    [Theory]
    [InlineData("/api/v1/claims", "post", "409", new[] { "OUT_OF_STOCK", "USER_LIMIT_REACHED", "NOT_STARTED", "IDEMPOTENCY_KEY_REUSED" })]
    [InlineData("/api/v1/claims", "post", "503", new[] { "CLAIMS_UNAVAILABLE" })]
    [InlineData("/api/v1/merchant/templates/{id}", "patch", "422", new[] { "TEMPLATE_FIELD_IMMUTABLE", "VALID_UNTIL_NOT_EXTENDED" })]
    [InlineData("/api/v1/orders/{orderId}/coupons/lock", "post", "409", new[] { "ILLEGAL_TRANSITION", "QUOTE_NO_LONGER_HOLDS" })]
    [InlineData("/api/v1/merchant/distribution-tasks", "post", "413", new[] { "RECIPIENTS_FILE_TOO_LARGE", "RECIPIENTS_FILE_LIMIT_EXCEEDED" })]
    [InlineData("/api/v1/search/exposure", "get", "503", new[] { "SEARCH_NOT_READY" })]
    [InlineData("/api/v1/me/reminders/{id}", "delete", "409", new[] { "REMINDER_ALREADY_SENT", "IDEMPOTENCY_KEY_REUSED" })]
    public async Task An_operation_lists_the_codes_its_handler_refuses_with(string path, string method, string status, string[] codes)
    {
        var examples = (await DocumentAsync())["paths"]![path]![method]!["responses"]![status]!["content"]!["application/problem+json"]!["examples"]!;
        Assert.All(codes, code => Assert.NotNull(examples[code]));
    }

    [Fact]
    public async Task The_anonymous_exposure_has_no_401_and_rate_limits_say_when_to_retry()
    {
        var exposure = (await DocumentAsync())["paths"]!["/api/v1/search/exposure"]!["get"]!["responses"]!;
        Assert.Null(exposure["401"]);
        Assert.Null(exposure["403"]);
        Assert.NotNull(exposure["429"]!["headers"]!["Retry-After"]);
        Assert.NotNull(exposure["503"]!["headers"]!["Retry-After"]);
    }

    [Fact]
    public async Task Ids_are_strings_of_digits_everywhere_and_no_number_is_also_a_string()
    {
        var document = await DocumentAsync();
        var faults = new List<string>();
        foreach (var (path, method, operation) in await OperationsAsync())
        {
            foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
            {
                var name = parameter!["name"]!.GetValue<string>();
                if (IsNumericId(name) && !IsId(parameter["schema"]!)) faults.Add($"{method} {path} parameter {name}");
                Unions(parameter["schema"], $"{method} {path} parameter {name}", faults);
            }
        }
        foreach (var (name, schema) in document["components"]!["schemas"]!.AsObject())
            Walk(schema!, name, faults);
        Assert.True(faults.Count == 0, "Ids not described as strings of digits, or number|string unions: " + string.Join("; ", faults));

        static void Walk(JsonNode schema, string at, List<string> faults)
        {
            Unions(schema, at, faults);
            if (schema["format"]?.GetValue<string>() == "date-time" && schema["type"] is null) faults.Add(at + ": a date-time without a type");
            foreach (var (member, value) in schema["properties"]?.AsObject() ?? [])
            {
                // An ingested order event's payload is the events' contract, whose ids are JSON numbers (docs/events.md).
                if (member == "payload" && at == "OrderEventRequest") continue;
                if (IsNumericId(member) && !IsId(value!) && !(value!["type"]?.ToJsonString().Contains("array") == true && IsId(value["items"]!)))
                    faults.Add($"{at}.{member}");
                Walk(value!, $"{at}.{member}", faults);
            }
            if (schema["items"] is { } items) Walk(items, at + "[]", faults);
        }
    }

    [Fact]
    public async Task A_request_requires_what_its_endpoint_requires_and_the_readmes_template_is_valid()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;
        string[] Required(string schema) => schemas[schema]!["required"]?.AsArray().Select(r => r!.GetValue<string>()).Order().ToArray() ?? [];

        // The README's create-template body (the "Trying it" block), member for member.
        string[] readme = ["name", "currency", "scope", "type", "discountAmount", "thresholdAmount", "validityAfterClaim", "stock", "perUserLimit",
            "validFrom", "validUntil"];
        Assert.Empty(Required("CreateTemplateRequest").Except(readme));
        Assert.Empty(readme.Except(schemas["CreateTemplateRequest"]!["properties"]!.AsObject().Select(p => p.Key)));
        Assert.Equal(["currency", "name", "perUserLimit", "scope", "stock", "type", "validFrom", "validUntil"], Required("CreateTemplateRequest"));
        Assert.Equal(["ttlSeconds"], Required("LockCouponsRequest")); // userId and couponIds, or quoteId
        Assert.NotNull(schemas["LockCouponsRequest"]!["properties"]!["quoteId"]);
        Assert.Equal(["eventId", "payload", "type"], Required("OrderEventRequest")); // occurredAt: now when absent
        Assert.Equal(["templateId"], Required("ClaimRequest"));
        Assert.Empty(Required("ChangeTemplateRequest"));
        Assert.Equal(["file", "name", "templateId"], Required("DistributionTaskForm"));
        // The file part inline, so generators make it their file type (NSwag's FileParameter).
        var file = schemas["DistributionTaskForm"]!["properties"]!["file"]!;
        Assert.Equal(("string", "binary"), (file["type"]!.GetValue<string>(), file["format"]!.GetValue<string>()));
        // Required members are never null; optional ones may be left out.
        Assert.Equal("\"string\"", schemas["CreateTemplateRequest"]!["properties"]!["name"]!["type"]!.ToJsonString());
        Assert.Contains("null", schemas["CreateTemplateRequest"]!["properties"]!["description"]!["type"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("\"string\"", schemas["ChangeTemplateRequest"]!["properties"]!["name"]!["type"]!.ToJsonString());
    }

    [Fact]
    public async Task Closed_sets_are_enums()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;
        string[] Values(JsonNode schema) => schema["enum"]!.AsArray().Where(v => v is not null).Select(v => v!.GetValue<string>()).ToArray();

        Assert.Equal(["ACTIVE", "ENDED", "TERMINATED"], Values(schemas["TemplateResponse"]!["properties"]!["status"]!));
        Assert.Equal(["PLATFORM", "SHOP", "PRODUCTS", "CATEGORIES"], Values(schemas["CreateTemplateRequest"]!["properties"]!["scope"]!));
        Assert.Equal(["FIXED_AMOUNT", "THRESHOLD", "PERCENTAGE", "TIERED_THRESHOLD", "FREE_SHIPPING", "GIFT", "BUY_X_GET_Y"],
            Values(schemas["CreateTemplateRequest"]!["properties"]!["type"]!));
        Assert.Equal(["AVAILABLE", "LOCKED", "CONSUMED", "EXPIRED"], Values(schemas["UserCouponResponse"]!["properties"]!["status"]!));
        Assert.Equal(["IN_APP", "POPUP", "EMAIL", "SMS"], Values(schemas["DistributionTaskForm"]!["properties"]!["notify"]!["items"]!));
        Assert.Equal(Currency.MinorDigits.Keys.Order(StringComparer.Ordinal), Values(schemas["Currency"]!));
        Assert.Equal("#/components/schemas/Currency", schemas["TemplateResponse"]!["properties"]!["currency"]!["$ref"]!.GetValue<string>());
        var failures = (await DocumentAsync())["paths"]!["/api/v1/merchant/distribution-tasks/{id}/failures"]!["get"]!;
        var format = failures["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "format")!;
        Assert.Equal(["json", "csv", "xlsx"], Values(format["schema"]!));
        Assert.NotNull(failures["responses"]!["200"]!["content"]!["text/csv"]);
    }

    [Fact]
    public async Task The_idempotency_key_is_declared_where_taken_and_required_on_claims()
    {
        foreach (var (path, method, operation) in await OperationsAsync())
        {
            var key = operation["parameters"]?.AsArray().SingleOrDefault(p => p!["name"]!.GetValue<string>() == "Idempotency-Key");
            if (method == "get")
            {
                Assert.Null(key);
                continue;
            }
            Assert.True(key is not null, $"{method} {path} declares no Idempotency-Key");
            Assert.Equal(path == "/api/v1/claims", key!["required"]?.GetValue<bool>() == true);
            Assert.Equal(100, key["schema"]!["maxLength"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Tags_have_descriptions_and_the_api_names_its_contact_and_licence()
    {
        var document = await DocumentAsync();
        var tags = document["tags"]!.AsArray();
        Assert.NotEmpty(tags);
        Assert.All(tags, t => Assert.False(string.IsNullOrWhiteSpace(t!["description"]?.GetValue<string>()), t!["name"] + " has no description"));
        Assert.Equal("Promotion Engine API", document["info"]!["title"]!.GetValue<string>());
        Assert.NotNull(document["info"]!["contact"]!["url"]);
        // The licence is the repository's (LICENSE) and the packages' (PackageLicenseExpression), as an SPDX identifier.
        Assert.Equal("MIT", document["info"]!["license"]!["identifier"]!.GetValue<string>());
        Assert.StartsWith("MIT License", await File.ReadAllTextAsync(Repository.PathOf("LICENSE")));
    }

    [Fact]
    public async Task Servers_come_from_configuration_never_from_the_host_header()
    {
        var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "attacker.example";
        var served = await (await client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("/", served.GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.DoesNotContain("attacker.example", served.GetRawText(), StringComparison.Ordinal);

        var published = new SqliteApp();
        published.WithSetting("Promotion:PublicBaseUrl", "https://promo.example.com/");
        try
        {
            await published.InitializeAsync();
            var document = await published.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
            Assert.Equal("https://promo.example.com", document.GetProperty("servers")[0].GetProperty("url").GetString());
        }
        finally
        {
            await ((IAsyncLifetime)published).DisposeAsync();
            await published.DisposeAsync();
        }
    }

    [Fact]
    public async Task Examples_hold_ids_as_strings_and_chinese_names()
    {
        var text = (await DocumentAsync()).ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains("会员日满100减20", text, StringComparison.Ordinal);
        var claim = (await DocumentAsync())["paths"]!["/api/v1/claims"]!["post"]!["requestBody"]!["content"]!["application/json"]!["examples"]!;
        Assert.Equal(JsonValueKind.String, claim["claimed"]!["value"]!["templateId"]!.GetValueKind());
    }

    // ---------------------------------------------------------------- helpers

    private static bool HasExample(JsonObject operation) =>
        (operation["requestBody"]?["content"]?.AsObject().Any(c => c.Value?["examples"] is JsonObject { Count: > 0 }) ?? false)
        || operation["responses"]!.AsObject().Where(r => r.Key.StartsWith('2'))
            .Any(r => r.Value?["content"]?.AsObject().Any(c => c.Value?["examples"] is JsonObject { Count: > 0 }) ?? false)
        || (operation["parameters"]?.AsArray().Any(p => p?["example"] is not null) ?? false);

    /// <summary>Named like one of the API's 64-bit ids (the order system's own order, quote, refund and payment ids, and trace and the gateway's request ids, are text).</summary>
    private static bool IsNumericId(string name) =>
        name is not ("orderId" or "quoteId" or "refundId" or "paymentId" or "eventId" or "causeEventId" or "traceId" or "requestId")
        && (name == "id" || name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("Ids", StringComparison.Ordinal));

    private static bool IsId(JsonNode schema) =>
        schema["type"]?.ToJsonString() is "\"string\"" or "[\"null\",\"string\"]" or "[\"string\",\"null\"]"
        && schema["pattern"]?.GetValue<string>() == "^[0-9]{1,19}$";

    private static void Unions(JsonNode? schema, string at, List<string> faults)
    {
        if (schema?["type"] is JsonArray types)
        {
            var names = types.Select(t => t!.GetValue<string>()).ToList();
            if (names.Contains("string") && (names.Contains("integer") || names.Contains("number"))) faults.Add(at + ": " + types.ToJsonString());
        }
    }

    private static JsonNode Schema(JsonNode document, string reference)
    {
        JsonNode? node = document;
        foreach (var part in reference.TrimStart('#', '/').Split('/')) node = node?[part];
        return node ?? throw new InvalidOperationException("No " + reference);
    }
}
