using System.Globalization;
using System.Net;

namespace Pinset.Cli;

/// <summary>
/// One <c>--resolve [+]HOST:PORT:ADDR[,ADDR]...</c>, as curl writes it: HOST <c>*</c> is any host, IPv6 addresses may
/// be bracketed, and the addresses are tried in order.
/// </summary>
internal sealed record ResolveEntry(string? Host, int Port, IReadOnlyList<IPAddress> Addresses)
{
    public bool Matches(string host, int port) => port == Port && (Host is null || Host == host);

    public static ResolveEntry Parse(string text)
    {
        var fields = Fields.Split(text.StartsWith('+') ? text[1..] : text, 3);
        if (text.StartsWith('-'))
        {
            throw new CliException(ExitCodes.BadInput, $"--resolve '{text}' removes an entry, as curl's '-HOST:PORT' does; pinset keeps no entries to remove, so leave it out.");
        }

        var addresses = new List<IPAddress>();
        foreach (var address in fields is null ? [] : fields[2].Split(','))
        {
            if (!IPAddress.TryParse(address.Trim().Trim('[', ']'), out var parsed))
            {
                addresses.Clear();
                break;
            }

            addresses.Add(parsed);
        }

        string? host = null;
        if (fields is null || addresses.Count == 0 || !Fields.TryPort(fields[1], out int port)
            || (fields[0] != "*" && !HostName.TryNormalize(fields[0].Trim('[', ']'), out host)))
        {
            throw new CliException(ExitCodes.BadInput, $"--resolve '{text}' is not HOST:PORT:ADDR[,ADDR], such as 'api.exchange.com:443:127.0.0.1' or '*:443:127.0.0.1'.");
        }

        return new ResolveEntry(host, port, addresses);
    }
}

/// <summary>One <c>--connect-to HOST1:PORT1:HOST2:PORT2</c>, as curl writes it; an empty field matches any host or port, or keeps it.</summary>
internal sealed record ConnectToEntry(string? FromHost, int? FromPort, string? ToHost, int? ToPort)
{
    /// <summary>Where to connect for <paramref name="host"/>:<paramref name="port"/>, or null when this entry does not apply.</summary>
    public (string Host, int Port)? Apply(string host, int port) =>
        (FromHost is null || FromHost == host) && (FromPort is null || FromPort == port) ? (ToHost ?? host, ToPort ?? port) : null;

    public static ConnectToEntry Parse(string text)
    {
        var fields = Fields.Split(text, 4);
        string? from = null, to = null;
        int fromPort = 0, toPort = 0;
        if (fields is null || fields[3].Contains(':', StringComparison.Ordinal)
            || (fields[0].Length > 0 && !HostName.TryNormalize(fields[0].Trim('[', ']'), out from))
            || (fields[1].Length > 0 && !Fields.TryPort(fields[1], out fromPort))
            || (fields[2].Length > 0 && !HostName.TryNormalize(fields[2].Trim('[', ']'), out to))
            || (fields[3].Length > 0 && !Fields.TryPort(fields[3], out toPort)))
        {
            throw new CliException(ExitCodes.BadInput, $"--connect-to '{text}' is not HOST1:PORT1:HOST2:PORT2, such as 'api.exchange.com:443:staging.exchange.com:8443' (an empty field is any host or port).");
        }

        return new ConnectToEntry(from, fields[1].Length > 0 ? fromPort : null, to, fields[3].Length > 0 ? toPort : null);
    }
}

/// <summary>Splitting curl's colon-separated option values, where a bracketed IPv6 address keeps its colons.</summary>
internal static class Fields
{
    /// <summary>The first <paramref name="count"/> - 1 fields and the rest; null when there are fewer.</summary>
    public static string[]? Split(string text, int count)
    {
        var fields = new List<string>();
        int start = 0;
        bool bracketed = false;
        for (int i = 0; i < text.Length && fields.Count < count - 1; i++)
        {
            bracketed = text[i] == '[' || (bracketed && text[i] != ']');
            if (text[i] == ':' && !bracketed)
            {
                fields.Add(text[start..i]);
                start = i + 1;
            }
        }

        if (fields.Count < count - 1)
        {
            return null;
        }

        fields.Add(text[start..]);
        return [.. fields];
    }

    public static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}
