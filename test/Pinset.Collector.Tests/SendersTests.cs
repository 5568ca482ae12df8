using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Collector.Tests;

/// <summary>What the real senders post is accepted and shown: the pinset tool's <c>check --report</c>, and the API's filters over time.</summary>
public sealed class SendersTests : ScratchTests
{
    [Fact]
    public async Task PinsetCheckReport_RealCliProcessAgainstAnInterceptor_ReportStoredWithItsPort()
    {
        await using var collector = await CollectorHost.StartAsync();

        await RunPinsetCheckAsync(collector, Pki, Files);

        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));
        var outcome = Assert.Single(detail.RootElement.GetProperty("outcomes").EnumerateArray());
        Assert.Equal("PinMismatch", outcome.GetProperty("outcome").GetString());
        Assert.Equal("enforce", outcome.GetProperty("mode").GetString());
        var chain = Assert.Single(detail.RootElement.GetProperty("chains").EnumerateArray());
        Assert.Equal(Pki.InterceptorLeaf.Subject, chain.GetProperty("chain")[0].GetProperty("subject").GetString());
    }

    [Fact]
    public async Task PinsetCheckReport_RealCliProcess_LabelledWithTheToolAndShownAsAProbeNotAsUsersCutOff()
    {
        await using var collector = await CollectorHost.StartAsync();

        await RunPinsetCheckAsync(collector, Pki, Files);

        using var hosts = JsonDocument.Parse(await collector.Client.GetStringAsync("/api/hosts"));
        var host = Assert.Single(hosts.RootElement.GetProperty("hosts").EnumerateArray());
        Assert.Equal((1, 0, 1), (host.GetProperty("reports").GetInt64(), host.GetProperty("enforced").GetInt64(), host.GetProperty("probes").GetInt64()));
        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));
        var version = Assert.Single(detail.RootElement.GetProperty("versions").EnumerateArray());
        Assert.Equal("pinset check", version.GetProperty("appName").GetString());
        Assert.Equal(PinsetVersion, version.GetProperty("appVersion").GetString());
        var outcome = Assert.Single(detail.RootElement.GetProperty("outcomes").EnumerateArray());
        Assert.True(outcome.GetProperty("probe").GetBoolean());
        var timeline = detail.RootElement.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal((0, 1), (timeline.Sum(p => p.GetProperty("enforced").GetInt64()), timeline.Sum(p => p.GetProperty("probes").GetInt64())));
        var page = await collector.Client.GetStringAsync("/");
        Assert.DoesNotContain("cut off", page, StringComparison.Ordinal);
        Assert.Contains("1 check by <code>pinset check</code> failed", page, StringComparison.Ordinal);
    }

    /// <summary>The version the tool reports itself as: its informational version without the build metadata after '+'.</summary>
    internal static string PinsetVersion =>
        System.Diagnostics.FileVersionInfo.GetVersionInfo(Path.Combine(AppContext.BaseDirectory, "Pinset.Cli.dll")).ProductVersion!.Split('+')[0];

    /// <summary>
    /// Runs the real <c>pinset check --report</c> against an interceptor on loopback, under a policy whose report URI is the
    /// collector: the check fails (exit 1) and posts one report, without a word about reporting.
    /// </summary>
    internal static async Task RunPinsetCheckAsync(CollectorHost collector, TestPki pki, TempDirectory files)
    {
        await using var interceptor = LoopbackTlsServer.Start(pki.InterceptorLeaf);

        var (policy, connection) = Reach(collector, pki, files, interceptor);

        var (exit, output, error) = await PinsetProcess.RunAsync(["check", policy, $"{pki.Host}:{interceptor.Port}", "--report", .. connection]);

        Assert.True(exit == 1, $"pinset check exited {exit}: {output}{error}");
        Assert.DoesNotContain("report", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PinsetTunnelReport_RealCliProcess_LabelledWithTheToolAndCountedAsItsClientsConnections()
    {
        // The tunnel refuses a real client's connection: not a probe, so it counts as users cut off.
        await using var collector = await CollectorHost.StartAsync();
        using var stored = new MetricCollector<long>(collector.Services.GetRequiredService<IMeterFactory>(), CollectorMetricNames.Meter, CollectorMetricNames.ReportsStored);
        await using var interceptor = LoopbackTlsServer.Start(Pki.InterceptorLeaf);
        var (policy, connection) = Reach(collector, Pki, Files, interceptor);
        using var tunnel = PinsetProcess.Start(["tunnel", "--listen", "127.0.0.1:0", "--to", $"{Pki.Host}:{interceptor.Port}", "--policy", policy, "--report", .. connection]);
        try
        {
            int port = await ListeningPortAsync(tunnel);
            using (var client = new TcpClient())
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                using var reader = new StreamReader(client.GetStream());
                Assert.Equal(string.Empty, await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30)));
            }

            await stored.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
        }
        finally
        {
            tunnel.Kill(entireProcessTree: true);
            await tunnel.WaitForExitAsync();
        }

        using var hosts = JsonDocument.Parse(await collector.Client.GetStringAsync("/api/hosts"));
        var host = Assert.Single(hosts.RootElement.GetProperty("hosts").EnumerateArray());
        Assert.Equal((1, 1, 0), (host.GetProperty("reports").GetInt64(), host.GetProperty("enforced").GetInt64(), host.GetProperty("probes").GetInt64()));
        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));
        var version = Assert.Single(detail.RootElement.GetProperty("versions").EnumerateArray());
        Assert.Equal(("pinset tunnel", PinsetVersion), (version.GetProperty("appName").GetString(), version.GetProperty("appVersion").GetString()));
        Assert.Contains("1 connection was refused", await collector.Client.GetStringAsync("/"), StringComparison.Ordinal);
    }

    /// <summary>
    /// The arguments that make pinset reach the interceptor as the pinned host: a policy pinning the genuine
    /// intermediate whose report URI is the collector, the interceptor's address for the host, and roots that trust both.
    /// </summary>
    private static (string Policy, string[] Connection) Reach(CollectorHost collector, TestPki pki, TempDirectory files, LoopbackTlsServer interceptor)
    {
        var roots = files.File("roots.pem");
        File.WriteAllText(roots, pki.Root.Certificate.ExportCertificatePem() + "\n" + pki.InterceptorRoot.Certificate.ExportCertificatePem() + "\n");
        var policy = files.File("policy.json");
        File.WriteAllText(policy, $$$"""
            {"pinning": {"policies": [{"hosts": ["{{{pki.Host}}}"], "pins": ["{{{pki.Intermediate.Pin}}}", "{{{TestPki.BackupPin}}}"], "reportUris": ["{{{collector.ReportsUrl}}}"]}]}}
            """);
        return (policy, ["--resolve", $"{pki.Host}:{interceptor.Port}:127.0.0.1", "--ca-file", roots]);
    }

    /// <summary>The port the tunnel says it listens on, read from its log (standard error).</summary>
    private static async Task<int> ListeningPortAsync(System.Diagnostics.Process tunnel)
    {
        var log = new System.Text.StringBuilder();
        while (await tunnel.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
        {
            log.AppendLine(line);
            var match = System.Text.RegularExpressions.Regex.Match(line, @"Listening on 127\.0\.0\.1:(\d+)");
            if (match.Success)
            {
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"pinset tunnel ended before it listened: {log}");
    }

    [Fact]
    public async Task Api_TimeAndVersionFilters_CountOnlyWhatIsInside()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero));
        await using var collector = await CollectorHost.StartAsync(time: time);
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki, "4.2.0"));
        time.Advance(TimeSpan.FromHours(2));
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki, "4.2.0"));
        await collector.PostAcceptedAsync(ReportJson.Intercepted(Pki, "4.3.0", mode: "enforce"));

        Assert.Equal(3, await Reports(collector, string.Empty));
        Assert.Equal(2, await Reports(collector, "?from=2026-12-02T07:00:00Z"));
        Assert.Equal(1, await Reports(collector, "?to=2026-12-02T07:00:00Z"));
        Assert.Equal(1, await Reports(collector, "?from=2026-12-02T07:00:00Z&appVersion=4.3.0"));
        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}?from=2026-12-02T05:00:00Z"));
        var timeline = detail.RootElement.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(1, timeline.Single(p => p.GetProperty("start").GetDateTimeOffset() == new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero)).GetProperty("reportOnly").GetInt64());
        var later = timeline.Single(p => p.GetProperty("start").GetDateTimeOffset() == new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal((1, 1), (later.GetProperty("reportOnly").GetInt64(), later.GetProperty("enforced").GetInt64()));
        Assert.Equal(3, timeline.Sum(p => p.GetProperty("total").GetInt64()));
    }

    private static async Task<long> Reports(CollectorHost collector, string query)
    {
        using var hosts = JsonDocument.Parse(await collector.Client.GetStringAsync("/api/hosts" + query));
        return hosts.RootElement.GetProperty("hosts").EnumerateArray().Sum(h => h.GetProperty("reports").GetInt64());
    }
}
