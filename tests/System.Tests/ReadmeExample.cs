using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Platform.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PromotionEngine.System.Tests;

/// <summary>
/// The README's "Trying it" block, run as written with bash against the built Host started as a child process on a free
/// port with its own data folder. Only the block's own variable (API) and the data folder setting (an environment
/// variable every Host command reads) differ from a reader's terminal.
/// </summary>
public sealed class ReadmeExample(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_trying_it_block_runs_the_whole_lifecycle_against_a_fresh_host()
    {
        var data = Path.Combine(Path.GetTempPath(), "promo-readme-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // Development, as `dotnet run --project src/Host` starts it: a data-folder signing key is the embedded default's.
            await using var host = await HostProcess.StartAsync(new Dictionary<string, string>
            {
                ["environment"] = "Development",
                ["Promotion:DataDirectory"] = data,
            });

            var (exit, stdout, stderr) = await RunBashAsync(TryingItBlock(), new Dictionary<string, string>
            {
                ["API"] = host.BaseAddress.ToString().TrimEnd('/'),
                ["Promotion__DataDirectory"] = data,
                ["Configuration"] = TestConfiguration(), // `dotnet run --no-build` finds the Host these tests were built with
            });
            output.WriteLine(stdout);
            output.WriteLine(stderr);
            Assert.True(exit == 0, $"The README block failed (exit {exit}):\n{stdout}\n{stderr}");

            var template = Match(stdout, @"^template (\d+)$");
            var coupon = Match(stdout, @"^claim \(first\): coupon (\d+)$");
            Assert.Equal(coupon, Match(stdout, @"^claim \(retry\): coupon (\d+)$")); // the retry answered the same coupon
            Assert.Matches($"\"id\":\"{coupon}\".*\"status\":\"AVAILABLE\"", Line(stdout, "\"items\":")); // the wallet
            Assert.StartsWith("q_", Match(stdout, @"^quote (\S+)$"));
            foreach (var (operation, status) in new[] { ("LOCK", "LOCKED"), ("CONSUME", "CONSUMED"), ("REFUND", "AVAILABLE") })
                Assert.Matches(
                    $"\"operation\":\"{operation}\",\"coupons\":\\[\\{{\"id\":\"{coupon}\".*\"status\":\"{status}\"",
                    Line(stdout, $"\"operation\":\"{operation}\""));

            // What the answers said is what is stored: one coupon issued for the two claim requests, back in the wallet.
            var key = SigningKeys.Resolve(new AuthOptions(), data);
            var tokens = new TokenIssuer(key, "promotion-engine", "promotion-engine", TimeProvider.System);
            using var client = host.CreateClient();
            client.DefaultRequestHeaders.Authorization
                = new AuthenticationHeaderValue("Bearer", tokens.Issue(CallerRole.Merchant, "7", TimeSpan.FromMinutes(5)));
            Assert.Equal(1, (await (await client.GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync()).GetProperty("issued").GetInt64());
            client.DefaultRequestHeaders.Authorization =
                new AuthenticationHeaderValue("Bearer", tokens.Issue(CallerRole.User, "1001", TimeSpan.FromMinutes(5)));
            Assert.Equal("AVAILABLE", (await (await client.GetAsync($"/api/v1/me/coupons/{coupon}")).JsonAsync()).Str("status"));
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task The_token_command_prints_one_token_per_role_in_order_and_keeps_its_one_token_form()
    {
        var data = Path.Combine(Path.GetTempPath(), "promo-token-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var several = await TokenAsync(
                data, "--role", "MERCHANT", "--id", "7", "--role", "USER", "--id", "1001", "--role", "SERVICE", "--id", "order-service");
            Assert.Equal(0, several.Exit);
            var claims = several.Lines.Select(t => new JsonWebToken(t)).Select(t => (Role: t.GetClaim("role").Value, t.Subject)).ToList();
            Assert.Equal([("MERCHANT", "merchant:7"), ("USER", "user:1001"), ("SERVICE", "service:order-service")], claims);

            var one = await TokenAsync(data, "--id", "1001", "--role", "USER", "--hours", "1"); // the original form, options in any order
            Assert.Equal(0, one.Exit);
            Assert.Equal("user:1001", new JsonWebToken(Assert.Single(one.Lines)).Subject);
            var service = await TokenAsync(data, "--role", "SERVICE"); // a service's id defaults to its role's name
            Assert.Equal("service:service", new JsonWebToken(Assert.Single(service.Lines)).Subject);

            var noId = await TokenAsync(data, "--role", "MERCHANT", "--id", "7", "--role", "USER");
            Assert.Equal(2, noId.Exit);
            Assert.Empty(noId.Lines); // all or nothing: no token for the pair that was well formed
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The fenced bash blocks of the README's "Trying it" section, in order.</summary>
    private static string TryingItBlock()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var section = Regex.Match(readme, @"^## Trying it\n(.*?)(?=^## )", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(section.Success, "README.md has no \"## Trying it\" section.");
        var blocks = Regex.Matches(section.Groups[1].Value, @"^```bash\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .ToList();
        Assert.NotEmpty(blocks);
        return string.Join("\n", blocks);
    }

    /// <summary>
    /// Runs the script with bash from the repository root, stopping at the first failing command (as `curl -f` makes
    /// every failed request).
    /// </summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> RunBashAsync(string script, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("bash")
        {
            WorkingDirectory = Repository.Root, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        info.ArgumentList.Add("-euo");
        info.ArgumentList.Add("pipefail");
        info.ArgumentList.Add("-s");
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The README block did not finish in {Patience}:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task<(int Exit, List<string> Lines)> TokenAsync(string data, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(HostProcess.HostDll());
        info.ArgumentList.Add("token");
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.ArgumentList.Add($"--Promotion:DataDirectory={data}");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("The Host did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Patience);
        await process.WaitForExitAsync(deadline.Token);
        await stderr;
        return (process.ExitCode, (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList());
    }

    private static string Match(string text, string pattern)
    {
        var match = Regex.Match(text, pattern, RegexOptions.Multiline);
        Assert.True(match.Success, $"No line matching {pattern} in:\n{text}");
        return match.Groups[1].Value;
    }

    private static string Line(string text, string containing) =>
        text.Split('\n').FirstOrDefault(l => l.Contains(containing, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No line with {containing} in:\n{text}");

    private static string TestConfiguration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
}
