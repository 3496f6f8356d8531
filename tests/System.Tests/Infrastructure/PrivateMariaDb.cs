using System.Diagnostics;
using MySqlConnector;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// A mariadbd of the test's own, on its own data folder and port, so a test can stop it under a running engine and
/// start it again without touching the server the other tests share. Grant tables are skipped: root needs no password.
/// The data survives a stop (InnoDB recovers what a kill left), as a real server's disk does.
/// </summary>
public sealed class PrivateMariaDb : PrivateServer
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "promo-mariadb-" + Guid.NewGuid().ToString("N"));

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>A connection string for the server (no database).</summary>
    public string ConnectionString => $"Server=127.0.0.1;Port={Port};User ID=root;Password=;Connection Timeout=3";

    protected override (string Binary, string Service) Program => ("mariadbd", "mariadb");

    protected override string Arguments =>
        $"--no-defaults --user={Environment.UserName} --datadir={DataFolder} --bind-address=127.0.0.1 --port={Port} " +
        $"--socket={_folder}/mysqld.sock --pid-file={_folder}/mysqld.pid --skip-grant-tables --skip-name-resolve " +
        "--innodb-buffer-pool-size=32M --innodb-flush-log-at-trx-commit=2 --skip-log-bin";

    protected override Task WaitUntilReadyAsync() => EventuallySucceeds<MySqlException>(async () =>
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
    }, Seconds(60), $"the private MariaDB to answer on port {Port}", every: TimeSpan.FromMilliseconds(100));

    /// <summary>Makes the data folder (mariadb-install-db) and starts the server.</summary>
    public static async Task<PrivateMariaDb> StartAsync()
    {
        var server = new PrivateMariaDb();
        Directory.CreateDirectory(server._folder);
        var install = new ProcessStartInfo(Binaries.Find("mariadb-install-db", "mariadb"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--no-defaults", $"--user={Environment.UserName}", $"--datadir={server.DataFolder}",
            "--auth-root-authentication-method=normal", "--skip-test-db" })
            install.ArgumentList.Add(arg);
        using (var process = Process.Start(install) ?? throw new InvalidOperationException("mariadb-install-db did not start."))
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"mariadb-install-db failed ({process.ExitCode}):\n{await output}\n{await error}");
        }
        await server.StartAgainAsync();
        return server;
    }

    protected override void CleanUp()
    {
        MySqlConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
