using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Pinset.Extensions;

/// <summary>What became of one report sent to one URI: delivered or not, and a sentence for each attempt that failed, in order.</summary>
internal sealed record PinViolationReportOutcome(bool Delivered, IReadOnlyList<string> FailedAttempts)
{
    /// <summary>Attempts made, the successful one included.</summary>
    public int Attempts => FailedAttempts.Count + (Delivered ? 1 : 0);

    /// <summary>Why the report was not delivered (the last attempt's problem); null when it was.</summary>
    public string? Problem => Delivered ? null : FailedAttempts[^1];
}

/// <summary>
/// Posts one RFC 7469 report body to one URI through the <see cref="ClientName"/> client of IHttpClientFactory, whose
/// Microsoft.Extensions.Http.Resilience handler (<see cref="PinViolationReportPipelines"/>) bounds the whole delivery,
/// retries transient failures with exponential backoff and jitter, opens a circuit per report endpoint after repeated
/// failures, and bounds each attempt. Shared by <see cref="PinningReporter"/> and <see cref="PinViolationReportClient"/>
/// (<c>pinset check --report</c>, the tunnel). A network reason never throws: it is an outcome.
/// </summary>
/// <remarks>
/// The client's handler is made once, with the sender, and kept (its connections are renewed every two minutes, so DNS
/// changes are followed as a factory's rotation would): sending then needs nothing from the container, so the reports
/// queued when the app shuts down are sent while the container is being disposed.
/// </remarks>
internal sealed class PinViolationReportSender(IHttpMessageHandlerFactory handlers, PinningReportOptions options, OwnClientTrust trust)
{
    /// <summary>The report client. Its name starts with <see cref="PinnedClientNames.OwnPrefix"/>, so pinning every client never pins it: a failed report must never be reported.</summary>
    public const string ClientName = PinnedClientNames.OwnPrefix + "Reports";

    private readonly HttpMessageInvoker _client = new(handlers.CreateHandler(ClientName), disposeHandler: false);

    /// <summary>
    /// Registers the sender and its client, with <paramref name="options"/> read once, when the pipelines are made, and
    /// the report client's trust (<see cref="OwnClientTrust"/>: <see cref="PinningReportOptions.CustomTrustRoots"/>,
    /// else <paramref name="appRoots"/>, else the system's roots). Uses the <see cref="TimeProvider"/> registered in the
    /// container (the system clock unless another was registered first), as Polly does.
    /// </summary>
    public static IHttpClientBuilder Register(IServiceCollection services, Func<IServiceProvider, PinningReportOptions> options, Func<IServiceProvider, X509Certificate2Collection?>? appRoots = null)
    {
        OwnClientTrust Trust(IServiceProvider sp) => new("the report client", "report endpoint", "Reporting.CustomTrustRoots", options(sp).CustomTrustRoots, appRoots?.Invoke(sp));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PinViolationReportPipelines(options(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new PinViolationReportSender(sp.GetRequiredService<IHttpMessageHandlerFactory>(), options(sp), Trust(sp)));
        return services.AddHttpClient(ClientName)
            .RemoveAllLoggers() // the factory's 'System.Net.Http.HttpClient...' lines at Information for every report: Pinset says what matters
            .ConfigurePrimaryHttpMessageHandler(sp => Trust(sp).Handler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(sp => new ResilienceHandler(sp.GetRequiredService<PinViolationReportPipelines>().For));
    }

    /// <summary>Posts <paramref name="body"/> (JSON) to <paramref name="uri"/>. Throws only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<PinViolationReportOutcome> SendAsync(Uri uri, string body, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Options.Set(PinViolationReportPipelines.FailedAttemptsKey, failed);
        try
        {
            using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return new PinViolationReportOutcome(true, failed);
            }

            failed.Add(Describe(response, null));
        }
        catch (TimeoutRejectedException ex) when (ex.Timeout == options.TotalTimeout && failed.Count > 0)
        {
            failed.Add($"not delivered within {Seconds(ex.Timeout)}, every attempt included; the last attempt before that: {failed[^1]}");
        }
        catch (HttpRequestException ex) when (OwnClientTrust.IsCertificateRefusal(ex))
        {
            failed.Add($"{ErrorText.WithCauses(ex)} {trust.Refusal().TrimEnd('.')}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            failed.Add(Describe(null, ex));
        }

        return new PinViolationReportOutcome(false, failed);
    }

    /// <summary>A failed attempt's problem, as a phrase.</summary>
    internal static string Describe(HttpResponseMessage? response, Exception? error) => (response, error) switch
    {
        ({ } answer, _) => $"answered {(int)answer.StatusCode} {answer.ReasonPhrase}".TrimEnd(),
        (_, TimeoutRejectedException timeout) => $"no answer within {Seconds(timeout.Timeout)}",
        (_, BrokenCircuitException) => "the endpoint failed repeatedly, so its circuit is open and no request was made",
        (_, { } other) => other.Message.TrimEnd('.'),
        _ => "no answer",
    };

    private static string Seconds(TimeSpan time) =>
        time.TotalSeconds == 1 ? "1 second" : $"{time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} seconds";
}
