using System.Data.Common;
using Npgsql;

namespace Pinset.Collector;

/// <summary>
/// A PostgreSQL database that several collector instances share. Migrations run under a transaction-scoped advisory
/// lock, so instances that start together apply each step once; a group commit is one transaction of batched upserts.
/// </summary>
internal sealed class PostgresReportStore(string connectionString) : ReportStore
{
    /// <summary>The advisory lock key of the migrations ('PIN7469' as a number, so other apps' keys do not collide).</summary>
    private const long MigrationLock = 0x50494E_7469;

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(WithAutoPrepare(connectionString));

    /// <summary>
    /// The group commit sends the same upsert many times a second: unless the connection string says otherwise, Npgsql
    /// prepares it (and the dashboard's queries) on the server once, so PostgreSQL does not parse and plan each one.
    /// </summary>
    private static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 32;
        }

        return builder.ToString();
    }

    protected override IReadOnlyList<int> RowsPerStatement { get; } = [64, 16, 4, 1];

    public override string Description
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"PostgreSQL database '{builder.Database}' on '{builder.Host}:{builder.Port}'";
        }
    }

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override async ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken).ConfigureAwait(false);
        return transaction;
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
