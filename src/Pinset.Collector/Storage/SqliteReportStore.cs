using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Pinset.Collector;

/// <summary>
/// A local SQLite file in WAL mode with <c>synchronous=FULL</c>: a committed group commit is on disk before its reports
/// are answered, so neither a killed process nor a power cut loses an answered report. One instance per file.
/// </summary>
internal sealed class SqliteReportStore : ReportStore
{
    private readonly string _connectionString;
    private readonly string _path;

    public SqliteReportStore(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = 30 };
        _path = builder.DataSource;
        _connectionString = builder.ToString();
    }

    /// <summary>The default database: <c>Pinset.Collector/reports.db</c> under the user's local application data.</summary>
    public static string DefaultConnectionString()
    {
        var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        var directory = Path.Combine(data.Length > 0 ? data : Environment.CurrentDirectory, "Pinset.Collector");
        Directory.CreateDirectory(directory);
        return new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "reports.db") }.ToString();
    }

    protected override IReadOnlyList<int> RowsPerStatement { get; } = [1];

    public override string Description => $"SQLite file '{Path.GetFullPath(_path)}'";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    protected override async ValueTask<DbConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "PRAGMA synchronous = FULL", cancellationToken).ConfigureAwait(false);
        return connection;
    }

    protected override async ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // WAL lets the dashboard read while the group commit writes; the mode is kept in the file.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
        // BEGIN IMMEDIATE: the write lock is taken at once, so two processes starting on one file migrate in turn.
        return ((SqliteConnection)connection).BeginTransaction(deferred: false);
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
