namespace Pinset.Collector.Tests;

/// <summary>One real PostgreSQL server for the test run's PostgreSQL tests; each test takes a new database of it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string Collection = "PostgreSQL";

    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL server has not started.");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>The settings of a collector on <paramref name="provider"/>: a new PostgreSQL database, or a SQLite file in <paramref name="directory"/>.</summary>
    public async Task<Dictionary<string, string?>> SettingsAsync(string provider, TempDirectory directory) => provider switch
    {
        "PostgreSQL" => new() { ["Storage:Provider"] = "PostgreSQL", ["ConnectionStrings:Reports"] = await Server.CreateDatabaseAsync() },
        _ => new() { ["Storage:Provider"] = "Sqlite", ["ConnectionStrings:Reports"] = $"Data Source={directory.File("reports.db")}" },
    };
}

[CollectionDefinition(PostgresFixture.Collection)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
