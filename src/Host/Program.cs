using Microsoft.Extensions.Options;
using PromotionEngine.Clearing;
using PromotionEngine.Distribution;
using PromotionEngine.Engine;
using PromotionEngine.Host;
using PromotionEngine.Host.Commands;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.MerchantAdmin;
using PromotionEngine.Platform;
using PromotionEngine.Platform.Health;
using PromotionEngine.Platform.Identity;
using PromotionEngine.Platform.Messaging;
using PromotionEngine.Platform.Persistence;
using PromotionEngine.Platform.Telemetry;
using PromotionEngine.Platform.Web;
using PromotionEngine.Platform.Web.Document;
using PromotionEngine.Search;
using PromotionEngine.Settlement;
using PromotionEngine.WebConsole;
using Scalar.AspNetCore;

// One deployable, many roles: `serve` (the default) runs the modules named by Promotion:Roles;
// `migrate` applies the schema and exits; `token` prints a signed token for the embedded default; `roles` prints what
// each role serves (the table a gateway routes by).
// Every command reads its settings as the server does (CommandLine.cs); a setting or argument it cannot use is one
// line on stderr and exit code 2, never a stack trace.
if (args is ["--help"] or ["-h"] or ["help"])
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}
CommandLine line;
try
{
    line = CommandLine.Parse(args);
}
catch (SettingsException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
try
{
    return await RunAsync(line);
}
catch (Exception e) when (StartupRefusal(e) is { } reason)
{
    Console.Error.WriteLine(reason);
    return 2;
}

static string? StartupRefusal(Exception e) => e switch
{
    SettingsException settings => settings.Message,
    OptionsValidationException invalid => "Invalid settings: " + string.Join(" ", invalid.Failures),
    _ => e.InnerException is { } inner ? StartupRefusal(inner) : null,
};

static async Task<int> RunAsync(CommandLine line)
{
    var command = line.Command;

    var (builder, options) = Prepare(line.Settings);

    if (command == "token") return TokenCommand.Run(line.Options, options);
    if (command == "claim-script")
    {
        Console.WriteLine(EngineModule.ClaimScriptSource); // the Lua the Redis claim path runs, for inspection and redis-benchmark
        return 0;
    }
    if (command == "event-schemas") return EventSchemasCommand.Run(line.Argument!); // the JSON Schema of the envelope and of every public event
    if (command == "roles") // what each role serves, read from a process composed for that role alone (never started)
    {
        return RolesCommand.Run(line.Options, Program.RoleNames, role =>
        {
            var (one, oneOptions) = Prepare([.. line.Settings, $"--{PromotionOptions.Section}:Roles={role}"]);
            var (app, services, roles) = Compose(one, oneOptions);
            return new ComposedProcess(app, services, roles);
        });
    }

    // The key file in the data folder is for Development and the `token` command: anywhere else, whoever can read
    // the data folder could sign OPERATOR tokens, so the server needs a real issuer or a key it was given.
    if (command == "serve" && !builder.Environment.IsDevelopment() && string.IsNullOrWhiteSpace(options.Auth.Authority)
        && string.IsNullOrWhiteSpace(options.Auth.SigningKey))
    {
        throw new SettingsException(
            $"Refusing to serve in the {builder.Environment.EnvironmentName} environment without Promotion:Auth:Authority (the token issuer) " +
            "or Promotion:Auth:SigningKey (a base64 key of 32+ bytes): the key file in the data folder is only used when " +
            "ASPNETCORE_ENVIRONMENT=Development.");
    }

    var app = Compose(builder, options).App;

    if (command == "migrate" || options.Database.MigrateOnStart)
    {
        if (options.Database.Provider.Equals("MySql", StringComparison.OrdinalIgnoreCase) && options.Database.CreateDatabaseIfMissing)
            await MySqlDatabase.CreateIfMissingAsync(options.Database.ConnectionString!, CancellationToken.None);
        await app.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
        if (command == "migrate") return 0;
    }
    await app.Services.GetRequiredService<WorkerLease>().AcquireAsync(options.WorkerId, CancellationToken.None);

    await app.RunAsync();
    return 0;
}

// The settings of the command line, environment and appsettings.json, and the Promotion section read from them.
static (WebApplicationBuilder Builder, PromotionOptions Options) Prepare(string[] settings)
{
    // Settings ship beside the binary, so they are found whichever folder the Host is started from;
    // the data folder, by contrast, is relative to where it is started (./data by default).
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = settings, ContentRootPath = AppContext.BaseDirectory });
    if (builder.Configuration.GetSection(PromotionOptions.Section).Exists() is false)
        throw new SettingsException($"No '{PromotionOptions.Section}' settings found: appsettings.json is missing from {AppContext.BaseDirectory}.");
    var options = PromotionOptions.Read(builder.Configuration);
    options.DataDirectory = Path.GetFullPath(options.DataDirectory, Environment.CurrentDirectory);
    return (builder, options);
}

// The process Promotion:Roles asks for: every module's services, the background work and endpoints of the roles
// served, the pipeline. The server runs it; the `roles` command builds one per role and reads what it would serve.
static (WebApplication App, IServiceCollection Services, Roles Roles) Compose(WebApplicationBuilder builder, PromotionOptions options)
{
    var roles = Roles.Parse(options.Roles, Program.RoleNames);
    builder.Logging.AddPromotionLogs(builder.Configuration, builder.Environment); // JSON lines on stdout outside Development
    var telemetry = TelemetryOptions.Read(builder.Configuration);
    var management = ManagementPort.Listen(builder, telemetry);
    var rateLimits = RateLimitOptions.Read(builder.Configuration);
    builder.Services.AddOptions<PromotionOptions>().BindConfiguration(PromotionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddPersistence(options);
    builder.Services.AddMessaging(builder.Configuration, roles);
    builder.Services.AddPromotionAuth(options, Program.Policies);
    builder.Services.AddPromotionRateLimits(rateLimits);
    builder.Services.AddPromotionProblems();
    builder.Services.AddKeyedRequests();
    builder.Services.AddPromotionOpenApi(options.PublicBaseUrl, Program.Policies, Program.Tags);
    builder.Services.AddReadiness(builder.Configuration, redis: EngineModule.ClaimsUseRedis(builder.Configuration));
    builder.Services.AddPromotionTelemetry(telemetry, management);

    // Every module's services are registered in every process (their query ports answer other modules);
    // only the roles this process serves expose endpoints and run background work.
    builder.Services.AddMerchantAdmin();
    builder.Services.AddEngine(builder.Configuration);
    builder.Services.AddSettlement();
    if (roles.Serves(EngineModule.Name)) builder.Services.AddEngineWorkers(builder.Configuration);
    builder.Services.AddDistribution(options.DataDirectory);
    if (roles.Serves(DistributionModule.Name)) builder.Services.AddDistributionWorkers();
    builder.Services.AddSearch();
    if (roles.Serves(SearchModule.Name)) builder.Services.AddSearchWorkers();
    builder.Services.AddClearing(options.DataDirectory);
    if (roles.Serves(ClearingModule.Name)) builder.Services.AddClearingWorkers();
    if (roles.Serves(ConsoleModule.Name))
        builder.Services.AddWebConsole(builder.Configuration, builder.Environment.IsDevelopment() ? DevelopmentTokens(options) : null);

    var app = builder.Build();

    app.UseForwardedClientAddress(builder.Configuration); // the client's address, believed from known proxies only
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseManagementPort(management);
    app.UseUnauthenticatedLimit(rateLimits); // before any token is read
    app.UseAuthentication();
    app.UsePromotionRateLimits(rateLimits); // per caller, or per address without a valid token
    app.UseAuthorization();
    app.UseBusinessLogScopes(); // the caller's and the route's business ids on every line the request writes
    app.UseKeyedRequests(); // Idempotency-Key of the state-changing endpoints that take one (src/Platform/Web/KeyedRequestsMiddleware.cs)
    if (roles.Serves(ConsoleModule.Name)) app.UseAntiforgery(); // the console's forms; the API takes no cookie, so none of it needs a token

    app.MapOpenApi().AllowAnonymous();
    app.MapScalarApiReference().AllowAnonymous();
    app.MapReadiness();
    app.MapPromotionTelemetry(telemetry, management);
    // The cheapest request this app can serve: the ceiling the benchmarks compare every endpoint with.
    app.MapGet("/api/v1/ping", () => TypedResults.NoContent()).AllowAnonymous().ExcludeFromDescription();
    if (roles.Serves(MerchantAdminModule.Name)) app.MapMerchantAdmin();
    if (roles.Serves(EngineModule.Name)) app.MapEngine();
    if (roles.Serves(SettlementModule.Name)) app.MapSettlement();
    app.MapMessaging(EngineModule.OperatorPolicy);
    if (roles.Serves(DistributionModule.Name)) app.MapDistribution();
    if (roles.Serves(SearchModule.Name)) app.MapSearch();
    if (roles.Serves(ClearingModule.Name)) app.MapClearing();
    if (roles.Serves(ConsoleModule.Name)) app.MapWebConsole();

    return (app, builder.Services, roles);
}

// The console's development sign-in mints API tokens with the data folder's key: only on the embedded default (no authority, no
// configured key) in Development. With either configured, or in any other environment, there is no minter, and the console offers
// no development sign-in.
static Func<CallerRole, string, string>? DevelopmentTokens(PromotionOptions options)
{
    if (!string.IsNullOrWhiteSpace(options.Auth.Authority) || !string.IsNullOrWhiteSpace(options.Auth.SigningKey)) return null;
    var issuer = new Lazy<TokenIssuer>(() =>
        new TokenIssuer(SigningKeys.Resolve(options.Auth, options.DataDirectory), options.Auth.Issuer, options.Auth.Audience, TimeProvider.System));
    return (role, id) => issuer.Value.Issue(role, id, TimeSpan.FromMinutes(10));
}

/// <summary>The entry point, visible to WebApplicationFactory in the system tests.</summary>
public partial class Program
{
    /// <summary>The modules of this build, by the names Promotion:Roles takes.</summary>
    internal static readonly string[] Modules =
        [MerchantAdminModule.Name, EngineModule.Name, DistributionModule.Name, SettlementModule.Name, SearchModule.Name, ClearingModule.Name];

    /// <summary>What Promotion:Roles takes: the modules and the web console (a client of their API, served beside them).</summary>
    internal static readonly string[] RoleNames = [.. Modules, ConsoleModule.Name];

    /// <summary>The modules' authorization policies, each with the one role it lets in.</summary>
    internal static readonly (string Policy, CallerRole Role)[] Policies =
    [
        (MerchantAdminModule.MerchantPolicy, CallerRole.Merchant),
        (EngineModule.UserPolicy, CallerRole.User),
        (EngineModule.ServicePolicy, CallerRole.Service),
        (EngineModule.OperatorPolicy, CallerRole.Operator),
    ];

    /// <summary>The tags the modules give their endpoints, each with what the OpenAPI document says of it.</summary>
    internal static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["Merchant templates"] = "A merchant's coupon templates (what a coupon is: scope, discount, window, stock, limit per user) and their audit "
            + "trail. MERCHANT tokens; another merchant's template is not found.",
        ["Merchant campaigns"] = "A merchant's campaigns (templates of one currency under a window, a per-user limit across them and a money "
            + "budget with spent, reserved and remaining) and each template's campaign and own budget. MERCHANT tokens.",
        ["Claims"] = "A user claims one coupon of a template, once per Idempotency-Key; decided in the database or on the Redis flash-sale "
            + "path. USER tokens.",
        ["Audiences"] = "Named sets of a merchant's users that a template may be limited to: the merchant names them (MERCHANT tokens), "
            + "another system pushes their members (SERVICE tokens); only members claim and see such a template (docs/audiences.md).",
        ["Waiting room"] = "The fair waiting room of a scheduled drop (docs/waiting-room.md): the merchant turns it on for a template "
            + "(MERCHANT tokens); users take a signed ticket, poll its position and claim with it once admitted, in ticket order at the "
            + "rate set (USER tokens).",
        ["Wallet"] = "The signed-in user's own coupons, newest first, each with the status the clock gives it. USER tokens.",
        ["Reminders"] = "预约提醒: remind the user before a template's claims open. USER tokens.",
        ["Checkout"] = "The order system holds (lock), spends (consume), gives back (release) and restores (refund) an order's coupons, all or "
            + "none, idempotent per order and operation. SERVICE tokens; an order answers to the service that locked it.",
        ["Settlement"] = "What a cart costs with the user's coupons (quotes), the settlement record of an order, refunds by line, and the order "
            + "system's events for the embedded default. SERVICE tokens.",
        ["Distribution tasks"] = "A merchant pushes a template's coupons to the users of a CSV or .xlsx file, millions of rows, exactly once "
            + "per row; pause, resume, cancel, and the rows that got no coupon. MERCHANT tokens.",
        ["Search"] = "Full-text template search (Chinese and English) for any signed-in caller, and what a shopper can claim on a product, "
            + "shop or category page, without a token.",
        ["Campaign analytics"] = "What a merchant's campaigns did and cost, per template and local day or hour in the caller's time zone; "
            + "one template's funnel; the templates that gave the most discount. JSON, CSV or .xlsx. MERCHANT tokens.",
        ["Clearing reconciliation"] = "Three-way reconciliation of a UTC day: the engine's own records, the clearing facts and the order "
            + "system's file (CSV or .xlsx), every discrepancy stored by kind, paged and downloadable. OPERATOR tokens.",
        ["Clearing statements"] = "Daily clearing statements per merchant (opening, movements, adjustments, closing; what the merchant "
            + "bears and the platform subsidises) as JSON, CSV or .xlsx, closing clearing days, and the ledger's trial balance. OPERATOR "
            + "tokens for any merchant and the calendar, MERCHANT tokens for the merchant's own statements.",
        ["Operations"] = "For operators: the event backbone and dead letters, the search index, the Redis claim counters, the clearing's "
            + "ingestion. OPERATOR tokens.",
    };
}
