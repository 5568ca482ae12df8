using System.Text;
using Pinset.Formats;

namespace Pinset.Fuzz;

/// <summary>
/// The parsers fuzzed by AFL++ through SharpFuzz, by name. Each takes raw bytes; the one documented
/// <see cref="PinsetFormatException"/> is an ordinary outcome, and anything else escapes as a crash for AFL to record.
/// </summary>
public static class FuzzTargets
{
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>
    {
        // PEM or DER certificates, bundles, public keys and CSRs, as `pinset pin FILE` reads them.
        ["certificate"] = bytes => _ = PinSource.ReadAll(bytes, "fuzz"),

        // Policy JSON, as PinningPolicy.Load and the CLI read it (the bytes of a file, decoded as UTF-8).
        ["policy"] = bytes => _ = PinningPolicy.Parse(Encoding.UTF8.GetString(bytes), "fuzz"),

        // Android Network Security Config XML, as `pinset convert` reads it.
        ["android"] = bytes => _ = PolicyFormats.AndroidNsc.Read(Encoding.UTF8.GetString(bytes), new PolicyFormatContext { SourceName = "fuzz" }),

        // An HPKP header line, a pin, a host pattern: the short texts of the formats.
        ["text"] = bytes =>
        {
            var text = Encoding.UTF8.GetString(bytes);
            Ignore(() => SpkiPin.Parse(text));
            Ignore(() => CertificateFingerprint.Parse(text));
            Ignore(() => HostPattern.Parse(text));
            Ignore(() => PolicyFormats.Hpkp.Read(text, new PolicyFormatContext { SourceName = "fuzz", Host = "api.exchange.test", Now = DateTimeOffset.UnixEpoch }));
        },
    };

    /// <summary>Runs <paramref name="target"/> on <paramref name="input"/>; only an undocumented exception escapes.</summary>
    public static void Run(string target, byte[] input)
    {
        var parse = All.TryGetValue(target, out var found)
            ? found
            : throw new ArgumentException($"Unknown fuzz target '{target}'; expected one of: {string.Join(", ", All.Keys)}.", nameof(target));
        Ignore(() => parse(input));
    }

    private static void Ignore(Action parse)
    {
        try
        {
            parse();
        }
        catch (PinsetFormatException)
        {
            // The documented refusal of bad input.
        }
    }
}
