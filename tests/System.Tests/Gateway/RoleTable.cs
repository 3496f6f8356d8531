using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Gateway;

/// <summary>
/// The Host's `roles` command: what a process given one role serves, read from the app itself (endpoint data
/// sources, hosted services, consumers), which is the table a gateway routes by.
/// </summary>
public sealed class RoleTable
{
    private static readonly string[] Modules = ["merchant-admin", "engine", "distribution", "settlement", "search", "clearing", "console"];

    [Fact]
    public async Task Each_role_lists_its_own_endpoints_workers_and_consumers_and_no_other_roles()
    {
        var work = Directory.CreateTempSubdirectory("promo-roles-").FullName;

        var roles = await ServedRoles.ReadAsync(workingDirectory: work);

        Assert.Equal(Modules, roles.Roles.Select(r => r.Role));
        Assert.Contains(("POST", "/api/v1/claims"), roles["engine"].Endpoints);
        Assert.DoesNotContain(("POST", "/api/v1/claims"), roles["merchant-admin"].Endpoints);
        Assert.Contains(("POST", "/api/v1/merchant/templates"), roles["merchant-admin"].Endpoints);
        Assert.Contains(("POST", "/api/v1/merchant/distribution-tasks"), roles["distribution"].Endpoints);
        Assert.Contains(("POST", "/api/v1/settlement/quotes"), roles["settlement"].Endpoints);
        Assert.Contains(("GET", "/api/v1/search/templates"), roles["search"].Endpoints);
        Assert.All(roles.Roles, r => Assert.DoesNotContain(r.Endpoints, e => e.Route.StartsWith("/health") || e.Route == "/metrics"));
        Assert.Contains("DistributionWorkers", roles["distribution"].Workers);
        Assert.DoesNotContain("DistributionWorkers", roles["engine"].Workers);
        Assert.Contains("SearchIndexWorker", roles["search"].Workers);
        Assert.Contains("search.index", roles["search"].Consumers);
        Assert.DoesNotContain("search.index", roles["engine"].Consumers);
        Assert.Contains("CouponSweeper", roles["engine"].Workers);
        Assert.Contains("settlement.order-saga", roles["settlement"].Consumers);
        Assert.Contains(("GET", "/api/v1/operator/clearing"), roles["clearing"].Endpoints);
        Assert.Contains(("GET", "/console/templates"), roles["console"].Endpoints);
        Assert.DoesNotContain(roles["merchant-admin"].Endpoints, e => e.Route.StartsWith("/console", StringComparison.Ordinal));
        Assert.Contains(("GET", "/api/v1/merchant/analytics/activity"), roles["clearing"].Endpoints);
        Assert.Contains("IngestionWorker", roles["clearing"].Workers);
        Assert.DoesNotContain("IngestionWorker", roles["search"].Workers);
        Assert.Contains("clearing.journal", roles["clearing"].Consumers);
        Assert.DoesNotContain("clearing.journal", roles["settlement"].Consumers);
        Assert.All(roles.Roles, r => Assert.Contains("WorkerLeaseRenewal", r.Workers));
        Assert.Empty(Directory.EnumerateFileSystemEntries(work)); // listing opens and writes nothing
    }

    [Fact]
    public async Task The_transport_and_claim_gate_given_change_the_workers_listed()
    {
        var roles = await ServedRoles.ReadAsync(new Dictionary<string, string>
        {
            ["Messaging:Transport"] = "Nats",
            ["Engine:ClaimGate"] = "Redis",
            ["Engine:Redis:Configuration"] = "127.0.0.1:1",
        });

        Assert.Contains("NatsConsumers", roles["search"].Workers);
        Assert.DoesNotContain("InProcessConsumers", roles["search"].Workers);
        Assert.Contains("RebuildClaimCountersOnStart", roles["engine"].Workers);
        Assert.All(roles.Roles, r => Assert.Contains("ClaimGroupCommit", r.Workers)); // every process that may claim writes its grants
    }

    [Fact]
    public async Task Together_the_roles_serve_exactly_the_public_endpoints_of_the_whole_app()
    {
        var roles = await ServedRoles.ReadAsync();
        var app = new SqliteApp();
        HashSet<(string, string)> whole;
        try
        {
            await app.InitializeAsync();
            whole = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .Where(e => !e.Metadata.Any(m => m.GetType().Name == "ManagementEndpoint"))
                .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                    .Select(m => (m, "/" + (e.RoutePattern.RawText ?? "").Trim('/'))))
                .ToHashSet();
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }

        Assert.Equal(whole.Order(), roles.Roles.SelectMany(r => r.Endpoints).ToHashSet().Order());
    }
}
