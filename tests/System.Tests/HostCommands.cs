using System.Net;
using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MySqlConnector;
using PromotionEngine.Platform.Identity;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// The built Host run as a child process: every command reads its settings as the server does, refuses what it
/// cannot read with one line, and the server outside Development will not sign with a key file it made itself.
/// </summary>
public sealed class HostCommands : IDisposable
{
    private static readonly Dictionary<string, string> Production = new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" };

    // The child runs in a folder of its own, so a key it made in "./data" instead of the data folder asked for is seen.
    private readonly string _work = Directory.CreateTempSubdirectory("promo-cli-work-").FullName;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "promo-cli-data-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string> SettingForms => ["--Key=value", "--Key value", "/Key value", "environment variable"];

    [Theory]
    [MemberData(nameof(SettingForms))]
    public async Task The_token_command_reads_the_data_folder_in_every_form_the_server_accepts(string form)
    {
        var (args, environment) = form switch
        {
            "--Key=value" => (new[] { "--Promotion:DataDirectory=" + _data }, Production),
            "--Key value" => (["--Promotion:DataDirectory", _data], Production),
            "/Key value" => (["/Promotion:DataDirectory", _data], Production),
            _ => ([], new Dictionary<string, string>(Production) { ["Promotion__DataDirectory"] = _data }),
        };

        var run = await HostCommand.RunAsync(["token", .. args, "--role", "USER", "--id", "1001"], environment, _work);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.False(Directory.Exists(Path.Combine(_work, "data")), "the token was signed with a key made in ./data");
        var keyFile = Path.Combine(_data, SigningKeys.FileName);
        Assert.Equal(FileModes.OwnerOnly, FileModes.Of(keyFile));
        var validated = await new JsonWebTokenHandler().ValidateTokenAsync(run.Output.Trim(), new TokenValidationParameters
        {
            ValidIssuer = "promotion-engine",
            ValidAudience = "promotion-engine",
            IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(keyFile))),
        });
        Assert.True(validated.IsValid, validated.Exception?.Message);
        Assert.Equal("1001", validated.Claims["user_id"]);
    }

    [Fact]
    public async Task A_token_from_the_token_command_is_accepted_by_a_development_server_on_the_same_data_folder()
    {
        var token = await HostCommand.RunAsync(["token", "--role", "USER", "--id", "1001", "--Promotion:DataDirectory", _data], Production, _work);
        Assert.True(token.ExitCode == 0, token.Error);

        await using var server = await HostProcess.StartAsync(new Dictionary<string, string> { ["Promotion:DataDirectory"] = _data },
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" }, _work);
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Output.Trim());

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me/coupons")).StatusCode);
        Assert.Equal(FileModes.OwnerOnly, FileModes.Of(Path.Combine(_data, SigningKeys.FileName)));
    }

    [Theory]
    [InlineData(null)] // what a published Host gets when nothing says otherwise
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Outside_development_the_server_refuses_to_start_without_an_issuer_or_a_key(string? environment)
    {
        var run = await HostCommand.RunAsync(["--urls", $"http://127.0.0.1:{FreePorts.Next()}", "--Promotion:DataDirectory", _data],
            environment is null ? null : new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = environment }, _work,
            TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("Promotion:Auth:Authority", line);
        Assert.Contains("Promotion:Auth:SigningKey", line);
        Assert.False(File.Exists(Path.Combine(_data, SigningKeys.FileName)), "a key file was made all the same");
    }

    [Fact]
    public async Task Migrate_reads_space_separated_settings_as_the_server_does()
    {
        var database = "promo_test_cli_" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = new MySqlConnectionStringBuilder(MariaDbApp.ServerConnectionString) { Database = database }.ConnectionString;
        try
        {
            var run = await HostCommand.RunAsync(
                ["migrate", "--Promotion:Database:Provider", "MySql", "--Promotion:Database:ConnectionString", connectionString,
                    "/Promotion:DataDirectory", _data], Production, _work);

            Assert.True(run.ExitCode == 0, run.Error);
            await using var connection = new MySqlConnection(connectionString);
            await connection.OpenAsync();
            var tables = Convert.ToInt64(await new MySqlCommand(
                $"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{database}' " +
                "AND table_name IN ('en_user_coupons', 'ma_coupon_templates', 'host_worker_leases')",
                connection).ExecuteScalarAsync());
            Assert.Equal(3, tables);
        }
        finally
        {
            await using var connection = new MySqlConnection(MariaDbApp.ServerConnectionString);
            await connection.OpenAsync();
            await new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", connection).ExecuteNonQueryAsync();
        }
    }

    [Theory]
    [InlineData("token --role USER --id 1001 --hour 5", "'--hour'")]
    [InlineData("token --role USER --id 1001 --Promotion:DataDirectry /tmp/x", "DataDirectry")]
    [InlineData("token --role USER --id 1001 -v", "'-v'")]
    [InlineData("token --role USER --id 1001 --Promotion:DataDirectory", "'--Promotion:DataDirectory' has no value")]
    [InlineData("token --role USER|SERVICE --id 1001", "Usage: token")]
    [InlineData("token --role 3 --id 1001", "Usage: token")]
    [InlineData("token --id 1001", "Usage: token")]
    [InlineData("migrate --Promotion:Database:Provider --Promotion:Database:ConnectionString=x", "'--Promotion:Database:Provider' has no value")]
    [InlineData("migrate --Promotion:Database:Provider Oracle", "Sqlite or MySql, not 'Oracle'")]
    [InlineData("migrate --Promotion:WorkerId lots", "Promotion:WorkerId")]
    [InlineData("migrate stray", "'stray'")]
    [InlineData("migrate --Nonsense:Key=1", "'Nonsense'")]
    [InlineData("--Promotion:Roles engine,billing --Promotion:Auth:SigningKey c3lzdGVtLXRlc3RzLXNpZ25pbmcta2V5LTMyLWJ5dGVzISE=", "billing")]
    [InlineData("--Promotion:Auth:SigningKey c2hvcnQ=", "at least 32 bytes")]
    [InlineData("--Promotion:Auth:SigningKey not-base64", "not base64")]
    [InlineData("--Engine:ClaimGate Memcached --Promotion:Auth:SigningKey c3lzdGVtLXRlc3RzLXNpZ25pbmcta2V5LTMyLWJ5dGVzISE=",
        "Invalid settings: Engine:ClaimGate is Database or Redis (any case), not 'Memcached'.")]
    [InlineData("--urls", "'--urls' has no value")]
    [InlineData("serve extra", "'extra'")]
    [InlineData("bogus", "Unknown command 'bogus'")]
    [InlineData("event-schemas", "event-schemas needs the folder")]
    public async Task An_argument_the_host_cannot_use_is_one_line_and_a_non_zero_exit(string commandLine, string expected)
    {
        var args = commandLine.Split(' ').Select(a => a.Replace("/tmp/x", _data)).ToList();
        if (args[0] is "serve" or "bogus" || args[0].StartsWith("--")) args.AddRange(["--urls", $"http://127.0.0.1:{FreePorts.Next()}"]);
        args.AddRange(["--Promotion:DataDirectory", _data]);

        var run = await HostCommand.RunAsync(args, Production, _work, TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(expected, line);
        Assert.Equal("", run.Output.Trim());
    }

    [Fact]
    public async Task Help_prints_the_usage_and_exits_zero()
    {
        var run = await HostCommand.RunAsync(["--help"], Production, _work);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("usage: [serve | migrate | token", run.Output.Trim());
    }

    public void Dispose()
    {
        Directory.Delete(_work, recursive: true);
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }
}
