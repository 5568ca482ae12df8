using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Cli;

/// <summary>The options every connecting command shares, like curl's: --ca-file, --resolve, --sni, --timeout.</summary>
internal sealed class ConnectionOptions
{
    public Option<string?> CaFile { get; } = new("--ca-file", "--cacert") { HelpName = "FILE", Description = "Trust the root certificates in this PEM (or DER) file instead of the system store; '-' reads standard input." };

    public Option<string[]> Resolve { get; } = new("--resolve") { HelpName = "HOST:PORT:ADDR", Description = "Connect HOST:PORT to ADDR instead of resolving it (like curl's --resolve). Repeatable.", AllowMultipleArgumentsPerToken = false };

    public Option<string?> Sni { get; } = new("--sni") { HelpName = "NAME", Description = "The TLS server name to send and validate, instead of the target's host." };

    public Option<string> Timeout { get; } = new("--timeout", "--max-time") { HelpName = "DURATION", Description = "How long to wait for the connection and handshake: seconds (10, 2.5) or 500ms, 2s, 1m.", DefaultValueFactory = _ => "10" };

    public void AddTo(Command command)
    {
        command.Options.Add(CaFile);
        command.Options.Add(Resolve);
        command.Options.Add(Sni);
        command.Options.Add(Timeout);
    }

    public async Task<ConnectionSettings> ReadAsync(ParseResult parse, CliConsole console, CancellationToken cancel)
    {
        var timeout = Duration.Parse(parse.GetValue(Timeout)!, "--timeout");

        var resolves = new List<ResolveEntry>();
        foreach (var entry in parse.GetValue(Resolve) ?? [])
        {
            resolves.Add(ResolveEntry.Parse(entry));
        }

        var roots = parse.GetValue(CaFile) is { } caFile ? await ReadRootsAsync(caFile, console, cancel).ConfigureAwait(false) : null;
        return new ConnectionSettings(roots, resolves, parse.GetValue(Sni), timeout);
    }

    /// <summary>The CA certificates of a PEM bundle or a DER certificate, read once (a pipe or <c>/dev/stdin</c> can be read only once).</summary>
    private static async Task<X509Certificate2Collection> ReadRootsAsync(string file, CliConsole console, CancellationToken cancel)
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

/// <summary>What a connecting command was told about how to connect.</summary>
internal sealed record ConnectionSettings(X509Certificate2Collection? Roots, IReadOnlyList<ResolveEntry> Resolves, string? Sni, TimeSpan Timeout)
{
    public static ConnectionSettings Default { get; } = new(null, [], null, TimeSpan.FromSeconds(10));
}

/// <summary>One <c>--resolve HOST:PORT:ADDR</c>.</summary>
internal sealed record ResolveEntry(string Host, int Port, IPAddress Address)
{
    public static ResolveEntry Parse(string text)
    {
        int first = text.IndexOf(':', StringComparison.Ordinal);
        int second = first < 0 ? -1 : text.IndexOf(':', first + 1);
        if (first <= 0 || second < 0
            || !int.TryParse(text.AsSpan(first + 1, second - first - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535
            || !IPAddress.TryParse(text.AsSpan(second + 1).Trim("[]"), out var address)
            || !HostName.TryNormalize(text[..first], out var host))
        {
            throw new CliException(ExitCodes.BadInput, $"--resolve '{text}' is not HOST:PORT:ADDR, such as 'api.exchange.com:443:127.0.0.1'.");
        }

        return new ResolveEntry(host, port, address);
    }
}
