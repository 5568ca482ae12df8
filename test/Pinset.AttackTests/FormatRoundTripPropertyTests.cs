using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Pinset.Formats;

namespace Pinset.AttackTests;

/// <summary>
/// For random policies, each format Pinset writes is read back, and every host, pin, mode, expiry, report URI and
/// banned or certificate pin either comes back as it was or was named in a warning; and mutated files never crash a
/// reader nor come back with fewer pins for a host than they had, unless a warning says so.
/// </summary>
public sealed class FormatRoundTripPropertyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static Gen<SpkiPin> Pin { get; } = Gen.ArrayOf(HostileGen.Byte, 32).Select(b => SpkiPin.FromSha256(b));

    private static Gen<string> Pattern { get; } =
        from label in Gen.Elements("api", "ws", "feed", "fix", "md")
        from depth in Gen.Elements("", "eu.", "a.b.")
        from prefix in Gen.Elements("", "*.", "**.")
        select $"{prefix}{depth}{label}.exchange.test";

    private static Gen<HostPolicyConfiguration> Policy { get; } =
        from hosts in Gen.ListOf(Pattern).Select(h => h.Distinct().Take(3).ToList()).Where(h => h.Count > 0 && h.Select(p => HostPattern.Parse(p).Domain).Distinct().Count() == h.Count)
        from pins in Gen.ArrayOf(Pin, 3).Select(p => p.Distinct().ToArray())
        from pinCount in Gen.Choose(2, 3)
        from banned in Gen.Elements(true, false)
        from certificate in Gen.Elements(true, false)
        from mode in Gen.Elements<string?>(null, "report-only")
        from days in Gen.Choose(1, 400)
        from minutes in Gen.Elements(0, 0, 90)
        from report in Gen.Elements(true, false)
        select new HostPolicyConfiguration
        {
            Hosts = hosts,
            Pins = [.. pins.Take(Math.Min(pinCount, pins.Length - 1)).Select(p => p.ToString())],
            BannedPins = banned ? [pins[^1].ToString()] : [],
            Certificates = certificate ? [new string('A', 64)] : [],
            Mode = mode,
            Expires = Now.AddDays(days).AddMinutes(minutes).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ReportUris = report ? ["https://reports.exchange.test/pins"] : [],
        };

    public static TheoryData<string> Formats => new() { "json", "hpkp", "trustkit", "android" };

    [Theory]
    [MemberData(nameof(Formats))]
    public void WrittenThenRead_EverythingKeptOrWarned(string format)
    {
        PropertyRun.Check(Policy.Where(p => p.Pins.Count >= 2).ToArbitrary(), policy =>
        {
            var warnings = new List<string>();
            var read = Read(format, Write(format, policy, warnings), policy, warnings);
            string all = string.Join("\n", warnings);
            foreach (var host in format == "hpkp" ? policy.Hosts.Take(1) : policy.Hosts)
            {
                var image = Image(format, HostPattern.Parse(host), policy);
                var back = read.Policies.SingleOrDefault(p => p.Hosts.Contains(image));
                Assert.True(back is not null, $"{format}: host '{host}' ('{image}') did not come back, and no warning said so:\n{all}");
                Assert.Equal(policy.Pins.Order(), back.Pins.Order());
                Assert.True(back.Mode == policy.Mode || all.Contains("report-only", StringComparison.Ordinal), $"{format}: mode '{policy.Mode}' became '{back.Mode}' silently.");
                Assert.True(SameInstant(back.Expires, policy.Expires) || all.Contains("expir", StringComparison.OrdinalIgnoreCase), $"{format}: expiry '{policy.Expires}' became '{back.Expires}' silently:\n{all}");
                Assert.True(back.ReportUris.SequenceEqual(policy.ReportUris) || all.Contains("report", StringComparison.Ordinal), $"{format}: report URIs dropped silently.");
                Assert.True(back.BannedPins.SequenceEqual(policy.BannedPins) || all.Contains("banned pins", StringComparison.Ordinal), $"{format}: banned pins dropped silently.");
                Assert.True(back.Certificates.SequenceEqual(policy.Certificates) || all.Contains("certificate pins", StringComparison.Ordinal), $"{format}: certificate pins dropped silently.");
                Assert.True(image == host || all.Contains("wildcard", StringComparison.Ordinal) || all.Contains("includeSubDomains", StringComparison.Ordinal), $"{format}: '{host}' became '{image}' silently.");
            }

            foreach (var host in policy.Hosts.Skip(format == "hpkp" ? 1 : policy.Hosts.Count))
            {
                Assert.Contains($"'{HostPattern.Parse(host).Domain}'", all, StringComparison.Ordinal);
            }
        }, tests: 300);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void MutatedFile_NeverCrashes_NeverFewerPinsWithoutAWarning(string format)
    {
        var seeds = Policy.Where(p => p.Pins.Count >= 2).Sample(8, 7469).Select(p => Write(format, p, new List<string>())).ToArray();
        var original = Read(format, seeds[0], null, new List<string>());
        PropertyRun.Check(HostileGen.MutatedText(seeds).ToArbitrary(), text =>
        {
            var warnings = new List<string>();
            PinningConfiguration read;
            try
            {
                read = Read(format, text, null, warnings);
            }
            catch (PinsetFormatException)
            {
                return; // refused, with the documented exception: never a silent weaker policy
            }

            foreach (var policy in read.Policies)
            {
                var before = seeds.Select(s => Read(format, s, null, new List<string>()))
                    .SelectMany(c => c.Policies)
                    .Where(p => p.Hosts.Intersect(policy.Hosts).Any())
                    .Select(p => p.Pins.Count)
                    .DefaultIfEmpty(0)
                    .Max();
                Assert.True(policy.Pins.Count >= before || warnings.Count > 0 || before == 0, $"{format}: a mutated file pins '{string.Join(", ", policy.Hosts)}' with {policy.Pins.Count} pins instead of {before}, without a warning.");
            }
        }, tests: 1500);
        Assert.NotEmpty(original.Policies);
    }

    private static string Write(string format, HostPolicyConfiguration policy, List<string> warnings)
    {
        var configuration = new PinningConfiguration { Policies = [policy] };
        return format switch
        {
            "json" => PinningConfigurationJsonWriter.Write(configuration),
            "hpkp" => string.Join('\n', HpkpHeader.Write(configuration, Now, warnings)),
            "android" => AndroidNetworkSecurityConfig.Write(configuration, warnings),
            _ => TrustKitSettings.Write(configuration, warnings),
        };
    }

    private static PinningConfiguration Read(string format, string text, HostPolicyConfiguration? policy, List<string> warnings) => format switch
    {
        "json" => PinningConfigurationJson.Parse(text, "fuzz"),
        "hpkp" => HpkpHeader.Read(text, policy is null ? "api.exchange.test" : HostPattern.Parse(policy.Hosts[0]).Domain, Now, warnings),
        "android" => AndroidNetworkSecurityConfig.Read(text, "fuzz", warnings, Now),
        _ => TrustKitSettings.Read(text, "fuzz", warnings),
    };

    /// <summary>
    /// How a format holds a pattern: Pinset JSON as it is; the others have no one-label wildcard and widen it, and an
    /// HPKP header's includeSubDomains is one switch for all its hosts.
    /// </summary>
    private static string Image(string format, HostPattern pattern, HostPolicyConfiguration policy) => format switch
    {
        "json" => pattern.ToString(),
        "hpkp" when policy.Hosts.Any(h => HostPattern.Parse(h).Kind != HostPatternKind.Exact) => "**." + pattern.Domain,
        _ when pattern.Kind == HostPatternKind.Exact => pattern.ToString(),
        _ => "**." + pattern.Domain,
    };

    private static bool SameInstant(string? a, string? b) =>
        a is null || b is null ? a == b : DateTimeOffset.Parse(a, CultureInfo.InvariantCulture) == DateTimeOffset.Parse(b, CultureInfo.InvariantCulture);
}
