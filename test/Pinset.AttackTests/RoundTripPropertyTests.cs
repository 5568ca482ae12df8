using FsCheck;
using FsCheck.Fluent;
using Pinset.Formats;

namespace Pinset.AttackTests;

/// <summary>
/// What a parser prints, it reads back as the same value, in every format it prints; host matching agrees with a
/// model of the documented pattern rules, under any spelling of the host (case, trailing dot).
/// </summary>
public sealed class RoundTripPropertyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static readonly Gen<SpkiPin> Pins = Gen.ArrayOf(HostileGen.Byte, 32).Select(b => SpkiPin.FromSha256(b));

    private static readonly Gen<string> Label =
        from length in Gen.Choose(1, 12)
        from chars in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789-".ToCharArray()), length)
        let text = new string(chars)
        where text[0] != '-' && text[^1] != '-' && !(text.Length > 3 && text[2] == '-' && text[3] == '-')
        select text;

    /// <summary>Names under exchange.test (never a public suffix, so every wildcard is allowed).</summary>
    private static readonly Gen<string> Names =
        from count in Gen.Choose(1, 3)
        from labels in Gen.ArrayOf(Label, count)
        select string.Join('.', labels) + ".exchange.test";

    private static readonly Gen<HostPattern> Patterns =
        from name in Names
        from prefix in Gen.Elements("", "*.", "**.")
        select HostPattern.Parse(prefix + name);

    [Fact]
    public void SpkiPin_EveryPrintedFormat_ParsesBackEqual()
    {
        PropertyRun.Check(Pins.ToArbitrary(), pin =>
        {
            Assert.Equal(pin, SpkiPin.Parse(pin.ToString()));
            Assert.Equal(pin, SpkiPin.Parse(pin.ToCurlString()));
            Assert.Equal(pin, SpkiPin.Parse(pin.ToHpkpString()));
            Assert.Equal(44, pin.ToBase64().Length);
        }, tests: 2000);
    }

    [Fact]
    public void CertificateFingerprint_PrintedWithAndWithoutColons_ParsesBackEqual()
    {
        PropertyRun.Check(HostileGen.Bytes.ToArbitrary(), der =>
        {
            var fingerprint = CertificateFingerprint.FromDer(der);
            var text = fingerprint.ToString();
            Assert.Equal(fingerprint, CertificateFingerprint.Parse(text));
            Assert.Equal(fingerprint, CertificateFingerprint.Parse(text.Replace(":", string.Empty, StringComparison.Ordinal).ToLowerInvariant()));
        }, tests: 2000);
    }

    [Fact]
    public void HostPattern_PrintedAndRespelled_ParsesBackEqual()
    {
        PropertyRun.Check(Patterns.ToArbitrary(), pattern =>
        {
            Assert.Equal(pattern, HostPattern.Parse(pattern.ToString()));
            Assert.Equal(pattern, HostPattern.Parse(pattern.ToString().ToUpperInvariant() + "."));
        }, tests: 2000);
    }

    [Fact]
    public void HostPatternMatches_AnyHostAnySpelling_AgreesWithTheDocumentedRules()
    {
        var cases =
            from pattern in Patterns
            from host in Gen.OneOf(Names, Label.Select(l => l + "." + pattern.Domain), Label.Zip(Label).Select(p => $"{p.Item1}.{p.Item2}.{pattern.Domain}"), Gen.Constant(pattern.Domain))
            select (pattern, host);
        PropertyRun.Check(cases.ToArbitrary(), c =>
        {
            var (pattern, host) = c;
            bool expected = pattern.Kind switch
            {
                HostPatternKind.Exact => host == pattern.Domain,
                HostPatternKind.SingleLabelWildcard => host.EndsWith("." + pattern.Domain, StringComparison.Ordinal) && !host[..^(pattern.Domain.Length + 1)].Contains('.', StringComparison.Ordinal),
                _ => host == pattern.Domain || host.EndsWith("." + pattern.Domain, StringComparison.Ordinal),
            };
            Assert.True(expected == pattern.Matches(host), $"'{pattern}' on '{host}': expected {expected}.");
            Assert.True(expected == pattern.Matches(host.ToUpperInvariant() + "."), $"'{pattern}' on '{host.ToUpperInvariant()}.': expected {expected}.");
        }, tests: 3000);
    }

    [Fact]
    public void HostNameNormalize_AnyInputThatNormalizes_IsIdempotent()
    {
        PropertyRun.Check(HostileGen.TextFrom("API.Exchange.Test.", "bücher.exchange.test", "[::1]", "127.000.000.001"), text =>
        {
            if (HostName.TryNormalize(text, out var normalized))
            {
                Assert.Equal(normalized, HostName.Normalize(normalized));
            }
        }, tests: 3000);
    }

    [Fact]
    public void PolicyDocuments_WrittenInEachFormat_ReadBackToTheSamePins()
    {
        var policies =
            from pattern in Patterns
            from pins in Gen.ArrayOf(Pins, 2).Where(p => p[0] != p[1])
            from mode in Gen.Elements("enforce", "report-only")
            from days in Gen.Choose(1, 400)
            select new HostPolicyConfiguration
            {
                Hosts = [pattern.ToString()],
                Pins = [.. pins.Select(p => p.ToString())],
                Mode = mode,
                Expires = Now.AddDays(days).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            };
        PropertyRun.Check(policies.ToArbitrary(), policy =>
        {
            var configuration = new PinningConfiguration { Policies = [policy] };
            var json = PinningConfigurationJsonWriter.Write(configuration);
            var fromJson = PinningConfigurationJson.Parse(json);
            Assert.Equal(json, PinningConfigurationJsonWriter.Write(fromJson));
            Assert.Equal(policy.Pins, fromJson.Policies[0].Pins);
            _ = PinningPolicy.Create(fromJson);

            var header = Assert.Single(HpkpHeader.Write(configuration, Now, []));
            var fromHeader = HpkpHeader.Read(header, HostPattern.Parse(policy.Hosts[0]).Domain, Now);
            Assert.Equal(policy.Pins.Order(), fromHeader.Policies[0].Pins.Select(p => SpkiPin.Parse(p).ToString()).Order());
            Assert.Equal(policy.Mode, fromHeader.Policies[0].Mode ?? "enforce");

            var xml = AndroidNetworkSecurityConfig.Write(configuration, []);
            var fromXml = AndroidNetworkSecurityConfig.Read(xml);
            Assert.Equal(xml, AndroidNetworkSecurityConfig.Write(fromXml, []));
            Assert.Equal(policy.Pins.Order(), fromXml.Policies[0].Pins.Select(p => SpkiPin.Parse(p).ToString()).Order());
        }, tests: 500);
    }
}
