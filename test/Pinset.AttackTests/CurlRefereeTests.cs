namespace Pinset.AttackTests;

/// <summary>
/// curl as an independent referee: <c>curl --pinnedpubkey</c> with the pins our own <c>pinset pin</c> printed for the
/// genuine servers must reach the same verdict as our pinner, site by site. curl checks the leaf only, so the pins are
/// the genuine leaves' (both key types). Plain curl (no pin, trusting both roots) shows which attacks the platform
/// alone lets through: those are the ones pinning exists for.
/// </summary>
public sealed class CurlRefereeTests(ChainAttackServers servers) : IClassFixture<ChainAttackServers>
{
    private const int CurlPinMismatch = 90;

    [RequiresToolsFact("nginx", "curl")]
    public async Task CurlPinnedPubKey_WithPinsPinsetPrinted_AgreesWithPinnerOnEverySite()
    {
        using var dir = new TempDirectory();
        var roots = dir.File("roots.pem");
        await File.WriteAllTextAsync(roots, string.Concat(servers.Pki.TrustBoth().Select(c => c.ExportCertificatePem() + "\n")));
        var leafPins = new List<string>();
        foreach (var site in new[] { "genuine-ec", "genuine-rsa" })
        {
            var printed = await PinsetCommand.RunAsync("pin", $"{ChainAttackServers.Host}:{servers.Nginx.Port(site)}", "--ca-file", roots, "--format", "curl");
            leafPins.Add(printed.Trim());
        }

        var policy = PinningPolicy.Create(new PinningConfiguration
        {
            Policies = [new HostPolicyConfiguration { Hosts = [ChainAttackServers.Host], Pins = [.. leafPins.Select(p => SpkiPin.Parse(p).ToString())] }],
        });
        var rows = new List<string>();
        foreach (var site in servers.Sites)
        {
            int port = servers.Nginx.Port(site.Name);
            var verdicts = new VerdictRecorder();
            var pinner = verdicts.Pinner(policy, servers.Pki.TrustBoth());
            var ours = await AttackAttempt.RunAsync(AttackClient.HttpClient, pinner, ChainAttackServers.Host, port, AttackAttempt.NewPath());
            int pinned = await CurlAsync(port, roots, string.Join(';', leafPins));
            int plain = await CurlAsync(port, roots, pins: null);
            rows.Add($"{site.Name}: pinset {verdicts.Last.Outcome}, curl --pinnedpubkey exit {pinned}, curl without pins exit {plain}");

            Assert.True((ours.Error is null) == (pinned == 0), $"curl and Pinset disagree on '{site.Name}':\n{string.Join('\n', rows)}\n{ours}");
            if (verdicts.Last.Outcome == PinValidationOutcome.PinMismatch)
            {
                Assert.True(pinned == CurlPinMismatch && plain == 0, $"On '{site.Name}' curl should pass without pins and fail on the pin (exit 90):\n{string.Join('\n', rows)}");
            }
        }

        Assert.Contains(rows, r => r.StartsWith("genuine-ec: pinset PinMatched, curl --pinnedpubkey exit 0", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("stuffed-chain: pinset PinMismatch, curl --pinnedpubkey exit 90, curl without pins exit 0", StringComparison.Ordinal));
    }

    private static async Task<int> CurlAsync(int port, string roots, string? pins)
    {
        string[] arguments =
        [
            "-sS", "-o", "/dev/null", "--max-time", "20", "--cacert", roots,
            .. pins is null ? Array.Empty<string>() : ["--pinnedpubkey", pins],
            $"https://{ChainAttackServers.Host}:{port}/referee",
        ];
        var (exit, _, _) = await ExternalTool.Curl.RunAsync(arguments);
        return exit;
    }
}
