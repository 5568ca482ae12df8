using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;
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
/// Microsoft.Extensions.Http.Resilience pipeline bounds the whole delivery, retries transient failures with exponential
/// backoff and jitter, opens a circuit per report endpoint after repeated failures, and bounds each attempt. Shared by
/// <see cref="PinningReporter"/> and <see cref="PinViolationReportClient"/> (<c>pinset check --report</c>, the tunnel). A network reason never throws: it is an outcome.
/// </summary>
internal sealed class PinViolationReportSender(IHttpClientFactory clients, PinningReportOptions options)
{
    /// <summary>The report client. Its name starts with <see cref="PinnedClientNames.OwnPrefix"/>, so pinning every client never pins it: a failed report must never be reported.</summary>
    public const string ClientName = PinnedClientNames.OwnPrefix + "Reports";

    /// <summary>Where the pipeline writes each failed attempt's problem, on the request it sends.</summary>
    private static readonly HttpRequestOptionsKey<List<string>> FailedAttemptsKey = new("Pinset.Reports.FailedAttempts");

    /// <summary>
    /// Registers the sender and its client, with <paramref name="options"/> read once per report endpoint, when its
    /// pipeline is built. Uses the <see cref="TimeProvider"/> registered in the container (the system clock unless
    /// another was registered first), as Polly does.
    /// </summary>
    public static IHttpClientBuilder Register(IServiceCollection services, Func<IServiceProvider, PinningReportOptions> options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PinViolationReportSender(sp.GetRequiredService<IHttpClientFactory>(), options(sp)));
        var client = services.AddHttpClient(ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        client.AddResilienceHandler("pinset-reports", (pipeline, context) => Configure(pipeline, options(context.ServiceProvider)))
            .SelectPipelineByAuthority();
        return client;
    }

    /// <summary>Outermost first: the whole delivery's timeout, the retries, the circuit breaker, each attempt's timeout.</summary>
    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, PinningReportOptions options)
    {
        pipeline.AddTimeout(options.TotalTimeout);
        if (options.MaxAttempts > 1)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                OnRetry = args =>
                {
                    if (args.Context.GetRequestMessage()?.Options.TryGetValue(FailedAttemptsKey, out var failed) == true)
                    {
                        failed.Add(Describe(args.Outcome.Result, args.Outcome.Exception));
                    }

                    return default;
                },
            });
        }

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = 1.0,
            MinimumThroughput = options.BreakAfterFailures,
            SamplingDuration = TimeSpan.FromMinutes(1),
            BreakDuration = options.BreakDuration,
        });
        pipeline.AddTimeout(options.RequestTimeout);
    }

    /// <summary>Posts <paramref name="body"/> (JSON) to <paramref name="uri"/>. Throws only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<PinViolationReportOutcome> SendAsync(Uri uri, string body, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Options.Set(FailedAttemptsKey, failed);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
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
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            failed.Add(Describe(null, ex));
        }

        return new PinViolationReportOutcome(false, failed);
    }

    private static string Describe(HttpResponseMessage? response, Exception? error) => (response, error) switch
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
