using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Pinset.Extensions.Tests.DocExamples;

/// <summary>
/// docs/bundles.md's client wiring, compiled as it stands. It names a real publisher's URL, so it is compiled, not run;
/// the same options run against a real HTTPS bundle server in <see cref="PinBundleSourceTests"/>.
/// </summary>
internal static class BundleExamples
{
    public static IHost Client(string[] args)
    {
        // <example:bundles-client>
        var builder = Host.CreateApplicationBuilder(args);

        // The policy in appsettings.json is the embedded fallback: in force until the first bundle arrives.
        builder.Services.AddCertificatePinning(builder.Configuration.GetSection("pinning"), options =>
        {
            options.Bundles.Url = new Uri("https://pins.exchange.example/tradebot/pins.jws");
            options.Bundles.TrustedKeys.Add(SigningKeys.Current); // the PEM text of signer.pub, a constant of the app
            options.Bundles.TrustedKeys.Add(SigningKeys.Next);    // its successor, for a signing-key rotation
            options.Bundles.StateDirectory = Path.Combine(
                Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "TradeBot", "pinset");
            options.Bundles.RefreshInterval = TimeSpan.FromHours(1);
            options.Bundles.OnExpiry = PinBundleExpiry.FailClosed;
        });
        builder.Services.AddHttpClient<ExchangeApi>().UseCertificatePinning();
        builder.Services.AddHealthChecks().AddCertificatePinning();
        // </example>
        return builder.Build();
    }

    /// <summary>The publisher's public keys, as <c>pinset bundle keygen</c> wrote them (placeholders here).</summary>
    private static class SigningKeys
    {
        public const string Current = "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----";
        public const string Next = "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----";
    }
}
