using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pinset;
using Pinset.Extensions;
using Pinset.Extensions.OutsideApp;

// An app as README.md and docs/reporting.md show one: a generic host, the pinning section from its configuration (the
// command line here: --pinning:policies:0:hosts:0=...), a private CA from an explicit trust option, and a pinned
// IHttpClientFactory client. It calls --url once and then ends its host the way --shutdown names (HostEnding.Paths).
// Exit codes: 0 the call was refused by pinning and the app ended; 1 the call was not refused.
var builder = Host.CreateApplicationBuilder(args);
var roots = new X509Certificate2Collection();
roots.ImportFromPemFile(builder.Configuration["roots"] ?? throw new InvalidOperationException("Give --roots FILE.pem."));
builder.Services.AddCertificatePinning(builder.Configuration.GetSection("pinning"), options => options.CustomTrustRoots = roots);
builder.Services.AddHttpClient("exchange").UseCertificatePinning();
var shutdown = builder.Configuration["shutdown"] ?? "StopAsync, DisposeAsync";
var host = builder.Build();
await host.StartAsync();

int exit;
try
{
    await host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange").GetStringAsync(builder.Configuration["url"]);
    Console.WriteLine("The call was not refused.");
    exit = 1;
}
catch (PinValidationException ex)
{
    Console.WriteLine($"Refused: {ex.Result.Outcome}.");
    exit = 0;
}

await HostEnding.EndAsync(host, shutdown);
Console.WriteLine("Ended.");
return exit;
