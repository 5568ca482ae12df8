using System.Data;
using System.Data.Common;
using System.Text.Json;

namespace Pinset.Collector;

/// <summary>
/// The reports' storage. One SQL dialect serves SQLite and PostgreSQL (both have <c>INSERT ... ON CONFLICT DO UPDATE</c>);
/// the subclasses only open connections and take the migration lock. Writes come from one group-commit loop
/// (<see cref="ReportWriter"/>); reads open pooled connections. Thread-safe.
/// </summary>
internal abstract class ReportStore : IAsyncDisposable
{
    private const string Columns = "fingerprint, minute, host, port, noted_host, include_subdomains, mode, outcome, app_name, app_version, known_pins, validated_chain, served_chain, report_count, first_seen, last_seen";
    private const int ColumnCount = 16;

    /// <summary>One multi-row upsert per chunk size: the counts of rows already there are added to.</summary>
    private static readonly Dictionary<int, string> Upserts = new[] { 64, 16, 4, 1 }.ToDictionary(size => size, size =>
        $"INSERT INTO report_groups ({Columns}) VALUES "
        + string.Join(", ", Enumerable.Range(0, size).Select(row => "(" + string.Join(", ", Enumerable.Range(0, ColumnCount).Select(column => $"@p{(row * ColumnCount) + column}")) + ")"))
        + " ON CONFLICT (fingerprint, minute) DO UPDATE SET report_count = report_groups.report_count + excluded.report_count, last_seen = excluded.last_seen");

    /// <summary>
    /// Rows per upsert statement, largest first: a batch is cut into statements of these sizes (so only a few texts are
    /// ever prepared). PostgreSQL gains from many rows a statement (one round trip, one plan); SQLite, in process, from
    /// one prepared single-row statement run again and again.
    /// </summary>
    protected abstract IReadOnlyList<int> RowsPerStatement { get; }

    private const string Where = " WHERE minute >= @from AND minute < @to";

    /// <summary>1 for a probe's row, else 0, named <c>probe</c> to group by.</summary>
    private const string ProbeColumn = "CASE WHEN " + Probes.Sql + " THEN 1 ELSE 0 END AS probe";

    /// <summary>What the start-up log says about the storage, without secrets.</summary>
    public abstract string Description { get; }

    /// <summary>Opens a connection.</summary>
    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Starts the migration transaction holding a lock that other instances wait for.</summary>
    protected abstract ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Opens the connection the group-commit loop writes on.</summary>
    protected virtual ValueTask<DbConnection> OpenWriterAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    /// <summary>Applies the steps of <see cref="Migrations"/> the database lacks; returns the versions applied.</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginMigrationAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)", cancellationToken).ConfigureAwait(false);
        await using var query = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        var current = Convert.ToInt32(await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        var applied = new List<int>();
        foreach (var (version, statements) in Migrations.Steps.Where(s => s.Version > current))
        {
            foreach (var statement in statements)
            {
                await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
            }

            await using var record = Command(connection, transaction, "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at)", ("version", version), ("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            applied.Add(version);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return applied;
    }

    /// <summary>The schema versions recorded, oldest first.</summary>
    public async Task<IReadOnlyList<int>> SchemaVersionsAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT version FROM schema_migrations ORDER BY version", r => r.GetInt32(0), cancellationToken).ConfigureAwait(false);

    /// <summary>A connection for <see cref="WriteAsync"/>, kept by the group-commit loop.</summary>
    public ValueTask<DbConnection> OpenWriterConnectionAsync(CancellationToken cancellationToken) => OpenWriterAsync(cancellationToken);

    /// <summary>
    /// Adds the groups' counts in one transaction of upserts: when this returns, every one of them is durable. The groups
    /// must have distinct (fingerprint, minute) keys, as <see cref="ReportWriter"/> makes them.
    /// </summary>
    public async Task WriteAsync(DbConnection connection, IReadOnlyCollection<ReportGroup> groups, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var commands = new Dictionary<int, DbCommand>();
        try
        {
            var rows = groups.ToList();
            int offset = 0;
            while (offset < rows.Count)
            {
                int size = RowsPerStatement.First(s => s <= rows.Count - offset);
                if (!commands.TryGetValue(size, out var command))
                {
                    command = commands[size] = Command(connection, transaction, Upserts[size]);
                    for (int i = 0; i < size * ColumnCount; i++)
                    {
                        command.Parameters.Add(Parameter(command, $"p{i}", DBNull.Value));
                    }
                }

                for (int row = 0; row < size; row++)
                {
                    int column = row * ColumnCount;
                    Bind(rows[offset + row], value => command.Parameters[column++].Value = value);
                }

                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                offset += size;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var command in commands.Values)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Per host: reports in the range, apps' by mode and probes', and when the last arrived; most reports first.</summary>
    public Task<List<HostSummary>> HostsAsync(ReportFilter filter, CancellationToken cancellationToken) => QueryAsync(
        $"SELECT host, SUM(report_count), SUM(CASE WHEN mode = 'enforce' AND {Probes.NotSql} THEN report_count ELSE 0 END), SUM(CASE WHEN mode = 'report-only' AND {Probes.NotSql} THEN report_count ELSE 0 END), SUM(CASE WHEN {Probes.Sql} THEN report_count ELSE 0 END), MAX(last_seen) FROM report_groups"
            + Where + Filters(filter) + " GROUP BY host ORDER BY 2 DESC, host LIMIT 500",
        r => new HostSummary(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), Time(r.GetInt64(5))),
        cancellationToken,
        Parameters(filter));

    /// <summary>The app versions that reported in the range, for the filter.</summary>
    public Task<List<string>> AppVersionsAsync(ReportFilter filter, CancellationToken cancellationToken) => QueryAsync(
        "SELECT DISTINCT app_version FROM report_groups" + Where + Filters(filter with { AppVersion = null }) + " ORDER BY app_version LIMIT 200",
        r => r.GetString(0),
        cancellationToken,
        Parameters(filter with { AppVersion = null }));

    /// <summary>Reports per bucket of <paramref name="bucketMinutes"/>, mode and whether a probe sent them, for the chart.</summary>
    public Task<List<(long Minute, string Mode, bool Probe, long Reports)>> TimelineAsync(ReportFilter filter, long bucketMinutes, CancellationToken cancellationToken) => QueryAsync(
        $"SELECT (minute / @bucket) * @bucket AS bucket_start, mode, {ProbeColumn}, SUM(report_count) FROM report_groups" + Where + Filters(filter) + " GROUP BY bucket_start, mode, probe ORDER BY bucket_start",
        r => (r.GetInt64(0), r.GetString(1), r.GetInt32(2) == 1, r.GetInt64(3)),
        cancellationToken,
        [.. Parameters(filter), ("bucket", bucketMinutes)]);

    /// <summary>Reports per outcome, mode and whether a probe sent them, the 100 most reported (senders name outcomes, so there can be any number).</summary>
    public Task<List<OutcomeCount>> OutcomesAsync(ReportFilter filter, CancellationToken cancellationToken) => QueryAsync(
        $"SELECT outcome, mode, {ProbeColumn}, SUM(report_count) FROM report_groups" + Where + Filters(filter) + " GROUP BY outcome, mode, probe ORDER BY 4 DESC, outcome, mode, probe LIMIT 100",
        r => new OutcomeCount(r.GetString(0), r.GetString(1), r.GetInt32(2) == 1, r.GetInt64(3)),
        cancellationToken,
        Parameters(filter));

    /// <summary>Reports per app name, version and mode.</summary>
    public Task<List<VersionCount>> VersionsAsync(ReportFilter filter, CancellationToken cancellationToken) => QueryAsync(
        "SELECT app_name, app_version, mode, SUM(report_count), MAX(last_seen) FROM report_groups" + Where + Filters(filter) + " GROUP BY app_name, app_version, mode ORDER BY 4 DESC, app_name, app_version, mode LIMIT 200",
        r => new VersionCount(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), Time(r.GetInt64(4))),
        cancellationToken,
        Parameters(filter));

    /// <summary>The distinct validated chains reported, with the pins the reporting policy knew; most reported first.</summary>
    public Task<List<SeenChain>> ChainsAsync(ReportFilter filter, CancellationToken cancellationToken) => QueryAsync(
        "SELECT validated_chain, known_pins, SUM(report_count), MIN(first_seen), MAX(last_seen) FROM report_groups" + Where + Filters(filter) + " GROUP BY validated_chain, known_pins ORDER BY 3 DESC LIMIT 50",
        r => new SeenChain(
            JsonSerializer.Deserialize(r.GetString(0), CollectorJson.Default.CertificateInfoArray) ?? [],
            JsonSerializer.Deserialize(r.GetString(1), CollectorJson.Default.StringArray) ?? [],
            r.GetInt64(2),
            Time(r.GetInt64(3)),
            Time(r.GetInt64(4))),
        cancellationToken,
        Parameters(filter));

    /// <summary>Apps' reports (not probes') per host since <paramref name="fromMinute"/>, for the alert check.</summary>
    public Task<List<(string Host, long Reports)>> FailuresSinceAsync(long fromMinute, CancellationToken cancellationToken) => QueryAsync(
        $"SELECT host, SUM(report_count) FROM report_groups WHERE minute >= @from AND {Probes.NotSql} GROUP BY host",
        r => (r.GetString(0), r.GetInt64(1)),
        cancellationToken,
        ("from", fromMinute));

    /// <summary>The hosts with an alert raised and not yet cleared.</summary>
    public Task<List<string>> OpenAlertsAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT host FROM open_alerts", r => r.GetString(0), cancellationToken);

    /// <summary>Marks an alert raised for the host; false when one already was (by this or another instance).</summary>
    public async Task<bool> TryOpenAlertAsync(string host, DateTimeOffset at, long failures, CancellationToken cancellationToken) =>
        await ExecuteAsync("INSERT INTO open_alerts (host, raised_at, failures) VALUES (@host, @at, @failures) ON CONFLICT (host) DO NOTHING", cancellationToken, ("host", host), ("at", at.ToUnixTimeMilliseconds()), ("failures", failures)).ConfigureAwait(false) == 1;

    /// <summary>Clears the host's alert, so the next spike raises a new one.</summary>
    public Task<int> CloseAlertAsync(string host, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM open_alerts WHERE host = @host", cancellationToken, ("host", host));

    /// <summary>Deletes the groups of minutes before <paramref name="beforeMinute"/>; returns how many rows went.</summary>
    public Task<int> PurgeAsync(long beforeMinute, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM report_groups WHERE minute < @before", cancellationToken, ("before", beforeMinute));

    /// <summary>Rows stored (groups, not reports), for tests and the benchmark.</summary>
    public async Task<(long Rows, long Reports)> CountAsync(CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT COUNT(*), COALESCE(SUM(report_count), 0) FROM report_groups", r => (r.GetInt64(0), r.GetInt64(1)), cancellationToken).ConfigureAwait(false))[0];

    /// <summary>The app versions stored with their counts, for tests and the benchmark.</summary>
    public Task<List<(string AppVersion, long Reports)>> CountByAppVersionAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT app_version, SUM(report_count) FROM report_groups GROUP BY app_version", r => (r.GetString(0), r.GetInt64(1)), cancellationToken);

    /// <summary>Runs a trivial query, for the health check.</summary>
    public Task<List<int>> PingAsync(CancellationToken cancellationToken) => QueryAsync("SELECT 1", r => r.GetInt32(0), cancellationToken);

    public abstract ValueTask DisposeAsync();

    private static string Filters(ReportFilter filter) =>
        (filter.Host is null ? string.Empty : " AND host = @host") + (filter.AppVersion is null ? string.Empty : " AND app_version = @app_version");

    private static (string, object)[] Parameters(ReportFilter filter)
    {
        var parameters = new List<(string, object)> { ("from", filter.FromMinute), ("to", filter.ToMinute) };
        if (filter.Host is { } host)
        {
            parameters.Add(("host", host));
        }

        if (filter.AppVersion is { } version)
        {
            parameters.Add(("app_version", version));
        }

        return [.. parameters];
    }

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    /// <summary>The group's values in the order of <see cref="Columns"/>.</summary>
    private static void Bind(ReportGroup group, Action<object> add)
    {
        var report = group.Report;
        add(report.Fingerprint);
        add(group.Minute);
        add(report.Host);
        add(report.Port);
        add(report.NotedHost);
        add(report.IncludeSubdomains ? 1 : 0);
        add(report.Mode);
        add(report.Outcome);
        add(report.AppName);
        add(report.AppVersion);
        add(JsonSerializer.Serialize(report.KnownPins, CollectorJson.Default.IReadOnlyListString));
        add(report.ValidatedChain.Json);
        add(report.ServedChain.Json);
        add(group.Count);
        add(group.FirstSeen.ToUnixTimeMilliseconds());
        add(group.LastSeen.ToUnixTimeMilliseconds());
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one statement on an open connection, in a transaction or not.</summary>
    protected static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(Parameter(command, name, value));
        }

        return command;
    }

    private static DbParameter Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        parameter.Direction = ParameterDirection.Input;
        return parameter;
    }
}
