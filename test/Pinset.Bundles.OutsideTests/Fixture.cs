using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pinset.Bundles.OutsideTests;

/// <summary>JWS pieces built by hand, as another tool (or an attacker) would.</summary>
public static class Jws
{
    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Enc(string text) => B64(Encoding.UTF8.GetBytes(text));

    public static byte[] Dec(string part) => Convert.FromBase64String(part.Replace('-', '+').Replace('_', '/').PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '='));

    public static string Text(string part) => Encoding.UTF8.GetString(Dec(part));

    public static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static string Pin(ECDsa key) => SpkiPin.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo()).ToString();

    public static string Header(ECDsa key) => $"{{\"alg\":\"ES256\",\"typ\":\"pinset-bundle\",\"kid\":\"{Pin(key)}\"}}";

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A payload with a raw version token (so "7", 7.0, 1e3 can be tried) and the given pinning JSON.</summary>
    public static string Payload(string versionToken, string issuedAt, string expires, string pinningJson) =>
        $"{{\"version\":{versionToken},\"issuedAt\":\"{issuedAt}\",\"expires\":\"{expires}\",\"pinning\":{pinningJson}}}";

    public static string SignRawBytes(ECDsa key, string headerB64, string payloadB64)
    {
        var input = $"{headerB64}.{payloadB64}";
        return $"{input}.{B64(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256))}";
    }

    public static string Sign(ECDsa key, string header, string payload) => SignRawBytes(key, Enc(header), Enc(payload));

    public static string PinningJson(params string[] pins) =>
        $"{{\"policies\":[{{\"hosts\":[\"{TestPki.DefaultHost}\"],\"pins\":[{string.Join(',', pins.Select(p => $"\"{p}\""))}]}}]}}";
}

/// <summary>A log provider that keeps every record and lets a test await one.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private readonly List<(Func<Entry, bool> Match, TaskCompletionSource<Entry> Done)> _waiters = [];

    public sealed record Entry(string Category, int EventId, string EventName, LogLevel Level, string Message);

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Completes with the first record (past or future) that matches.</summary>
    public Task<Entry> WaitFor(Func<Entry, bool> match, int skip = 0)
    {
        lock (_waiters)
        {
            var past = _entries.Where(match).Skip(skip).FirstOrDefault();
            if (past is not null)
            {
                return Task.FromResult(past);
            }

            var done = new TaskCompletionSource<Entry>(TaskCreationOptions.RunContinuationsAsynchronously);
            int seen = _entries.Count(match);
            _waiters.Add((e => match(e) && ++seen > skip, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public Task<Entry> WaitForBundleEvent() => WaitFor(e => e.Category == "Pinset" && e.EventId is 11 or 12 or 13 or 14);

    private void Add(Entry entry)
    {
        lock (_waiters)
        {
            _entries.Enqueue(entry);
            foreach (var waiter in _waiters.ToArray())
            {
                if (waiter.Match(entry))
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult(entry);
                }
            }
        }
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new Entry(category, eventId.Id, eventId.Name ?? string.Empty, logLevel, formatter(state, exception) + (exception is null ? string.Empty : " | " + exception.Message)));
    }
}

/// <summary>
/// One publisher and one app: a signing key, a PKI, a real Kestrel server on 127.0.0.1 that serves the bundle at
/// /pins.jws and the exchange API at anything else (reached as api.exchange.test through a loopback route), and a
/// state directory.
/// </summary>
public sealed class World : IAsyncDisposable
{
    private int _bundleRequests;

    private World(TestPki pki, string state)
    {
        Pki = pki;
        StateDirectory = state;
    }

    public TestPki Pki { get; }

    public ECDsa Signer { get; } = Jws.NewKey();

    public ECDsa Other { get; } = Jws.NewKey();

    public string StateDirectory { get; }

    public LoopbackHttpsServer Server { get; private set; } = null!;

    /// <summary>What /pins.jws answers. Default: 404 (so a host's start-up fetch fails until a test publishes).</summary>
    public Func<HttpContext, Task> Serve { get; set; } = context =>
    {
        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    };

    public int BundleRequests => Volatile.Read(ref _bundleRequests);

    public ConcurrentQueue<string?> IfNoneMatchSeen { get; } = new();

    public Uri BundleUrl => new(Server.Url(host: "127.0.0.1"), "/pins.jws");

    public Uri ApiUrl => new(Server.Url(), "/ticker");

    /// <summary>The embedded policy: the genuine intermediate and the backup key.</summary>
    public string[] GoodPins => [Pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()];

    /// <summary>Pins that the genuine server does not have.</summary>
    public string[] OtherPins => [TestPki.BackupPin.ToString(), Pki.InterceptorRoot.Pin.ToString()];

    public static async Task<World> StartAsync()
    {
        var state = Path.Combine(Path.GetTempPath(), "pinset-outside-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(state);
        var world = new World(new TestPki(), state);
        world.Server = await LoopbackHttpsServer.StartAsync(world.Pki, new LoopbackHttpsServerOptions
        {
            MapEndpoints = endpoints => endpoints.Map("/pins.jws", async context =>
            {
                Interlocked.Increment(ref world._bundleRequests);
                world.IfNoneMatchSeen.Enqueue(context.Request.Headers.IfNoneMatch.ToString() is { Length: > 0 } s ? s : null);
                await world.Serve(context).ConfigureAwait(false);
            }),
        });
        return world;
    }

    /// <summary>Serves <paramref name="body"/> as a static host would, with an ETag and 304 on a match.</summary>
    public void Publish(string body, string contentType = "application/jose")
    {
        var etag = "\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..16] + "\"";
        Serve = async context =>
        {
            if (context.Request.Headers.IfNoneMatch.ToString() == etag)
            {
                context.Response.StatusCode = 304;
                context.Response.Headers.ETag = etag;
                return;
            }

            context.Response.ContentType = contentType;
            context.Response.Headers.ETag = etag;
            await context.Response.WriteAsync(body).ConfigureAwait(false);
        };
    }

    public PinningConfiguration Config(params string[] pins) => new()
    {
        Policies = [new PinPolicyConfiguration { Hosts = [Pki.Host], Pins = [.. pins] }],
    };

    public string SignBundle(long version, string[]? pins = null, DateTimeOffset? issuedAt = null, DateTimeOffset? expires = null, ECDsa? key = null) =>
        PinBundle.Sign(Config(pins ?? OtherPins), version, issuedAt ?? DateTimeOffset.UtcNow.AddMinutes(-1), expires ?? DateTimeOffset.UtcNow.AddDays(7), key ?? Signer);

    /// <summary>A generic-host app wired as bundles.md shows: embedded policy, the bundle URL, the trusted key, a state directory.</summary>
    public IHost BuildApp(CapturedLogs logs, Action<PinningOptions>? configure = null, Action<IServiceCollection>? services = null, string? stateDirectory = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        builder.Services.AddCertificatePinning(options =>
        {
            options.Configuration = Config(GoodPins);
            options.CustomTrustRoots = Pki.TrustBoth();
            options.Bundles.Url = BundleUrl;
            options.Bundles.TrustedKeys.Add(Signer.ExportSubjectPublicKeyInfoPem());
            options.Bundles.StateDirectory = stateDirectory ?? StateDirectory;
            options.Bundles.CustomTrustRoots = [Pki.Root.Certificate];
            options.Bundles.MaxRetryAttempts = 0;
            options.Bundles.RefreshInterval = TimeSpan.FromHours(1);
            configure?.Invoke(options);
        });
        builder.Services.AddHttpClient("exchange").UseCertificatePinning();
        builder.Services.AddHealthChecks().AddCertificatePinning();
        services?.Invoke(builder.Services);
        builder.Services.AddLoopbackRoute(Pki.Host, Server.Port);
        return builder.Build();
    }

    /// <summary>Starts the app and waits for its start-up fetch to end (the default Serve answers 404: a failed fetch).</summary>
    public static async Task StartAndSettleAsync(IHost app, CapturedLogs logs)
    {
        await app.StartAsync();
        await logs.WaitFor(e => e.Category == "Pinset" && e.EventId == 14);
    }

    /// <summary>Answers 404 again (the URL withheld), as a restart's start-up fetch must see for tests to be deterministic.</summary>
    public void Withhold() => Serve = context =>
    {
        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    };

    public static IReadOnlyList<SpkiPin> PinsInForce(IHost app) =>
        app.Services.GetRequiredService<CertificatePinning>().Pinner.Policy.Find(TestPki.DefaultHost)?.Pins ?? [];

    public static Task<PinBundleRefreshResult> RefreshAsync(IHost app) => app.Services.GetRequiredService<CertificatePinning>().RefreshBundleAsync();

    /// <summary>A real request from the app's pinned client to the genuine server: true when it is accepted.</summary>
    public async Task<bool> GenuineAcceptedAsync(IHost app)
    {
        var http = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");
        try
        {
            return await http.GetStringAsync(ApiUrl) == "hello";
        }
        catch (PinValidationException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Pki.Dispose();
        Signer.Dispose();
        Other.Dispose();
        try
        {
            MakeWritable(StateDirectory);
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static void MakeWritable(string dir)
    {
        if (Directory.Exists(dir) && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
