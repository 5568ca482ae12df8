using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Pinset.Extensions.Tests;

/// <summary>A generic host as an app builds one, with the pinning section in reloadable in-memory configuration.</summary>
internal sealed class PinnedHost : IAsyncDisposable
{
    private PinnedHost(IHost host, IConfigurationRoot configuration)
    {
        Host = host;
        Configuration = configuration;
    }

    public IHost Host { get; }

    public IConfigurationRoot Configuration { get; }

    public IServiceProvider Services => Host.Services;

    public static Dictionary<string, string?> Section(IEnumerable<string> hosts, IEnumerable<SpkiPin> pins, string? mode = null)
    {
        var values = new Dictionary<string, string?>();
        int i = 0;
        foreach (var host in hosts)
        {
            values[$"pinning:policies:0:hosts:{i++}"] = host;
        }

        i = 0;
        foreach (var pin in pins)
        {
            values[$"pinning:policies:0:pins:{i++}"] = pin.ToString();
        }

        if (mode is not null)
        {
            values["pinning:policies:0:mode"] = mode;
        }

        return values;
    }

    /// <summary>Starts the host; the app trusts both test roots (as a client that trusts an interceptor's CA) unless <paramref name="systemTrust"/>.</summary>
    public static async Task<PinnedHost> StartAsync(Dictionary<string, string?> values, TestPki pki, Action<IServiceCollection>? services = null, bool systemTrust = false)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        var source = new ReloadableSource(values);
        ((IConfigurationBuilder)builder.Configuration).Add(source);
        builder.Services.AddFakeLogging();
        builder.Services.AddCertificatePinning(builder.Configuration.GetSection("pinning"), options => options.CustomTrustRoots = systemTrust ? null : pki.TrustBoth());
        services?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new PinnedHost(host, (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>());
    }

    /// <summary>Replaces the configuration and raises its reload token, as a changed appsettings.json does.</summary>
    public void Reload(Dictionary<string, string?> values)
    {
        foreach (var provider in Configuration.Providers.OfType<ReloadableSource.Provider>())
        {
            provider.Replace(values);
        }
    }

    public static SocketsHttpHandler RouteTo(int port, SocketsHttpHandler? handler = null) => Loopback.Route(handler ?? new SocketsHttpHandler(), port);

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        if (Host is IAsyncDisposable asynchronous)
        {
            await asynchronous.DisposeAsync();
        }
        else
        {
            Host.Dispose();
        }
    }

    private sealed class ReloadableSource(Dictionary<string, string?> initial) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(initial);

        public sealed class Provider : ConfigurationProvider
        {
            public Provider(Dictionary<string, string?> values) => Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);

            public void Replace(Dictionary<string, string?> values)
            {
                Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
                OnReload();
            }
        }
    }
}
