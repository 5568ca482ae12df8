using System.Globalization;
using System.Text;

namespace Pinset.Tunnel.Tests;

/// <summary>
/// A FIX 4.4 message as QuickFIX/n puts it on the wire: tag=value fields separated by SOH, BeginString, BodyLength and
/// MsgType first, CheckSum last (the byte sum modulo 256). Enough of the protocol to carry a session through the tunnel
/// as an engine would: Logon, TestRequest and Heartbeat, Logout.
/// </summary>
internal sealed record FixMessage(string Type, IReadOnlyList<(int Tag, string Value)> Fields)
{
    public const char Soh = '\u0001';

    public string? this[int tag] => Fields.FirstOrDefault(f => f.Tag == tag).Value;

    /// <summary>The message's bytes, with its sender, target and sequence number (tags 49, 56, 34).</summary>
    public byte[] Encode(string sender, string target, int sequence)
    {
        var body = new StringBuilder().Append("35=").Append(Type).Append(Soh)
            .Append("49=").Append(sender).Append(Soh).Append("56=").Append(target).Append(Soh)
            .Append("34=").Append(sequence.ToString(CultureInfo.InvariantCulture)).Append(Soh)
            .Append("52=20261203-09:30:00.000").Append(Soh);
        foreach (var (tag, value) in Fields)
        {
            body.Append(tag.ToString(CultureInfo.InvariantCulture)).Append('=').Append(value).Append(Soh);
        }

        var head = $"8=FIX.4.4{Soh}9={Encoding.ASCII.GetByteCount(body.ToString()).ToString(CultureInfo.InvariantCulture)}{Soh}{body}";
        int sum = Encoding.ASCII.GetBytes(head).Sum(b => b) % 256;
        return Encoding.ASCII.GetBytes($"{head}10={sum.ToString("000", CultureInfo.InvariantCulture)}{Soh}");
    }

    /// <summary>Reads one message from <paramref name="stream"/>; null at the end of the stream. Fails on a message whose BodyLength or CheckSum is wrong.</summary>
    public static async Task<FixMessage?> ReadAsync(Stream stream, CancellationToken cancel = default)
    {
        var text = new StringBuilder();
        var one = new byte[1];
        // A message ends with its CheckSum field: SOH, '10=', three digits, SOH.
        while (text.Length < 8 || text[^1] != Soh || text.ToString(text.Length - 8, 4) != $"{Soh}10=")
        {
            if (await stream.ReadAsync(one, cancel) == 0)
            {
                return text.Length == 0 ? null : throw new InvalidDataException($"The stream ended inside a FIX message: '{text}'.");
            }

            text.Append((char)one[0]);
        }

        var raw = text.ToString();
        int trailer = raw.LastIndexOf($"{Soh}10=", StringComparison.Ordinal) + 1;
        int sum = Encoding.ASCII.GetBytes(raw[..trailer]).Sum(b => b) % 256;
        var fields = raw.TrimEnd(Soh).Split(Soh).Select(f => f.Split('=', 2)).Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), p[1])).ToList();
        int length = int.Parse(fields[1].Item2, CultureInfo.InvariantCulture);
        int bodyStart = raw.IndexOf(Soh, raw.IndexOf($"{Soh}9=", StringComparison.Ordinal) + 1) + 1;
        if (fields[^1].Item2 != sum.ToString("000", CultureInfo.InvariantCulture) || trailer - bodyStart != length)
        {
            throw new InvalidDataException($"The FIX message '{raw.Replace(Soh, '|')}' has a wrong BodyLength or CheckSum.");
        }

        return new FixMessage(fields[2].Item2, [.. fields.Skip(3).Where(f => f.Item1 is not (49 or 56 or 34 or 52 or 10))]);
    }

    public static FixMessage Logon(int heartbeatSeconds) => new("A", [(98, "0"), (108, heartbeatSeconds.ToString(CultureInfo.InvariantCulture))]);

    public static FixMessage TestRequest(string id) => new("1", [(112, id)]);

    public static FixMessage Heartbeat(string? testRequestId) => new("0", testRequestId is null ? [] : [(112, testRequestId)]);

    public static FixMessage Logout() => new("5", []);
}
