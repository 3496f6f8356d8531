using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Deployment;

/// <summary>
/// The Dockerfile and deploy/compose/compose.yaml, which cannot be built or run on this machine (no container engine,
/// no base images): what can be checked without them is. The compose file runs the roles of the Kubernetes split
/// overlay (the engine twice), both use only settings the app reads, the image listens and keeps its data where the manifests expect,
/// and the image's health check, run by bash as the container would, passes on a live Host and fails without one.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed partial class ContainerFiles
{
    private static string Dockerfile => File.ReadAllText(Repository.PathOf("Dockerfile"));

    private static JsonObject Compose =>
        (JsonObject)Assert.Single(Manifests.Documents(File.ReadAllText(Repository.PathOf("deploy", "compose", "compose.yaml"))))!;

    /// <summary>The compose services that run the Host: those given Promotion__Roles, with their environment.</summary>
    private static Dictionary<string, Dictionary<string, string>> RoleServices() =>
        Compose["services"]!.AsObject().Where(s => s.Value!["environment"]?["Promotion__Roles"] is not null)
            .ToDictionary(s => s.Key, s => s.Value!["environment"].Strings());

    /// <summary>The Dockerfile's instructions, continuation lines joined and comments left out.</summary>
    private static List<(string Instruction, string Arguments)> Instructions() =>
        [.. Continuation().Replace(Dockerfile, " ").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2)).Select(p => (p[0].ToUpperInvariant(), p.Length > 1 ? p[1].Trim() : ""))];

    /// <summary>The image's environment (ENV key=value …).</summary>
    private static Dictionary<string, string> ImageEnvironment() =>
        Instructions().Where(i => i.Instruction == "ENV").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    [Fact]
    public async Task The_compose_file_runs_the_roles_of_the_split_overlay()
    {
        var objects = await Manifests.RenderAsync("split");
        var overlayRoles = objects.OfKind("Deployment").SelectMany(d => d.Roles(objects)).Order().ToList();
        var services = RoleServices();

        Assert.Equal(overlayRoles, services.Values.Select(e => e["Promotion__Roles"]).Distinct().Order());
        Assert.All(services.Keys, name => Assert.Matches($"^{Regex.Escape(services[name]["Promotion__Roles"])}(-[0-9]+)?$", name));
        Assert.True(services.Values.Count(e => e["Promotion__Roles"] == "engine") >= 2, "The compose file runs one engine instance.");
        foreach (var name in services.Keys)
        {
            var service = Compose["services"]![name]!;
            Assert.Equal("true", (string?)service["read_only"]);
            Assert.Equal(["mariadb", "nats", "redis"], service["depends_on"]!.AsObject().Select(d => d.Key).Order());
            Assert.Contains("/data", service["volumes"].Items().Select(v => ((string)v!).Split(':').Last()));
            Assert.Equal("MySql", services[name]["Promotion__Database__Provider"]);
            Assert.Equal("Redis", services[name]["Engine__ClaimGate"]);
            Assert.Equal("Nats", services[name]["Messaging__Transport"]);
        }
        Assert.Contains("-js", Compose["services"]!["nats"]!["command"].Items().Select(c => (string)c!));
    }

    [Fact]
    public void The_compose_gateway_runs_nginx_with_the_configuration_in_deploy_nginx()
    {
        var gateway = Compose["services"]!["gateway"]!;
        Assert.StartsWith("nginx", (string?)gateway["image"]);
        var mount = Assert.Single(gateway["volumes"].Items().Select(v => ((string)v!).Split(':')));
        Assert.Equal(Repository.PathOf("deploy", "nginx"), Path.GetFullPath(mount[0], Repository.PathOf("deploy", "compose")));
        Assert.Equal(RoleServices().Keys.Order(), gateway["depends_on"].Items().Select(d => (string)d!).Order());
    }

    [Fact]
    public void Every_setting_the_compose_file_and_the_image_set_is_one_the_app_reads()
    {
        var variables = RoleServices().Values.SelectMany(e => e.Keys).Concat(ImageEnvironment().Keys).Distinct().ToList();
        Assert.Contains("Promotion__Auth__SigningKey", variables);
        Assert.Empty(variables.Select(AppSettings.Unread).OfType<string>());
    }

    [Fact]
    public async Task The_image_listens_and_keeps_its_data_where_the_manifests_expect_as_a_non_root_user()
    {
        var objects = await Manifests.RenderAsync("split");
        var settings = Assert.Single(objects.OfKind("ConfigMap"), m => m.Name().StartsWith("promotion-settings", StringComparison.Ordinal))
            ["data"].Strings();
        var image = ImageEnvironment();
        foreach (var setting in new[] { "ASPNETCORE_URLS", "Telemetry__ManagementUrl", "Promotion__DataDirectory", "Search__IndexDirectory" })
            Assert.Equal(settings[setting], image[setting]);

        var instructions = Instructions();
        var stages = instructions.Where(i => i.Instruction == "FROM").Select(i => i.Arguments).ToList();
        Assert.Equal(2, stages.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0 AS build", stages[0]);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", stages[1]);
        var user = instructions.Last(i => i.Instruction == "USER").Arguments;
        Assert.True(user is not ("root" or "0" or ""), $"The image runs as {user}.");
        Assert.Equal(image["Promotion__DataDirectory"], instructions.Single(i => i.Instruction == "VOLUME").Arguments);
        var exposed = instructions.Single(i => i.Instruction == "EXPOSE").Arguments.Split(' ').Select(int.Parse).Order();
        int[] ports = [KubernetesManifests.PortOf(image["ASPNETCORE_URLS"]), KubernetesManifests.PortOf(image["Telemetry__ManagementUrl"])];
        Assert.Equal(ports.Order(), exposed);
    }

    [Fact]
    public async Task The_image_health_check_passes_on_a_live_host_and_fails_when_none_answers()
    {
        var check = HealthCheckCommand();
        var management = KubernetesManifests.PortOf(ImageEnvironment()["Telemetry__ManagementUrl"]);
        Assert.Contains($"/dev/tcp/127.0.0.1/{management}", check[2]);
        Assert.Contains("GET /health/live ", check[2]);

        var data = Path.Combine(Path.GetTempPath(), "promo-healthcheck-" + Guid.NewGuid().ToString("N"));
        var host = await HostProcess.StartAsync(new Dictionary<string, string>
        {
            ["Promotion:DataDirectory"] = data,
            ["Promotion:Auth:SigningKey"] = Convert.ToBase64String(EngineApp.SigningKey),
        });
        // The image's command, asking this Host's management port instead of the image's.
        var script = check[2].Replace($"/dev/tcp/127.0.0.1/{management}", $"/dev/tcp/127.0.0.1/{host.ManagementPort}", StringComparison.Ordinal);
        try
        {
            Assert.Equal(0, await RunAsync(check[0], check[1], script));
        }
        finally
        {
            await host.DisposeAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
        Assert.NotEqual(0, await RunAsync(check[0], check[1], script));

        static string[] HealthCheckCommand()
        {
            var healthCheck = Instructions().Single(i => i.Instruction == "HEALTHCHECK").Arguments;
            var command = healthCheck[(healthCheck.IndexOf("CMD ", StringComparison.Ordinal) + 4)..];
            var exec = JsonSerializer.Deserialize<string[]>(command)!; // the exec form: no shell of the image's needed
            Assert.Equal(["bash", "-c"], exec[..2]);
            return exec;
        }
    }

    private static async Task<int> RunAsync(params string[] command)
    {
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command[1..]) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{command[0]} did not start.");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(deadline.Token);
        return process.ExitCode;
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex Continuation();
}
