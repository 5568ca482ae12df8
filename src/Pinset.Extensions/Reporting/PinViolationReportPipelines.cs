using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Registry;

namespace Pinset.Extensions;

/// <summary>
/// The resilience pipelines of report delivery, one per report endpoint (scheme, host and port), so a dead collector's
/// open circuit does not stop reports to another. Each is built on first use by Polly's own registry from what this
/// object was given when it was made, never from the container: a report queued as the app shuts down is sent while the
/// container is being disposed, when nothing can be resolved from it any more.
/// </summary>
internal sealed class PinViolationReportPipelines : IAsyncDisposable, IDisposable
{
    /// <summary>Where the pipeline writes each failed attempt's problem, on the request it sends.</summary>
    public static readonly HttpRequestOptionsKey<List<string>> FailedAttemptsKey = new("Pinset.Reports.FailedAttempts");

    private readonly PinningReportOptions _options;
    private readonly ResiliencePipelineRegistry<string> _registry;

    public PinViolationReportPipelines(PinningReportOptions options, TimeProvider time)
    {
        _options = options;
        _registry = new ResiliencePipelineRegistry<string>(new ResiliencePipelineRegistryOptions<string>
        {
            BuilderFactory = () => new ResiliencePipelineBuilder { TimeProvider = time },
        });
    }

    /// <summary>The pipeline of the endpoint <paramref name="request"/> goes to (the selector of the report client's <see cref="ResilienceHandler"/>).</summary>
    public ResiliencePipeline<HttpResponseMessage> For(HttpRequestMessage request) =>
        _registry.GetOrAddPipeline<HttpResponseMessage>(request.RequestUri!.GetLeftPart(UriPartial.Authority), Configure);

    /// <summary>Outermost first: the whole delivery's timeout, the retries, the circuit breaker, each attempt's timeout.</summary>
    private void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline)
    {
        // No Polly telemetry: its 'Polly' category would log every attempt at Information and each failure as a warning
        // with a stack trace; what delivery does is said once, in Pinset's own category, by the reporter.
        pipeline.AddTimeout(_options.TotalTimeout);
        if (_options.MaxAttempts > 1)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                ShouldHandle = args => ValueTask.FromResult(!OwnClientTrust.IsCertificateRefusal(args.Outcome.Exception) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                OnRetry = args =>
                {
                    if (args.Context.GetRequestMessage()?.Options.TryGetValue(FailedAttemptsKey, out var failed) == true)
                    {
                        failed.Add(PinViolationReportSender.Describe(args.Outcome.Result, args.Outcome.Exception));
                    }

                    return default;
                },
            });
        }

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = 1.0,
            MinimumThroughput = _options.BreakAfterFailures,
            SamplingDuration = TimeSpan.FromMinutes(1),
            BreakDuration = _options.BreakDuration,
        });
        pipeline.AddTimeout(_options.RequestTimeout);
    }

    public ValueTask DisposeAsync() => _registry.DisposeAsync();

    public void Dispose() => _registry.Dispose();
}
