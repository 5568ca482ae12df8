using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Pinset.Formats;

namespace Pinset.Cli;

/// <summary>The options every connecting command shares, named and written as curl's: --ca-file, --resolve, --connect-to, --proxy, --sni, --timeout.</summary>
internal sealed class ConnectionOptions
{
    public Option<string?> CaFile { get; } = new("--ca-file", "--cacert") { HelpName = "FILE", Description = "Trust the root certificates in this PEM (or DER) file instead of the system store; '-' reads standard input." };

    public Option<string[]> Resolve { get; } = new("--resolve") { HelpName = "HOST:PORT:ADDR[,ADDR]", Description = "Connect HOST:PORT to ADDR instead of resolving it, as curl's --resolve; HOST '*' is any host. Repeatable.", AllowMultipleArgumentsPerToken = false };

    public Option<string[]> ConnectTo { get; } = new("--connect-to") { HelpName = "HOST1:PORT1:HOST2:PORT2", Description = "Connect to HOST2:PORT2 for HOST1:PORT1, as curl's --connect-to (the TLS name stays HOST1); an empty field is any. Repeatable.", AllowMultipleArgumentsPerToken = false };

    public Option<string?> Proxy { get; } = new("--proxy", "-x") { HelpName = "URL", Description = "Connect through this HTTP proxy (CONNECT), such as http://proxy:3128; default HTTPS_PROXY or ALL_PROXY, and '' for none." };

    public Option<string?> NoProxy { get; } = new("--noproxy") { HelpName = "HOSTS", Description = "Hosts (comma-separated; a domain covers its subdomains; '*' is all) reached without the proxy; default NO_PROXY." };

    public Option<string?> Sni { get; } = new("--sni") { HelpName = "NAME", Description = "The TLS server name to send and validate, instead of the target's host." };

    public Option<string> Timeout { get; } = new("--timeout", "--max-time") { HelpName = "DURATION", Description = "How long to wait for the connection and handshake: seconds (10, 2.5) or 500ms, 2s, 1m.", DefaultValueFactory = _ => "10" };

    public void AddTo(Command command)
    {
        command.Options.Add(CaFile);
        command.Options.Add(Resolve);
        command.Options.Add(ConnectTo);
        command.Options.Add(Proxy);
        command.Options.Add(NoProxy);
        command.Options.Add(Sni);
        command.Options.Add(Timeout);
    }

    public async Task<ConnectionSettings> ReadAsync(ParseResult parse, CliConsole console, CancellationToken cancel)
    {
        // Named as the user spelled it: --timeout, or curl's --max-time.
        var timeout = Duration.Parse(parse.GetValue(Timeout)!, parse.GetResult(Timeout)?.IdentifierToken?.Value ?? Timeout.Name);

        var resolves = (parse.GetValue(Resolve) ?? []).Select(ResolveEntry.Parse).ToList();
        var connectTos = (parse.GetValue(ConnectTo) ?? []).Select(ConnectToEntry.Parse).ToList();
        var proxy = ProxySettings.Read(parse.GetValue(Proxy), parse.GetValue(NoProxy), console.Environment);
        var roots = parse.GetValue(CaFile) is { } caFile ? await ReadRootsAsync(caFile, console, cancel).ConfigureAwait(false) : null;
        return new ConnectionSettings(roots, resolves, parse.GetValue(Sni), timeout) { ConnectTos = connectTos, Proxy = proxy };
    }

    /// <summary>The CA certificates of a PEM bundle or a DER certificate, read once (a pipe or <c>/dev/stdin</c> can be read only once).</summary>
    internal static async Task<X509Certificate2Collection> ReadRootsAsync(string file, CliConsole console, CancellationToken cancel)
    {
        var content = await console.Files.ReadAsync(file, "--ca-file a PEM file of CA certificates", cancel).ConfigureAwait(false);
        string name = InputFile.Display(file);
        try
        {
            foreach (var source in PinSource.ReadAll(content, name))
            {
                if (source.Kind != PinSourceKind.Certificate)
                {
                    throw new CliException(ExitCodes.BadInput, $"--ca-file '{name}' holds a {source.Kind}; expected only CA certificates.");
                }
            }

            var roots = new X509Certificate2Collection();
            if (content.AsSpan().IndexOf("-----BEGIN"u8) >= 0)
            {
                roots.ImportFromPem(System.Text.Encoding.ASCII.GetString(content));
            }
            else
            {
                roots.Add(X509CertificateLoader.LoadCertificate(content));
            }

            return roots;
        }
        catch (PinsetFormatException ex)
        {
            throw new CliException(ExitCodes.BadInput, $"--ca-file: {ex.Message}", ex);
        }
    }
}
