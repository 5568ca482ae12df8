using System.Globalization;
using Npgsql;

namespace Pinset.TestSupport;

/// <summary>
/// A throw-away PostgreSQL cluster for one test run: <c>initdb</c> in a temporary directory, then the <c>postgres</c>
/// server in the foreground on a free loopback port, both as the <c>postgres</c> user when the tests run as root (the
/// server refuses root). The server runs under <see cref="ExternalTool.StartWatched"/>'s watchdog rather than
/// <c>pg_ctl start</c>, which would detach it from the watchdog: if the test run dies, the watchdog kills it and deletes
/// the directory. Disposing stops it cleanly with <c>pg_ctl stop -m fast</c> and deletes the directory.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly ToolServerProcess _server;
    private readonly string _root;
    private int _databases;

    private PostgresServer(ToolServerProcess server, string root, int port)
    {
        _server = server;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The connection string of the <c>postgres</c> database (superuser, trust authentication on loopback).</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        IncludeErrorDetail = true,
    }.ToString();

    public static async Task<PostgresServer> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "pinset-pg-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(root, "data");
        var initdb = ExternalTool.Named("initdb");
        var (exit, output, error) = await AsServerUser(initdb).RunAsync(AsServerUserArguments(initdb, ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]), "/tmp");
        if (exit != 0)
        {
            DeleteDirectory(root);
            throw new InvalidOperationException($"initdb failed with exit code {exit}: {output}{error}");
        }

        for (int attempt = 1; ; attempt++)
        {
            int port = Loopback.FreePort();
            var postgres = ExternalTool.Named("postgres");
            try
            {
                var server = await ToolServerProcess.StartAsync(
                    AsServerUser(postgres),
                    AsServerUserArguments(postgres, ["-D", data, "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-k", root, "-c", "max_connections=200"]),
                    isReady: line => line.Contains("database system is ready to accept connections", StringComparison.Ordinal),
                    isFatal: line => line.Contains("FATAL:", StringComparison.Ordinal),
                    cleanupDirectory: root);
                return new PostgresServer(server, root, port);
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("could not", StringComparison.Ordinal))
            {
                // Another process took the free port between the pick and the bind; pick again.
            }
        }
    }

    /// <summary>Creates a new, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"pinset_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        var pgctl = ExternalTool.Named("pg_ctl");
        await AsServerUser(pgctl).RunAsync(AsServerUserArguments(pgctl, ["stop", "-D", Path.Combine(_root, "data"), "-m", "fast", "-w"]), "/tmp");
        await _server.DisposeAsync();
        DeleteDirectory(_root);
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>The tool to start: setpriv (which becomes the PostgreSQL program as user postgres) when root, else the program.</summary>
    private static ExternalTool AsServerUser(ExternalTool tool) => IsRoot ? ExternalTool.Named("setpriv") : tool;

    private static string[] AsServerUserArguments(ExternalTool tool, string[] arguments) =>
        IsRoot ? ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", tool.Path, .. arguments] : arguments;

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
