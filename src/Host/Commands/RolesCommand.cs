using System.Text.Json;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Platform.Messaging;
using PromotionEngine.Platform.Telemetry;

namespace PromotionEngine.Host.Commands;

/// <summary>
/// `roles [--json]`: for each role, the public endpoints (method and route pattern) and the background work (hosted
/// services, event consumers) of a process given that role alone, with the settings given (the transport and the claim
/// gate change what runs). Read from the app's own endpoint data sources and service registrations, so a gateway's
/// path-to-role table can be checked against it; management endpoints (health, metrics) are left out: they are not
/// routed through a gateway.
/// </summary>
internal static class RolesCommand
{
    public static int Run(IReadOnlyList<KeyValuePair<string, string>> args, IReadOnlyList<string> modules, Func<string, ComposedProcess> compose)
    {
        var served = modules.Select(module => Describe(module, compose(module))).ToList();
        if (args.Any(a => a.Key == "json"))
        {
            Console.WriteLine(JsonSerializer.Serialize(new { roles = served }, Json));
            return 0;
        }
        foreach (var role in served)
        {
            Console.WriteLine(role.Role);
            Console.WriteLine("  endpoints:");
            foreach (var endpoint in role.Endpoints) Console.WriteLine($"    {endpoint.Method,-7} {endpoint.Route}");
            Console.WriteLine("  workers:");
            foreach (var worker in role.Workers) Console.WriteLine($"    {worker}");
            Console.WriteLine("  consumers:");
            foreach (var consumer in role.Consumers) Console.WriteLine($"    {consumer.Consumer} <- {consumer.Subject} ({consumer.Delivery})");
        }
        return 0;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    internal sealed record Endpoint(string Method, string Route);

    internal sealed record Subscriber(string Consumer, string Subject, string Delivery);

    internal sealed record Served(string Role, IReadOnlyList<Endpoint> Endpoints, IReadOnlyList<string> Workers, IReadOnlyList<Subscriber> Consumers);

    private static Served Describe(string role, ComposedProcess process)
    {
        var endpoints = ((IEndpointRouteBuilder)process.App).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ManagementEndpoint>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                .Select(method => new Endpoint(method, "/" + (e.RoutePattern.RawText ?? "").Trim('/'))))
            .Distinct()
            .OrderBy(e => e.Route, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();

        // A hosted service registered through a factory (sp => sp.GetRequiredService<OutboxRelay>()) is named by the
        // factory's return type, so nothing is instantiated: no connection is opened to list what would run.
        var workers = process.Services
            .Where(d => d.ServiceType == typeof(IHostedService))
            .Select(d => d.ImplementationType ?? d.ImplementationInstance?.GetType() ?? d.ImplementationFactory?.Method.ReturnType)
            .Where(type => type?.Namespace?.StartsWith("PromotionEngine", StringComparison.Ordinal) == true)
            .Select(type => type!.Name)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        var subscriptions = new Subscriptions(
            process.Services.Select(d => d.ImplementationInstance).OfType<EventSubscription>(), process.Roles);
        var consumers = subscriptions.Groups
            .Concat(subscriptions.InstanceSubjects.SelectMany(subscriptions.InstanceFor))
            .Select(s => new Subscriber(s.Consumer, s.Subject, s.Delivery == EventDelivery.Group ? "group" : "every-instance"))
            .Distinct()
            .OrderBy(c => c.Consumer, StringComparer.Ordinal).ThenBy(c => c.Subject, StringComparer.Ordinal)
            .ToList();
        return new Served(role, endpoints, workers, consumers);
    }
}
