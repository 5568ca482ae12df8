using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using FsCheck;
using FsCheck.Fluent;

namespace Pinset.AttackTests;

/// <summary>
/// Generated spellings of pinned hosts reach the policy their canonical form reaches: case, trailing dots, IDN in
/// Unicode or punycode, IPv4 in the short, hexadecimal, octal and 32-bit forms .NET accepts, IPv4-mapped IPv6, IPv6
/// with and without brackets, expanded or upper case, and with zone ids. Each spelling is judged by a pinner that
/// requires every host to be pinned, against an interceptor's chain: the canonical verdict is PinMismatch, so a spelling
/// that slipped past its policy would show as UnpinnedHostRefused (or as NoPolicy without the requirement), and fail.
/// </summary>
public sealed class HostSpellingPropertyTests : IDisposable
{
    private static readonly string[] Canonical = ["api.exchange.test", "xn--bcher-kva.exchange.test", "127.0.0.1", "10.1.2.3", "::1", "fe80::1", "2001:db8::7"];

    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private static Gen<string> CaseOf(string name) =>
        Gen.ListOf(Gen.Elements(true, false), name.Length).Select(upper => new string([.. name.Select((c, i) => upper[i] ? char.ToUpperInvariant(c) : c)]));

    private static Gen<string> Dns(string canonical) =>
        from spelled in Gen.Elements(canonical, canonical.Replace("xn--bcher-kva", "bücher", StringComparison.Ordinal))
        from cased in CaseOf(spelled)
        from dot in Gen.Elements(string.Empty, ".")
        select cased + dot;

    private static Gen<string> IPv4(string canonical)
    {
        var octets = canonical.Split('.').Select(o => int.Parse(o, CultureInfo.InvariantCulture)).ToArray();
        uint whole = (uint)((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]);
        Gen<string> Octet(int value) => Gen.Elements(
            value.ToString(CultureInfo.InvariantCulture),
            "0x" + value.ToString("x", CultureInfo.InvariantCulture),
            "0X" + value.ToString("X2", CultureInfo.InvariantCulture),
            "0" + Convert.ToString(value, 8));
        var dotted = from a in Octet(octets[0]) from b in Octet(octets[1]) from c in Octet(octets[2]) from d in Octet(octets[3]) select $"{a}.{b}.{c}.{d}";
        var mapped = Gen.Elements($"::ffff:{canonical}", $"[::ffff:{canonical}]", $"::FFFF:{whole >> 16:x}:{whole & 0xffff:x}", $"0:0:0:0:0:ffff:{canonical}");
        return Gen.OneOf(
            dotted,
            Gen.Elements(
                $"{octets[0]}.{(octets[1] << 16) | (octets[2] << 8) | octets[3]}", // a.b (24-bit last part)
                $"{octets[0]}.{octets[1]}.{(octets[2] << 8) | octets[3]}", // a.b.c (16-bit last part)
                whole.ToString(CultureInfo.InvariantCulture),
                "0x" + whole.ToString("x", CultureInfo.InvariantCulture)),
            mapped);
    }

    private static Gen<string> IPv6(string canonical)
    {
        string expanded = string.Join(':', IPAddress.Parse(canonical).GetAddressBytes().Chunk(2).Select(p => ((p[0] << 8) | p[1]).ToString("x4", CultureInfo.InvariantCulture)));
        return from form in Gen.Elements(canonical, expanded, expanded.ToUpperInvariant(), canonical.ToUpperInvariant())
               from zone in Gen.Elements(string.Empty, "%1", "%lo", "%eth0", "%25")
               from brackets in Gen.Elements(true, false)
               select brackets ? $"[{form}{zone}]" : form + zone;
    }

    private static Gen<(string Canonical, string Spelling)> Spellings { get; } =
        from canonical in Gen.Elements(Canonical)
        from spelling in canonical.Contains(':', StringComparison.Ordinal) ? IPv6(canonical)
            : char.IsAsciiDigit(canonical[0]) ? IPv4(canonical)
            : Dns(canonical)
        select (canonical, spelling);

    [Fact]
    public void GeneratedSpelling_SameVerdictAsCanonicalHost()
    {
        var pinner = _pki.Pinner(
            new HostPolicyConfiguration { Hosts = Canonical, Pins = [_pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] },
            requirePinnedHosts: true);
        using var chain = new X509Chain { ChainPolicy = { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck } };
        chain.ChainPolicy.CustomTrustStore.Add(_pki.InterceptorRoot.Certificate);
        Assert.True(chain.Build(_pki.InterceptorLeaf));

        PropertyRun.Check(Spellings.ToArbitrary(), pair =>
        {
            var canonical = pinner.Validate(pair.Canonical, _pki.InterceptorLeaf, chain, SslPolicyErrors.None);
            var spelled = pinner.Validate(pair.Spelling, _pki.InterceptorLeaf, chain, SslPolicyErrors.None);
            Assert.Equal(PinValidationOutcome.PinMismatch, canonical.Outcome);
            Assert.True(
                spelled.Outcome == canonical.Outcome && spelled.Host == canonical.Host && spelled.MatchedPattern == canonical.MatchedPattern,
                $"'{pair.Spelling}' was judged {spelled.Outcome} as host '{spelled.Host}'; its canonical form '{pair.Canonical}' is judged {canonical.Outcome}. {spelled.Detail}");
        }, tests: 3000);
    }
}
