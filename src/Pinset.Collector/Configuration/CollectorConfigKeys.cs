namespace Pinset.Collector;

/// <summary>Every configuration key the collector reads, in one place; docs/collector.md lists each (a test checks).</summary>
internal static class CollectorConfigKeys
{
    public const string ConnectionStringName = "Reports";
    public const string ConnectionString = "ConnectionStrings:Reports";
    public const string StorageProvider = "Storage:Provider";
    public const string StorageRetention = "Storage:Retention";
    public const string StorageMaxBatchSize = "Storage:MaxBatchSize";
    public const string StorageQueueCapacity = "Storage:QueueCapacity";
    public const string IngestionMaxBodyBytes = "Ingestion:MaxBodyBytes";
    public const string IngestionToken = "Ingestion:Token";
    public const string IngestionPermitsPerSecond = "Ingestion:PermitsPerSecond";
    public const string IngestionBurst = "Ingestion:Burst";
    public const string DashboardApiKey = "Dashboard:ApiKey";
    public const string DashboardAllowedHosts = "Dashboard:AllowedHosts";
    public const string AlertsWebhookUrl = "Alerts:WebhookUrl";
    public const string AlertsThreshold = "Alerts:Threshold";
    public const string AlertsWindow = "Alerts:Window";
    public const string AlertsCheckInterval = "Alerts:CheckInterval";
    public const string PolicyPath = "Policy:Path";
    public const string PolicyPaths = "Policy:Paths";
    public const string NetworkKnownProxies = "Network:KnownProxies";

    /// <summary>All of them, for the documentation test.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ConnectionString, StorageProvider, StorageRetention, StorageMaxBatchSize, StorageQueueCapacity, IngestionMaxBodyBytes,
        IngestionToken, IngestionPermitsPerSecond, IngestionBurst, DashboardApiKey, DashboardAllowedHosts, AlertsWebhookUrl, AlertsThreshold, AlertsWindow,
        AlertsCheckInterval, PolicyPath, PolicyPaths, NetworkKnownProxies,
    ];
}
