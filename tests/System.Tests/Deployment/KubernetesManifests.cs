using System.Text.Json.Nodes;

namespace PromotionEngine.System.Tests.Deployment;

/// <summary>
/// deploy/k8s rendered as a cluster would get it (kubectl kustomize, each overlay) and held against the app's own
/// route and role table (<see cref="RoleEndpoints"/>): an endpoint the routes forget, or send to a role that does not
/// serve it, fails here; so do probes off the management port, a committed secret, a Deployment without limits or a
/// disruption budget, and a setting the app does not read.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class KubernetesManifests(RoleEndpoints app)
{
    public static TheoryData<string> Overlays => [.. Manifests.Overlays];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_public_endpoint_is_routed_by_an_HTTPRoute_to_a_role_that_serves_it(string overlay)
    {
        var objects = await Manifests.RenderAsync(overlay);
        var gateway = Assert.Single(objects.OfKind("Gateway")).Name();
        var rules = new List<(bool Exact, string Path, JsonObject Backend)>();
        foreach (var route in objects.OfKind("HTTPRoute"))
        {
            Assert.Contains(gateway, route["spec"]!["parentRefs"].Items().Select(p => (string?)p["name"]));
            foreach (var rule in route["spec"]!["rules"].Items())
            {
                var backend = Assert.Single(rule["backendRefs"].Items());
                var service = Service(objects, (string)backend["name"]!, (string)backend["port"]!);
                foreach (var match in rule["matches"].Items())
                {
                    var type = (string)match["path"]!["type"]!;
                    Assert.True(type is "Exact" or "PathPrefix", $"{route.Name()}: a {type} match is not one this table uses.");
                    rules.Add((type == "Exact", (string)match["path"]!["value"]!, service));
                }
            }
        }

        AssertRoutesServe(objects, overlay, "HTTPRoute", rules);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_public_endpoint_is_routed_by_the_ingress_to_a_role_that_serves_it(string overlay)
    {
        var objects = await Manifests.RenderAsync(overlay);
        var ingress = Assert.Single(objects.OfKind("Ingress"));
        Assert.Equal("nginx", (string?)ingress["spec"]!["ingressClassName"]);
        var rules = new List<(bool Exact, string Path, JsonObject Backend)>();
        foreach (var path in ingress["spec"]!["rules"].Items().SelectMany(r => r["http"]!["paths"].Items()))
        {
            var backend = path["backend"]!["service"]!;
            var port = backend["port"]!;
            var service = Service(objects, (string)backend["name"]!, (string?)port["name"] ?? (string)port["number"]!);
            var type = (string)path["pathType"]!;
            Assert.True(type is "Exact" or "Prefix", $"pathType {type} is not one this table uses.");
            rules.Add((type == "Exact", (string)path["path"]!, service));
        }

        AssertRoutesServe(objects, overlay, "Ingress", rules);
    }

    /// <summary>Each public route pattern's sample path goes to a Service whose every pod serves it; no management path is routed.</summary>
    private void AssertRoutesServe(IReadOnlyList<JsonObject> objects, string overlay, string kind,
        List<(bool Exact, string Path, JsonObject Backend)> rules)
    {
        var failures = new List<string>();
        foreach (var pattern in app.AllPublic.Order(StringComparer.Ordinal))
        {
            var path = RoleEndpoints.SamplePath(pattern);
            var service = Manifests.Route(path, rules);
            if (service is null)
            {
                failures.Add($"{pattern}: no {kind} rule matches {path}");
                continue;
            }
            var deployments = service.Selected(objects);
            if (deployments.Count == 0) failures.Add($"{pattern}: the Service {service.Name()} selects no Deployment");
            foreach (var deployment in deployments)
            {
                var roles = deployment.Roles(objects);
                if (!roles.Any(role => app.PublicOf(role).Contains(pattern)))
                    failures.Add($"{pattern}: routed to {service.Name()}, whose Deployment {deployment.Name()} serves "
                        + $"{string.Join(",", roles)}, which do not serve it");
            }
        }
        foreach (var path in app.Management)
            if (Manifests.Route(path, rules) is { } leak) failures.Add($"{path} (management) is routed to {leak.Name()}");
        Assert.True(failures.Count == 0, $"{overlay} ({kind}):\n" + string.Join("\n", failures));
    }

    /// <summary>A Service of the overlay by name, on its public port (by name or number): never the management port.</summary>
    private static JsonObject Service(IReadOnlyList<JsonObject> objects, string name, string port)
    {
        var service = objects.OfKind("Service").SingleOrDefault(s => s.Name() == name)
            ?? throw new InvalidOperationException($"A route names the Service {name}, which the overlay lacks.");
        var ports = service["spec"]!["ports"].Items().ToList();
        Assert.Contains(ports, p => (string?)p["name"] == port || (string?)p["port"] == port);
        Assert.All(ports, p => Assert.Equal("http", (string?)p["targetPort"]));
        return service;
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Probes_ask_the_management_port_for_liveness_and_readiness(string overlay)
    {
        var objects = await Manifests.RenderAsync(overlay);
        Assert.Contains("/health/live", app.Management);
        Assert.Contains("/health/ready", app.Management);
        foreach (var deployment in objects.OfKind("Deployment"))
        {
            var container = deployment.Container();
            var env = deployment.Environment(objects);
            var management = PortOf(env["Telemetry__ManagementUrl"]!);
            var ports = container["ports"].Items().ToDictionary(p => (string)p["name"]!, p => int.Parse((string)p["containerPort"]!));
            Assert.Equal(management, ports["management"]);
            Assert.Equal(PortOf(env["ASPNETCORE_URLS"]!), ports["http"]);
            (string Probe, string Path)[] probes =
                [("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready"), ("startupProbe", "/health/live")];
            foreach (var (probe, path) in probes)
            {
                var get = container[probe]?["httpGet"] ?? throw new InvalidOperationException($"{deployment.Name()} has no {probe}.");
                Assert.Equal(path, (string?)get["path"]);
                var port = (string)get["port"]!;
                Assert.Equal(management, ports.TryGetValue(port, out var named) ? named : int.Parse(port));
            }
        }
    }

    /// <summary>The port of a URL to listen on (http://+:9464).</summary>
    internal static int PortOf(string url) => new Uri(url.Replace("+", "host", StringComparison.Ordinal)).Port;

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Secrets_are_referenced_never_committed(string overlay)
    {
        var objects = await Manifests.RenderAsync(overlay);
        foreach (var secret in objects.OfKind("Secret"))
            Assert.True(secret["data"] is null && secret["stringData"] is null, $"The Secret {secret.Name()} carries literal data.");
        string[] secretSettings = ["Promotion__Database__ConnectionString", "Engine__Redis__Configuration", "Promotion__Auth__SigningKey",
            "Promotion__Auth__Authority"];
        foreach (var deployment in objects.OfKind("Deployment"))
        {
            var env = deployment.Container()["env"].Items().ToDictionary(v => (string)v["name"]!);
            foreach (var setting in secretSettings)
            {
                Assert.True(env.TryGetValue(setting, out var variable), $"{deployment.Name()} does not set {setting}.");
                Assert.Null(variable["value"]);
                Assert.NotNull(variable["valueFrom"]?["secretKeyRef"]?["name"]);
            }
            Assert.DoesNotContain(deployment.Environment(objects), v => secretSettings.Contains(v.Key) && v.Value is not null);
        }
        foreach (var map in objects.OfKind("ConfigMap"))
            Assert.DoesNotContain(map["data"].Strings().Keys, secretSettings.Contains);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_deployment_has_requests_limits_and_a_disruption_budget(string overlay)
    {
        var objects = await Manifests.RenderAsync(overlay);
        foreach (var deployment in objects.OfKind("Deployment"))
        {
            var resources = deployment.Container()["resources"];
            foreach (var kind in new[] { "requests", "limits" })
                foreach (var resource in new[] { "cpu", "memory" })
                    Assert.False(string.IsNullOrEmpty((string?)resources?[kind]?[resource]), $"{deployment.Name()} has no {kind}.{resource}.");
            var labels = deployment["spec"]!["template"]!["metadata"]!["labels"].Strings();
            var budgets = objects.OfKind("PodDisruptionBudget")
                .Where(b => b["spec"]!["selector"]!["matchLabels"].Strings() is { Count: > 0 } selector && Manifests.Matches(selector, labels))
                .ToList();
            var budget = Assert.Single(budgets);
            Assert.True(budget["spec"]!["maxUnavailable"] is not null || budget["spec"]!["minAvailable"] is not null);
            Assert.Contains(objects.OfKind("Service"), s => s.Selected(objects).Contains(deployment));
        }
    }

    [Fact]
    public async Task The_split_overlay_runs_a_deployment_per_role_and_scales_the_engine()
    {
        var objects = await Manifests.RenderAsync("split");
        var deployments = objects.OfKind("Deployment").ToList();
        Assert.Equal(RoleEndpoints.Roles.Order(), deployments.SelectMany(d => d.Roles(objects)).Order());
        Assert.All(deployments, d => Assert.Single(d.Roles(objects)));

        var hpa = Assert.Single(objects.OfKind("HorizontalPodAutoscaler"));
        var target = hpa["spec"]!["scaleTargetRef"]!;
        Assert.Equal("Deployment", (string?)target["kind"]);
        var engine = Assert.Single(deployments, d => d.Name() == (string?)target["name"]);
        Assert.Equal(["engine"], engine.Roles(objects));
    }

    [Fact]
    public async Task The_single_overlay_runs_every_role_in_one_scaled_deployment()
    {
        var objects = await Manifests.RenderAsync("single");
        var deployment = Assert.Single(objects.OfKind("Deployment"));
        Assert.Equal([RoleEndpoints.All], deployment.Roles(objects));
        var hpa = Assert.Single(objects.OfKind("HorizontalPodAutoscaler"));
        Assert.Equal(deployment.Name(), (string?)hpa["spec"]!["scaleTargetRef"]!["name"]);
    }

    [Fact]
    public async Task The_split_console_calls_the_api_through_the_gateway_whose_address_is_set_once()
    {
        var objects = await Manifests.RenderAsync("split");
        var console = Assert.Single(objects.OfKind("Deployment"), d => d.Roles(objects).SequenceEqual(["console"]));
        var address = console.Environment(objects)["Console__ApiBaseUrl"];
        Assert.NotNull(address);
        // Not one role's Service (merchant-admin alone lacks the other roles' endpoints the console reads): the gateway's address,
        // from the one ConfigMap the operator sets it in (overlays/split/kustomization.yaml).
        Assert.DoesNotContain(new Uri(address).Host, objects.OfKind("Service").Select(s => s.Name()));
        var gateway = Assert.Single(objects.OfKind("ConfigMap"), m => m.Name().StartsWith("promotion-gateway", StringComparison.Ordinal));
        Assert.Equal(address, gateway["data"]!["Console__ApiBaseUrl"]!.GetValue<string>());
        Assert.Contains(console.Container()["envFrom"].Items(), s => (string?)s["configMapRef"]?["name"] == gateway.Name());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Pods_run_as_non_root_on_a_read_only_root_with_the_data_folder_on_a_volume(string overlay)
    {
        var objects = await Manifests.RenderAsync(overlay);
        foreach (var deployment in objects.OfKind("Deployment"))
        {
            var pod = deployment.PodSpec();
            var container = deployment.Container();
            Assert.Equal("true", (string?)pod["securityContext"]?["runAsNonRoot"]);
            Assert.NotEqual("0", (string?)pod["securityContext"]?["runAsUser"]);
            Assert.Equal("true", (string?)container["securityContext"]?["readOnlyRootFilesystem"]);
            Assert.Equal("false", (string?)container["securityContext"]?["allowPrivilegeEscalation"]);

            var env = deployment.Environment(objects);
            var mounts = container["volumeMounts"].Items().ToDictionary(m => (string)m["mountPath"]!, m => (string)m["name"]!);
            var volumes = pod["volumes"].Items().ToDictionary(v => (string)v["name"]!);
            foreach (var folder in new[] { env["Promotion__DataDirectory"]!, "/tmp" })
            {
                Assert.True(mounts.TryGetValue(folder, out var volume), $"{deployment.Name()}: nothing is mounted at {folder}.");
                Assert.NotNull(volumes[volume]["emptyDir"]);
            }
            // What the app writes (the spool, the search index) is under the data folder.
            foreach (var written in new[] { "Distribution__SpoolDirectory", "Search__IndexDirectory" })
                Assert.StartsWith(env["Promotion__DataDirectory"]! + "/", env[written]);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_setting_the_manifests_set_is_one_the_app_reads(string overlay)
    {
        var objects = await Manifests.RenderAsync(overlay);
        var variables = objects.OfKind("Deployment").SelectMany(d => d.Environment(objects).Keys).Distinct().ToList();
        Assert.Contains("Promotion__Roles", variables);
        Assert.Empty(variables.Select(AppSettings.Unread).OfType<string>());
    }

    [Fact]
    public void The_settings_check_refuses_a_setting_the_app_does_not_read()
    {
        Assert.Null(AppSettings.Unread("Promotion__Database__ConnectionString"));
        Assert.Null(AppSettings.Unread("Messaging__Nats__Url"));
        Assert.NotNull(AppSettings.Unread("Promotion__Database__ConectionString"));
        Assert.NotNull(AppSettings.Unread("Engine__Redis__Host"));
        Assert.NotNull(AppSettings.Unread("Promotoin__Roles"));
        Assert.NotNull(AppSettings.Unread("ASPNETCORE_HTTP_PORT"));
    }
}
