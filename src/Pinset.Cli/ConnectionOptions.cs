using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Cli;

/// <summary>The options every connecting command shares, like curl's: --ca-file, --resolve, --sni, --timeout.</summary>
internal sealed class ConnectionOptions
{
    public Option<FileInfo?> CaFile { get; } = new("--ca-file") { HelpName = "FILE", Description = "Trust the root certificates in this PEM file instead of the system store (like curl's --cacert)." };

    public Option<string[]> Resolve { get; } = new("--resolve") { HelpName = "HOST:PORT:ADDR", Description = "Connect HOST:PORT to ADDR instead of resolving it (like curl's --resolve). Repeatable.", AllowMultipleArgumentsPerToken = false };

    public Option<string?> Sni { get; } = new("--sni") { HelpName = "NAME", Description = "The TLS server name to send and validate, instead of the target's host." };

    public Option<double> Timeout { get; } = new("--timeout") { HelpName = "SECONDS", Description = "Seconds to wait for the connection and handshake.", DefaultValueFactory = _ => 10 };

    public void AddTo(Command command)
    {
        command.Options.Add(CaFile);
        command.Options.Add(Resolve);
        command.Options.Add(Sni);
        command.Options.Add(Timeout);
    }

    public ConnectionSettings Read(ParseResult parse)
    {
        double seconds = parse.GetValue(Timeout);
        if (!(seconds > 0 && seconds <= 3600))
        {
            throw new CliException(ExitCodes.BadInput, $"--timeout '{seconds.ToString(CultureInfo.InvariantCulture)}' is not a number of seconds between 0 and 3600.");
        }

        var resolves = new List<ResolveEntry>();
        foreach (var entry in parse.GetValue(Resolve) ?? [])
        {
            resolves.Add(ResolveEntry.Parse(entry));
        }

        return new ConnectionSettings(ReadRoots(parse.GetValue(CaFile)), resolves, parse.GetValue(Sni), TimeSpan.FromSeconds(seconds));
    }

    private static X509Certificate2Collection? ReadRoots(FileInfo? file)
    {
        if (file is null)
        {
            return null;
        }

        byte[] content;
        try
        {
            content = File.ReadAllBytes(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.BadInput, $"--ca-file '{file}' cannot be read: {ex.Message}", ex);
        }

        try
        {
            var roots = new X509Certificate2Collection();
            foreach (var source in PinSource.ReadAll(content, file.ToString()))
            {
                if (source.Kind != PinSourceKind.Certificate)
                {
                    throw new CliException(ExitCodes.BadInput, $"--ca-file '{file}' holds a {source.Kind}; expected only CA certificates.");
                }
            }

            roots.ImportFromPemFile(file.FullName);
            return roots.Count > 0 ? roots : throw new CliException(ExitCodes.BadInput, $"--ca-file '{file}' holds no PEM certificate.");
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
