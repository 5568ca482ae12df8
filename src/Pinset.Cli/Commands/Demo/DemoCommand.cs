using System.CommandLine;
using System.Net;
using System.Net.Sockets;

namespace Pinset.Cli;

/// <summary><c>pinset demo</c>: offline, a pinned client passes against a local exchange and is refused by a local interceptor.</summary>
internal static class DemoCommand
{
    public static Command Create(CliConsole output, Option<bool> json)
    {
        var command = new Command("demo", "Show pinning at work, offline: a local exchange, a local interceptor with a trusted CA, one pinned client.");
        command.SetAction(async (parse, cancel) =>
        {
            using var pki = new DemoPki();
            await using var exchange = new DemoServer(pki.Leaf, [pki.Intermediate], "BTC-USD 97000.00");
            await using var interceptor = new DemoServer(pki.InterceptorLeaf, [], "intercepted");
            var policy = PinningPolicy.Create(new()
            {
                Policies = [new HostPolicyConfiguration { Hosts = [DemoPki.Host], Pins = [SpkiPin.FromCertificate(pki.Intermediate).ToString(), SpkiPin.FromSubjectPublicKeyInfo("demo backup key"u8).ToString()] }],
            });
            var pinner = new CertificatePinner(policy, new CertificatePinnerOptions { CustomTrustRoots = [pki.Root, pki.InterceptorRoot] });
            var log = new List<string>
            {
                $"The client trusts two CAs: the exchange's and an interceptor's (as a corporate proxy or malware would install).",
                $"It pins {DemoPki.Host} to the exchange's issuing CA key {policy.Policies[0].Pins[0]} and a backup key.",
            };

            string? answer = null;
            using (var client = Client(pinner, exchange.Port))
            {
                answer = await client.GetStringAsync(new Uri($"https://{DemoPki.Host}/ticker"), cancel).ConfigureAwait(false);
                log.Add($"1. Exchange (127.0.0.1:{exchange.Port}): passed, answered '{answer}'.");
            }

            PinValidationException? refusal = null;
            using (var client = Client(pinner, interceptor.Port))
            {
                try
                {
                    await client.GetStringAsync(new Uri($"https://{DemoPki.Host}/ticker"), cancel).ConfigureAwait(false);
                    log.Add($"2. Interceptor (127.0.0.1:{interceptor.Port}): NOT refused. Pinning failed to stop it.");
                }
                catch (HttpRequestException ex) when (ex.InnerException is PinValidationException pinning)
                {
                    refusal = pinning;
                    log.Add($"2. Interceptor (127.0.0.1:{interceptor.Port}): refused before any request was sent ({interceptor.Requests} requests reached it):");
                    log.Add("   " + pinning.Message.Replace("\n", "\n   ", StringComparison.Ordinal));
                }
            }

            bool ok = answer is not null && refusal is not null && interceptor.Requests == 0;
            if (parse.GetValue(json))
            {
                output.Out.WriteLine(JsonDocumentWriter.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("exchangePassed", answer is not null);
                    w.WriteBoolean("interceptorRefused", refusal is not null);
                    w.WriteNumber("interceptorRequests", interceptor.Requests);
                    w.WriteString("failureBlock", refusal?.Message);
                    w.WriteEndObject();
                }));
            }
            else
            {
                log.ForEach(output.Out.WriteLine);
                output.Out.WriteLine(ok ? "Demo passed: pinning let the exchange through and cut off the interceptor." : "Demo FAILED.");
            }

            return ok ? ExitCodes.Success : ExitCodes.Refused;
        });
        return command;
    }

    private static HttpClient Client(CertificatePinner pinner, int port) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, token) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, port, token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        },
    }.UseCertificatePinning(pinner));
}
