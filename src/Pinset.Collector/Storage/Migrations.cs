namespace Pinset.Collector;

/// <summary>
/// The schema, one numbered step at a time, in SQL that SQLite and PostgreSQL both run. Times are Unix milliseconds
/// (and minutes for the aggregation bucket), flags are 0/1 integers, chains and pins are JSON text. Applied at start by
/// <see cref="ReportStore.MigrateAsync"/> under the database's lock, so instances that start together apply each step once.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<(int Version, string[] Statements)> Steps { get; } =
    [
        (1,
        [
            """
            CREATE TABLE report_groups (
                fingerprint TEXT NOT NULL,
                minute BIGINT NOT NULL,
                host TEXT NOT NULL,
                port INTEGER NOT NULL,
                noted_host TEXT NOT NULL,
                include_subdomains INTEGER NOT NULL,
                mode TEXT NOT NULL,
                outcome TEXT NOT NULL,
                app_name TEXT NOT NULL,
                app_version TEXT NOT NULL,
                known_pins TEXT NOT NULL,
                validated_chain TEXT NOT NULL,
                served_chain TEXT NOT NULL,
                report_count BIGINT NOT NULL,
                first_seen BIGINT NOT NULL,
                last_seen BIGINT NOT NULL,
                PRIMARY KEY (fingerprint, minute))
            """,
            "CREATE INDEX report_groups_host_minute ON report_groups (host, minute)",
            "CREATE INDEX report_groups_minute ON report_groups (minute)",
            "CREATE TABLE open_alerts (host TEXT NOT NULL PRIMARY KEY, raised_at BIGINT NOT NULL, failures BIGINT NOT NULL)",
        ]),
    ];

    public static int Latest => Steps[^1].Version;
}
