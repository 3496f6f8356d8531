using System.Text.RegularExpressions;
using PromotionEngine.System.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PromotionEngine.System.Tests;

/// <summary>
/// scripts/clients.sh as an integrator's build would take the clients: the .NET packages packed and the README's
/// "Calling it from code" example built against them alone, the TypeScript types generated from docs/openapi/v1.json and
/// clients/typescript/lifecycle.ts type-checked with tsc, the types packed. Each half fails on what the document gets
/// wrong for its calls.
/// </summary>
public sealed class ClientPackages(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    // The script's closing line for each client: the packages it made, all of one version.
    private const string DotnetPacked = @"^dotnet: PromotionEngine\.Client\.(\d+\.\d+\.\d+)\.nupkg PromotionEngine\.Contracts\.\1\.nupkg "
        + @"PromotionEngine\.Kernel\.\1\.nupkg and the README example built from them$";
    private const string TypesPacked =
        @"^typescript: v1\.d\.ts generated, lifecycle\.ts type-checked, promotion-engine-api-types-\d+\.\d+\.\d+\.tgz packed$";

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("dotnet", DotnetPacked)]
    [InlineData("typescript", TypesPacked)]
    public async Task The_clients_script_builds_and_checks_the_client(string client, string summary)
    {
        var (exit, stdout, stderr) = await Scripts.RunAsync(Patience, "scripts/clients.sh", client);
        output.WriteLine(stdout);
        output.WriteLine(stderr);

        Assert.True(exit == 0, $"scripts/clients.sh {client} failed (exit {exit}):\n{stdout}\n{stderr}");
        Assert.Matches(new Regex(summary, RegexOptions.Multiline), stdout);
    }
}
