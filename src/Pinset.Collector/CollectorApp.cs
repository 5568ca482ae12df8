using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Pinset.Collector;

/// <summary>
/// The collector as one ASP.NET Core app: its services, its middleware and its endpoints, built in one place so the
/// tests and the load benchmark start exactly what <c>dotnet run</c> starts. <c>Program.cs</c> only calls <see cref="RunAsync"/>.
/// </summary>
internal static class CollectorApp
{
    /// <summary>The rate-limiter policy of <c>POST /reports</c>.</summary>
    public const string ReportsRateLimit = "reports";

    /// <summary>The Content-Security-Policy of every answer: no script at all, styles and images from the collector only.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Builds the app; <paramref name="configure"/> may add configuration or replace services (tests: a fake clock).</summary>
    /// <exception cref="CollectorConfigurationException">The configuration has errors; all of them are listed.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The content root is the app's own directory, so the published app finds its appsettings.json from anywhere.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.TryAddSingletonTimeProvider();
        configure?.Invoke(builder);

        var options = CollectorOptions.Read(builder.Configuration);

        if (options.Storage.Provider == StorageProvider.Sqlite && string.IsNullOrWhiteSpace(options.Storage.ConnectionString))
        {
            options.Storage.ConnectionString = SqliteReportStore.DefaultConnectionString();
        }

        PolicyCatalog policies;
        try
        {
            policies = new PolicyCatalog(options.Policy.AllPaths);
        }
        catch (PinningConfigurationException ex)
        {
            throw new CollectorConfigurationException([$"'{CollectorConfigKeys.PolicyPath}' names a policy file that Pinset refuses: {ex.Message}"]);
        }

        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(policies);
        // Made by a factory, so the container disposes it (closing pools and the SQLite file) when the app ends.
        services.AddSingleton<ReportStore>(_ => options.Storage.Provider == StorageProvider.PostgreSQL
            ? new PostgresReportStore(options.Storage.ConnectionString!)
            : new SqliteReportStore(options.Storage.ConnectionString!));
        services.AddMetrics();
        services.AddSingleton<CollectorMetrics>();
        services.AddSingleton<ReportReader>();
        services.AddSingleton<DashboardQuery>();
        services.AddSingleton<DashboardHosts>();
        services.AddSingleton<DashboardAccess>();
        // Hosted services start in this order, all before Kestrel: the schema first.
        services.AddHostedService<StartupTasks>();
        services.AddSingleton<ReportWriter>();
        services.AddHostedService(s => s.GetRequiredService<ReportWriter>());
        services.AddSingleton<AlertMonitor>();
        services.AddHostedService(s => s.GetRequiredService<AlertMonitor>());
        services.AddSingleton<RetentionService>();
        services.AddHostedService(s => s.GetRequiredService<RetentionService>());
        services.AddHttpClient(AlertMonitor.ClientName).AddStandardResilienceHandler();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage");
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, CollectorJson.Default));
        // POST /reports stops reading at Ingestion:MaxBodyBytes and answers 413; Kestrel's own limit is higher, so it can
        // drain the rest of a moderately oversized body and the sender reads the 413 instead of a reset connection.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = Math.Max(1 << 20, options.Ingestion.MaxBodyBytes * 4));
        if (builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 })
        {
            services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(CollectorMetricNames.Meter).AddOtlpExporter());
        }

        if (options.Network.KnownProxies.Count > 0)
        {
            services.Configure<ForwardedHeadersOptions>(forwarded =>
            {
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                foreach (var proxy in options.Network.KnownProxies)
                {
                    forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
                }
            });
        }

        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(ReportsRateLimit, context => RateLimitPartition.GetTokenBucketLimiter(ClientKey(context), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(options.Ingestion.Burst, options.Ingestion.PermitsPerSecond),
                TokensPerPeriod = options.Ingestion.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                rejected.HttpContext.RequestServices.GetRequiredService<CollectorMetrics>().Rejected(RejectionReason.RateLimited);
                rejected.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                rejected.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await rejected.HttpContext.Response.WriteAsync(
                    $"This client address sent reports faster than this collector accepts from one address (reports a second: {options.Ingestion.PermitsPerSecond}, bursts up to {options.Ingestion.Burst}); send again after a second.\n",
                    Encoding.UTF8, cancellationToken).ConfigureAwait(false);
            };
        });

        var app = builder.Build();
        if (options.Network.KnownProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            return next(context);
        });
        app.UseRateLimiter();
        MapEndpoints(app);
        return app;
    }

    /// <summary>Builds and runs the app; a configuration error is printed as sentences and exits 2.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (CollectorConfigurationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        await using (app.ConfigureAwait(false))
        {
            await app.RunAsync().ConfigureAwait(false);
        }

        return 0;
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapPost("/reports", ReportsEndpoint.PostAsync).RequireRateLimiting(ReportsRateLimit);
        app.MapHealthChecks("/healthz");

        // The host name first (DNS rebinding), then who is asking; /reports and /healthz answer any name and anyone.
        var dashboard = app.MapGroup(string.Empty).AddEndpointFilter<DashboardHosts>().AddEndpointFilter<DashboardAccess>();
        dashboard.MapGet("/", async (HttpContext context, DashboardQuery query) =>
        {
            try
            {
                var model = await query.PageAsync(query.Filter(context.Request.Query, "/", DashboardQuery.PageFilters), context.RequestAborted).ConfigureAwait(false);
                return Results.Text(DashboardPage.Render(model), "text/html; charset=utf-8", Encoding.UTF8);
            }
            catch (ArgumentException ex)
            {
                return BadRequest(ex);
            }
        });
        dashboard.MapGet("/dashboard.css", () => Results.Text(Stylesheet.Value, "text/css; charset=utf-8", Encoding.UTF8));
        dashboard.MapGet("/api/hosts", async (HttpContext context, DashboardQuery query) =>
        {
            try
            {
                return Results.Json(await query.HostsAsync(query.Filter(context.Request.Query, "/api/hosts", DashboardQuery.ApiFilters), context.RequestAborted).ConfigureAwait(false), CollectorJson.Default.HostList);
            }
            catch (ArgumentException ex)
            {
                return BadRequest(ex);
            }
        });
        dashboard.MapGet("/api/hosts/{host}", async (string host, HttpContext context, DashboardQuery query) =>
        {
            try
            {
                return Results.Json(await query.HostAsync(query.Filter(context.Request.Query, "/api/hosts/{host}", DashboardQuery.ApiFilters, host), context.RequestAborted).ConfigureAwait(false), CollectorJson.Default.HostDetail);
            }
            catch (ArgumentException ex)
            {
                return BadRequest(ex);
            }
        });
    }

    private static IResult BadRequest(ArgumentException ex) => Results.Text(ex.Message + "\n", "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status400BadRequest);

    private static readonly Lazy<string> Stylesheet = new(() =>
    {
        using var stream = typeof(CollectorApp).Assembly.GetManifestResourceStream("Pinset.Collector.dashboard.css")
            ?? throw new InvalidOperationException("dashboard.css is not embedded in Pinset.Collector; the build is broken.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The rate-limit partition: the client's address, or its /64 for IPv6 (one host can hold a whole /64).</summary>
    internal static string ClientKey(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}

/// <summary>The collector's configuration has errors; the message lists every one, a sentence each.</summary>
internal sealed class CollectorConfigurationException(IReadOnlyList<string> errors)
    : Exception("The collector's configuration has " + (errors.Count == 1 ? "an error" : $"{errors.Count} errors") + ":\n  " + string.Join("\n  ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>What runs before the server listens: the schema migrations, then the start-up log lines.</summary>
internal sealed class StartupTasks(ReportStore store, PolicyCatalog policies, IOptions<CollectorOptions> options, ILogger<StartupTasks> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var version in await store.MigrateAsync(cancellationToken).ConfigureAwait(false))
        {
            CollectorLog.MigrationApplied(logger, version);
        }

        CollectorLog.StorageReady(logger, store.Description, Migrations.Latest, options.Value.Storage.Retention);
        if (string.IsNullOrEmpty(options.Value.Dashboard.ApiKey))
        {
            CollectorLog.DashboardLoopbackOnly(logger);
        }
        else
        {
            CollectorLog.DashboardKeyRequired(logger);
        }

        if (!string.IsNullOrEmpty(options.Value.Ingestion.Token))
        {
            CollectorLog.IngestionTokenRequired(logger);
        }

        foreach (var (path, count) in policies.Files)
        {
            CollectorLog.PolicyLoaded(logger, path, count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary><c>/healthz</c>: the database answers and the group-commit loop runs.</summary>
internal sealed class StorageHealthCheck(ReportStore store, ReportWriter writer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!writer.IsRunning)
        {
            return HealthCheckResult.Unhealthy("The group-commit loop is not running; reports cannot be stored.");
        }

        try
        {
            await store.PingAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"The {store.Description} answers.");
        }
        catch (System.Data.Common.DbException ex)
        {
            return HealthCheckResult.Unhealthy($"The {store.Description} does not answer: {ex.Message}", ex);
        }
    }
}
