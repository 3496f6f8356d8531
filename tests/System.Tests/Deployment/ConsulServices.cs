using System.Text.Json.Nodes;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Deployment;

/// <summary>
/// deploy/consul: a service definition per role (no Consul agent can be installed here, so none is run): each parses,
/// is named as the role's Kubernetes Service (one DNS name whichever registry answers), on the public port, with an
/// HTTP check on the app's readiness endpoint on the management port.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class ConsulServices(RoleEndpoints app)
{
    [Fact]
    public async Task Each_role_has_a_service_whose_check_asks_for_readiness_on_the_management_port()
    {
        var objects = await Manifests.RenderAsync("split");
        var settings = Assert.Single(objects.OfKind("ConfigMap"), m => m.Name().StartsWith("promotion-settings", StringComparison.Ordinal))
            ["data"].Strings();
        var management = KubernetesManifests.PortOf(settings["Telemetry__ManagementUrl"]);
        var files = Directory.GetFiles(Repository.PathOf("deploy", "consul"), "*.json").Order().ToList();
        Assert.Equal(RoleEndpoints.Roles.Order(), files.Select(Path.GetFileNameWithoutExtension).Order());
        Assert.Contains("/health/ready", app.Management);

        foreach (var file in files)
        {
            var role = Path.GetFileNameWithoutExtension(file);
            var service = JsonNode.Parse(File.ReadAllText(file))!["service"]!;
            var kubernetes = Assert.Single(objects.OfKind("Deployment"), d => d.Roles(objects).SequenceEqual([role]));
            var kubernetesService = Assert.Single(objects.OfKind("Service"), s => s.Selected(objects).Contains(kubernetes));

            Assert.Equal(kubernetesService.Name(), (string?)service["name"]);
            Assert.Equal(KubernetesManifests.PortOf(settings["ASPNETCORE_URLS"]), (int)service["port"]!);
            Assert.Equal(role, (string?)service["meta"]!["role"]);
            var check = Assert.Single(service["checks"]!.AsArray())!;
            var url = new Uri((string)check["http"]!);
            Assert.Equal((url.Port, url.AbsolutePath), (management, "/health/ready"));
            Assert.NotNull(check["interval"]);
            Assert.NotNull(check["timeout"]);
        }
    }
}
