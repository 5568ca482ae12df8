using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Websocket.Client;

namespace Pinset.Extensions.Tests.DocExamples;

/// <summary>The short examples of docs/policy.md, docs/reporting.md and docs/integration.md that run nothing of their own, compiled as they stand.</summary>
internal static class PolicyAndReportingExamples
{
    public static PinningPolicy Load()
    {
        // <example:policy-load>
        PinningPolicy policy = PinningPolicy.Load("pinning.json"); // or Parse(json), or Create(PinningConfiguration)
        // </example>
        return policy;
    }

    public static CertificatePinner Builder()
    {
        // <example:policy-builder>
        var builder = new PinningPolicyBuilder();
        builder.AddPolicy(policy => policy
            .ForHost(HostPattern.Parse("api.exchange.com"))
            .ForHost(HostPattern.Parse("*.ws.exchange.com"))
            .Pin(SpkiPin.Parse("sha256/jQJTbIh0grw0/1TkHSumWb+Fs0Ggogr621gT3PvPKG0="))  // the issuing CA's key
            .Pin(SpkiPin.Parse("sha256/7HIpactkIAq2Y49orFOOQKurWxmmSFZhBCoQYcRhJ3Y="))  // the backup key, kept offline
            .ReportTo(new Uri("https://reports.exchange.com/pinning")));
        var pinner = new CertificatePinner(builder.Build());
        foreach (var warning in builder.Warnings)
        {
            Console.Error.WriteLine(warning);
        }
        // </example>
        return pinner;
    }

    public static void Reporting(HostApplicationBuilder builder)
    {
        // <example:reporting-options>
        builder.Services.AddCertificatePinning(builder.Configuration.GetSection("pinning"), options =>
        {
            options.Reporting.AppName = "market-maker";
            options.Reporting.AppVersion = "4.2.0";
            options.Reporting.MaxAttempts = 5; // the first attempt and 4 retries, with backoff and jitter
            options.Reporting.BreakDuration = TimeSpan.FromMinutes(1); // how long a failing collector is left alone
        });
        // </example>
    }

    public static void GenericHost(HostApplicationBuilder builder)
    {
        // <example:host-one-line>
        // In a generic host, the one line:
        builder.Services.AddCertificatePinning(builder.Configuration.GetSection("pinning"));
        builder.Services.AddHttpClient<ExchangeApi>().UseCertificatePinning();
        // </example>
    }

    public static void StopReconnecting(WebsocketClient client)
    {
        // <example:websocket-client>
        client.DisconnectionHappened.Subscribe(info =>
        {
            for (var e = info.Exception; e is not null; e = e.InnerException)
            {
                if (e is PinValidationException)
                {
                    info.CancelReconnection = true; // a verdict: do not reconnect to an interceptor
                }
            }
        });
        // </example>
    }
}
