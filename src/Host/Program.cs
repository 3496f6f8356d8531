using Microsoft.Extensions.Options;
using PromotionEngine.Distribution;
using PromotionEngine.Engine;
using PromotionEngine.Host;
using PromotionEngine.Host.Identity;
using PromotionEngine.Host.Messaging;
using PromotionEngine.Host.Persistence;
using PromotionEngine.Host.Telemetry;
using PromotionEngine.Host.Web;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.MerchantAdmin;
using PromotionEngine.Search;
using PromotionEngine.Settlement;
using Scalar.AspNetCore;

// One deployable, many roles: `serve` (the default) runs the modules named by Promotion:Roles;
// `migrate` applies the schema and exits; `token` prints a signed token for the embedded default.
var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
var hostArgs = command == "serve" ? args : args[1..].Where(a => a.StartsWith("--Promotion:", StringComparison.Ordinal) || a.StartsWith("--Engine:", StringComparison.Ordinal)
    || a.StartsWith("--Distribution:", StringComparison.Ordinal)).ToArray();

// Settings ship beside the binary, so they are found whichever folder the Host is started from;
// the data folder, by contrast, is relative to where it is started (./data by default).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = AppContext.BaseDirectory });
if (builder.Configuration.GetSection(PromotionOptions.Section).Exists() is false)
    throw new InvalidOperationException($"No '{PromotionOptions.Section}' settings found: appsettings.json is missing from {AppContext.BaseDirectory}.");
var options = builder.Configuration.GetSection(PromotionOptions.Section).Get<PromotionOptions>() ?? new PromotionOptions();
options.DataDirectory = Path.GetFullPath(options.DataDirectory, Environment.CurrentDirectory);

if (command == "token") return TokenCommand.Run(args[1..], options);
if (command == "claim-script")
{
    Console.WriteLine(EngineModule.ClaimScriptSource); // the Lua the Redis claim path runs, for inspection and redis-benchmark
    return 0;
}
if (command == "event-schemas")
{
    if (args.Length < 2) { Console.Error.WriteLine("Usage: event-schemas <folder>   (e.g. docs/events/schemas)"); return 2; }
    return EventSchemas.Write(args[1]); // the JSON Schema of the envelope and of every public event
}
if (command is not ("serve" or "migrate"))
{
    Console.Error.WriteLine($"Unknown command '{command}'. Commands: serve (default), migrate, token, claim-script, event-schemas.");
    return 2;
}

var roles = Roles.Parse(options.Roles);
builder.Services.AddOptions<PromotionOptions>().BindConfiguration(PromotionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<InstanceIdentity>();
builder.Services.AddSingleton<WorkerLease>();
builder.Services.AddHostedService<WorkerLeaseRenewal>();
builder.Services.AddSingleton(sp => new IdGenerator(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<WorkerLease>().Worker));
builder.Services.AddSingleton(new ModuleSchema("host", typeof(PromotionOptions).Assembly)); // the worker lease table
builder.Services.AddSingleton<IDatabase>(_ => Databases.Create(options));
builder.Services.AddSingleton<Migrator>();
builder.Services.AddMessaging(builder.Configuration, roles);
builder.Services.AddPromotionAuth(options);
builder.Services.AddPromotionProblems();
builder.Services.AddOpenApi();
builder.Services.AddHealthChecks();
builder.Services.AddPromotionTelemetry(builder.Configuration);

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

var app = builder.Build();

if (command == "migrate" || options.Database.MigrateOnStart)
{
    if (options.Database.Provider.Equals("MySql", StringComparison.OrdinalIgnoreCase) && options.Database.CreateDatabaseIfMissing)
        await MySqlDatabase.CreateIfMissingAsync(options.Database.ConnectionString!, CancellationToken.None);
    await app.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
    if (command == "migrate") return 0;
}
await app.Services.GetRequiredService<WorkerLease>().AcquireAsync(options.WorkerId, CancellationToken.None);

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference().AllowAnonymous();
app.MapHealthChecks("/health").AllowAnonymous();
app.MapPromotionTelemetry(builder.Configuration);
// The cheapest request this app can serve: the ceiling the benchmarks compare every endpoint with.
app.MapGet("/api/v1/ping", () => TypedResults.NoContent()).AllowAnonymous().ExcludeFromDescription();
if (roles.Serves(MerchantAdminModule.Name)) app.MapMerchantAdmin();
if (roles.Serves(EngineModule.Name)) app.MapEngine();
if (roles.Serves(SettlementModule.Name)) app.MapSettlement();
app.MapMessaging();
if (roles.Serves(DistributionModule.Name)) app.MapDistribution();
if (roles.Serves(SearchModule.Name)) app.MapSearch();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the system tests.</summary>
public partial class Program;
