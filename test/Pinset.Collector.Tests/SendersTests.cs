using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Pinset.Collector.Tests;

/// <summary>What the real senders post is accepted and shown: the pinset tool's <c>check --report</c>, and the API's filters over time.</summary>
public sealed class SendersTests : ScratchTests
{
    [Fact]
    public async Task PinsetCheckReport_RealCliProcessAgainstAnInterceptor_ReportStoredWithItsPort()
    {
        await using var collector = await CollectorHost.StartAsync();
        await using var interceptor = LoopbackTlsServer.Start(Pki.InterceptorLeaf);
        var roots = Files.File("roots.pem");
        File.WriteAllText(roots, Pki.Root.Certificate.ExportCertificatePem() + "\n" + Pki.InterceptorRoot.Certificate.ExportCertificatePem() + "\n");
        var policy = Files.File("policy.json");
        File.WriteAllText(policy, $$$"""
            {"pinning": {"policies": [{"hosts": ["{{{Pki.Host}}}"], "pins": ["{{{Pki.Intermediate.Pin}}}", "{{{TestPki.BackupPin}}}"], "reportUris": ["{{{collector.ReportsUrl}}}"]}]}}
            """);

        var (exit, output, error) = await PinsetProcess.RunAsync("check", policy, $"{Pki.Host}:{interceptor.Port}", "--report", "--resolve", $"{Pki.Host}:{interceptor.Port}:127.0.0.1", "--ca-file", roots);

        Assert.True(exit == 1, $"pinset check exited {exit}: {output}{error}");
        Assert.DoesNotContain("report", error, StringComparison.OrdinalIgnoreCase);
        using var detail = JsonDocument.Parse(await collector.Client.GetStringAsync($"/api/hosts/{Pki.Host}"));
        var outcome = Assert.Single(detail.RootElement.GetProperty("outcomes").EnumerateArray());
        Assert.Equal("PinMismatch", outcome.GetProperty("outcome").GetString());
        Assert.Equal("enforce", outcome.GetProperty("mode").GetString());
        var chain = Assert.Single(detail.RootElement.GetProperty("chains").EnumerateArray());
        Assert.Equal(Pki.InterceptorLeaf.Subject, chain.GetProperty("chain")[0].GetProperty("subject").GetString());
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
