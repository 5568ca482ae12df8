using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pinset.Formats;

namespace Pinset.Extensions.Tests.DocExamples;

/// <summary>The packages' own READMEs (src/*/README.md, shown on nuget.org), compiled as they stand.</summary>
internal static class PackageReadmeExamples
{
    public static HttpClient Core()
    {
        // <example:package-pinset>
        var pinner = new CertificatePinner(PinningPolicy.Load("pinning.json"));
        using var http = new HttpClient(new SocketsHttpHandler().UseCertificatePinning(pinner));
        // </example>
        return http;
    }

    public static void Formats()
    {
        // <example:package-formats>
        var configuration = PinningConfigurationJson.Load("pinning.json");
        var android = PolicyFormats.AndroidNsc.Write(configuration, new PolicyFormatContext());
        File.WriteAllText("network_security_config.xml", android.Value);
        foreach (var warning in android.Warnings)
        {
            Console.Error.WriteLine($"warning: {warning}");
        }
        // </example>
    }

    public static void Extensions(HostApplicationBuilder builder)
    {
        // <example:package-extensions>
        builder.Services.AddCertificatePinning(builder.Configuration.GetSection("pinning"));
        builder.Services.AddHttpClient<ExchangeApi>().UseCertificatePinning();
        builder.Services.AddHealthChecks().AddCertificatePinning();
        // </example>
    }

    public static async Task Testing(HttpClient client, InterceptingProxy interceptor, LoopbackHttpsServer genuine)
    {
        // <example:package-testing>
        var ticker = new Uri($"https://{TestPki.DefaultHost}/ticker");
        await PinningAssert.InterceptionRefusedAsync(client, ticker, interceptor); // refused; the interceptor saw no application data
        await PinningAssert.GenuineAcceptedAsync(client, ticker, genuine);
        // </example>
    }
}
