using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Pinset.Extensions;

/// <summary>
/// At host start: builds the pinning (and starts the coverage guard when asked), then builds the handler chain of every
/// pinned IHttpClientFactory client once, so a client that cannot be pinned (a primary handler Pinset cannot pin, a
/// relaxed chain policy, another certificate callback) stops the start-up with its name, instead of failing at its first
/// request. No connection is made. Clients pinned through <c>ConfigureHttpClientDefaults</c> are checked by the names
/// the app configured, and by the default name for those it did not configure.
/// </summary>
internal sealed class PinningStartup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<CertificatePinning>();
        var names = services.GetRequiredService<PinnedClientNames>();
        if (services.GetService<IHttpMessageHandlerFactory>() is not { } handlers)
        {
            return Task.CompletedTask; // no IHttpClientFactory in this app: nothing more to check
        }

        var problems = new List<string>();
        foreach (var name in ClientNames(names))
        {
            try
            {
                handlers.CreateHandler(name);
            }
            catch (InvalidOperationException ex)
            {
                problems.Add($"HttpClient '{name}': {ex.Message}");
            }
        }

        return problems.Count == 0
            ? Task.CompletedTask
            : throw new InvalidOperationException($"{problems.Count} pinned HttpClient(s) cannot be pinned, so the app does not start:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Select(p => "  - " + p))}");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private IEnumerable<string> ClientNames(PinnedClientNames names)
    {
        var all = new SortedSet<string>(names.Named(), StringComparer.Ordinal);
        if (names.All)
        {
            // Clients added with no configuration of their own register no named options; the default name stands for them.
            all.Add(Options.DefaultName);
            foreach (var configure in services.GetServices<IConfigureOptions<HttpClientFactoryOptions>>())
            {
                if (configure is ConfigureNamedOptions<HttpClientFactoryOptions> { Name: { } name })
                {
                    all.Add(name);
                }
            }
        }

        return all;
    }
}
