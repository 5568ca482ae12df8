namespace Pinset.Collector;

/// <summary>
/// The collector's settings, bound from configuration (appsettings.json, environment variables such as
/// <c>Storage__Provider</c>, or the command line such as <c>--Storage:Provider=PostgreSQL</c>). Each default is
/// documented on its property and in docs/collector.md; <see cref="Validate"/> collects every error at once.
/// </summary>
internal sealed class CollectorOptions
{
    /// <summary>Where reports are kept.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>How <c>POST /reports</c> treats what it receives.</summary>
    public IngestionOptions Ingestion { get; set; } = new();

    /// <summary>Who may read the dashboard and the API.</summary>
    public DashboardOptions Dashboard { get; set; } = new();

    /// <summary>The failure-spike webhook.</summary>
    public AlertOptions Alerts { get; set; } = new();

    /// <summary>The pinning policy files the dashboard proposes changes to.</summary>
    public PolicyOptions Policy { get; set; } = new();

    /// <summary>Reverse proxies trusted to name the client address.</summary>
    public NetworkOptions Network { get; set; } = new();

    /// <summary>
    /// Reads the options from configuration; <c>ConnectionStrings:Reports</c> is the connection string. A key the
    /// collector does not know under its sections (a typo would otherwise silently keep a default), a value that
    /// cannot be read and every error of <see cref="Validate"/> are reported together.
    /// </summary>
    /// <exception cref="CollectorConfigurationException">The configuration has errors; all of them are listed.</exception>
    public static CollectorOptions Read(IConfiguration configuration)
    {
        var errors = new List<string>();
        var options = new CollectorOptions();
        foreach (var (section, target) in options.Sections())
        {
            foreach (var child in configuration.GetSection(section).GetChildren())
            {
                var key = $"{section}:{child.Key}";
                if (!CollectorConfigKeys.All.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    var known = CollectorConfigKeys.All.Where(k => k.StartsWith(section + ":", StringComparison.Ordinal)).Select(k => $"'{k}'");
                    errors.Add($"'{key}' is not a setting of the collector; the settings under '{section}' are {string.Join(", ", known)}.");
                    continue;
                }

                // One setting at a time, so every unreadable value is named (the binder stops at the first one it meets).
                try
                {
                    new ConfigurationBuilder().AddInMemoryCollection(child.AsEnumerable()).Build().GetSection(section).Bind(target);
                }
                catch (InvalidOperationException ex)
                {
                    errors.Add(Unreadable(ex, configuration));
                }
            }
        }

        options.Storage.ConnectionString = configuration.GetConnectionString(CollectorConfigKeys.ConnectionStringName);
        errors.AddRange(options.Validate());
        if (errors.Count > 0)
        {
            throw new CollectorConfigurationException(errors);
        }

        return options;
    }

    /// <summary>Each configuration section the collector reads, with the object it binds to.</summary>
    private (string Name, object Target)[] Sections() =>
        [("Storage", Storage), ("Ingestion", Ingestion), ("Dashboard", Dashboard), ("Alerts", Alerts), ("Policy", Policy), ("Network", Network)];

    /// <summary>The configuration binder's error as a sentence quoting the value and saying what it should be.</summary>
    private static string Unreadable(InvalidOperationException error, IConfiguration configuration)
    {
        var match = System.Text.RegularExpressions.Regex.Match(error.Message, "at '([^']+)' to type '([^']+)'");
        if (!match.Success)
        {
            return $"The configuration cannot be read: {error.Message}";
        }

        var key = match.Groups[1].Value;
        var expected = match.Groups[2].Value switch
        {
            "System.TimeSpan" => "a duration such as '00:05:00' (five minutes) or '90.00:00:00' (90 days)",
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Uri" => "a URL",
            "Pinset.Collector.StorageProvider" => "'Sqlite' or 'PostgreSQL'",
            var type => $"a value of type '{type}'",
        };
        return $"'{key}' is '{configuration[key]}'; expected {expected}.";
    }

    /// <summary>Every configuration error, each a sentence naming the key and quoting the value; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Storage.Provider))
        {
            errors.Add($"'{CollectorConfigKeys.StorageProvider}' is '{Storage.Provider}'; expected 'Sqlite' or 'PostgreSQL'.");
        }

        if (Storage.Provider == StorageProvider.PostgreSQL && string.IsNullOrWhiteSpace(Storage.ConnectionString))
        {
            errors.Add($"'{CollectorConfigKeys.StorageProvider}' is 'PostgreSQL' but 'ConnectionStrings:{CollectorConfigKeys.ConnectionStringName}' is not set; give the PostgreSQL connection string, such as 'Host=db;Database=pinset;Username=collector;Password=...'.");
        }

        Positive(errors, CollectorConfigKeys.StorageRetention, Storage.Retention);
        AtMost(errors, CollectorConfigKeys.StorageRetention, Storage.Retention, StorageOptions.MaxRetention, "100 years");
        Positive(errors, CollectorConfigKeys.StorageMaxBatchSize, Storage.MaxBatchSize);
        AtMost(errors, CollectorConfigKeys.StorageMaxBatchSize, Storage.MaxBatchSize, StorageOptions.MaxMaxBatchSize, null);
        Positive(errors, CollectorConfigKeys.StorageQueueCapacity, Storage.QueueCapacity);
        Positive(errors, CollectorConfigKeys.IngestionMaxBodyBytes, Ingestion.MaxBodyBytes);
        AtMost(errors, CollectorConfigKeys.IngestionMaxBodyBytes, Ingestion.MaxBodyBytes, IngestionOptions.MaxMaxBodyBytes, "1 MiB; a report with a four-certificate chain is about 8 KB");
        Positive(errors, CollectorConfigKeys.IngestionPermitsPerSecond, Ingestion.PermitsPerSecond);
        Positive(errors, CollectorConfigKeys.IngestionBurst, Ingestion.Burst);
        if (Ingestion.Token is { Length: > 0 and < 16 })
        {
            errors.Add($"'{CollectorConfigKeys.IngestionToken}' is {Ingestion.Token.Length} characters long; use at least 16 random characters, or leave it unset.");
        }

        if (Dashboard.ApiKey is { Length: > 0 and < 16 })
        {
            errors.Add($"'{CollectorConfigKeys.DashboardApiKey}' is {Dashboard.ApiKey.Length} characters long; use at least 16 random characters, or leave it unset to serve loopback clients only.");
        }

        foreach (var entry in Dashboard.AllowedHosts)
        {
            if (DashboardHosts.Pattern(entry, out var error) is null)
            {
                errors.Add(error);
            }
        }

        if (Alerts.WebhookUrl is { } webhook && (!webhook.IsAbsoluteUri || (webhook.Scheme != Uri.UriSchemeHttps && webhook.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add($"'{CollectorConfigKeys.AlertsWebhookUrl}' is '{webhook}'; expected an absolute http or https URL.");
        }

        Positive(errors, CollectorConfigKeys.AlertsThreshold, Alerts.Threshold);
        Positive(errors, CollectorConfigKeys.AlertsWindow, Alerts.Window);
        if (Alerts.Window > Storage.Retention)
        {
            errors.Add($"'{CollectorConfigKeys.AlertsWindow}' is '{Alerts.Window}', longer than '{CollectorConfigKeys.StorageRetention}' ('{Storage.Retention}'); reports older than the retention are deleted, so the window could never fill: give at most the retention.");
        }

        Positive(errors, CollectorConfigKeys.AlertsCheckInterval, Alerts.CheckInterval);
        AtMost(errors, CollectorConfigKeys.AlertsCheckInterval, Alerts.CheckInterval, AlertOptions.MaxCheckInterval, "a day");
        foreach (var path in Policy.AllPaths)
        {
            if (!File.Exists(path))
            {
                errors.Add($"'{CollectorConfigKeys.PolicyPath}' names '{path}', which does not exist; give the pinning policy file your apps load.");
            }
        }

        foreach (var proxy in Network.KnownProxies)
        {
            if (!System.Net.IPAddress.TryParse(proxy, out _))
            {
                errors.Add($"'{CollectorConfigKeys.NetworkKnownProxies}' holds '{proxy}', which is not an IP address.");
            }
        }

        return errors;
    }

    private static void Positive(List<string> errors, string key, long value)
    {
        if (value <= 0)
        {
            errors.Add($"'{key}' is '{value}'; expected a number greater than 0.");
        }
    }

    /// <summary>A bound beyond which the value would overflow a date, a timer or memory; <paramref name="why"/> says it in words.</summary>
    private static void AtMost<T>(List<string> errors, string key, T value, T max, string? why)
        where T : IComparable<T>
    {
        if (value.CompareTo(max) > 0)
        {
            errors.Add($"'{key}' is '{value}'; the most is '{max}'{(why is null ? string.Empty : $" ({why})")}.");
        }
    }

    private static void Positive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"'{key}' is '{value}'; expected a duration greater than 0, such as '00:05:00' for five minutes.");
        }
    }
}

/// <summary>The database behind the collector.</summary>
internal enum StorageProvider
{
    /// <summary>A local SQLite file (the default): one instance.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database, which several instances can share.</summary>
    PostgreSQL,
}

/// <summary>Storage settings.</summary>
internal sealed class StorageOptions
{
    /// <summary><c>Sqlite</c> (default) or <c>PostgreSQL</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// <c>ConnectionStrings:Reports</c>. For SQLite, default <c>Data Source=&lt;local application data&gt;/Pinset.Collector/reports.db</c>
    /// (<c>~/.local/share/Pinset.Collector/reports.db</c> on Linux); required for PostgreSQL.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The longest <see cref="Retention"/>: 100 years (the oldest report kept is then still a date).</summary>
    public static readonly TimeSpan MaxRetention = TimeSpan.FromDays(36500);

    /// <summary>The largest <see cref="MaxBatchSize"/> (the group-commit loop reserves room for a whole batch).</summary>
    public const int MaxMaxBatchSize = 100_000;

    /// <summary>How long reports are kept; default 90 days, at most <see cref="MaxRetention"/>.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The most reports one group commit writes; default 2,000, at most <see cref="MaxMaxBatchSize"/>.</summary>
    public int MaxBatchSize { get; set; } = 2000;

    /// <summary>Reports waiting for a commit before new ones are answered 503; default 20,000.</summary>
    public int QueueCapacity { get; set; } = 20_000;
}

/// <summary>Ingestion settings for <c>POST /reports</c>.</summary>
internal sealed class IngestionOptions
{
    /// <summary>The largest <see cref="MaxBodyBytes"/>: 1 MiB (a body is buffered whole before it is read).</summary>
    public const long MaxMaxBodyBytes = 1024 * 1024;

    /// <summary>The largest body accepted, in bytes; default 65,536 (a report with a four-certificate chain is about 8 KB), at most <see cref="MaxMaxBodyBytes"/>. Larger: 413.</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>When set, a report must carry it as <c>?token=</c> in the report URI or as <c>Authorization: Bearer</c>; otherwise 401. Default unset.</summary>
    public string? Token { get; set; }

    /// <summary>Reports per second one client address (an IPv6 /64) may send, sustained; default 500.</summary>
    public int PermitsPerSecond { get; set; } = 500;

    /// <summary>Reports one client address may send at once above the sustained rate; default 1,000.</summary>
    public int Burst { get; set; } = 1000;
}

/// <summary>Dashboard and API access.</summary>
internal sealed class DashboardOptions
{
    /// <summary>
    /// When set, <c>GET /</c> and <c>/api/...</c> require it (<c>Authorization: Bearer &lt;key&gt;</c>, or HTTP Basic with
    /// the key as the password, as a browser asks). When unset (default), they answer loopback clients only.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Host names the dashboard and the API answer to besides localhost, 127.0.0.1 and [::1] (always), on any port: a
    /// name, an address (IPv6 in brackets) or <c>*.</c> and a domain. Default empty. Requests addressed to any other name
    /// are refused, so a web page under a name of its own that resolves to this machine (DNS rebinding) cannot read them.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];
}

/// <summary>The failure-spike webhook.</summary>
internal sealed class AlertOptions
{
    /// <summary>Where alerts are posted (Slack-compatible <c>{"text": ...}</c>); default unset: no alerts.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Reports for one host within <see cref="Window"/> that raise an alert; default 100.</summary>
    public int Threshold { get; set; } = 100;

    /// <summary>The longest <see cref="CheckInterval"/>: a day (a periodic timer takes at most about 49 days).</summary>
    public static readonly TimeSpan MaxCheckInterval = TimeSpan.FromDays(1);

    /// <summary>The sliding window the threshold applies to; default 5 minutes, at most the storage's retention.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the hosts are checked; default 1 minute, at most <see cref="MaxCheckInterval"/>.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The policy files the dashboard's proposed changes apply to.</summary>
internal sealed class PolicyOptions
{
    /// <summary>One pinning policy file (docs/policy.md); default unset: the pins each report names (<c>known-pins</c>) stand in.</summary>
    public string? Path { get; set; }

    /// <summary>Further policy files, for apps that ship several.</summary>
    public List<string> Paths { get; set; } = [];

    /// <summary><see cref="Path"/> and <see cref="Paths"/> together.</summary>
    public IEnumerable<string> AllPaths => (Path is { Length: > 0 } one ? [one] : Array.Empty<string>()).Concat(Paths);
}

/// <summary>Networking settings.</summary>
internal sealed class NetworkOptions
{
    /// <summary>
    /// Addresses of reverse proxies or load balancers whose <c>X-Forwarded-For</c> names the client (for rate limiting
    /// and the loopback rule). Default empty: the connection's address is the client's.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];
}
