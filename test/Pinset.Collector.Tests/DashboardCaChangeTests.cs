using Microsoft.Extensions.Time.Testing;
using OpenQA.Selenium;

namespace Pinset.Collector.Tests;

/// <summary>
/// The host page in real headless Chromium labels each CA of a reported chain with its operator, by key (the real
/// intermediates of the shared trust store), and says when the host's CA changed from one operator to another.
/// </summary>
public sealed class DashboardCaChangeTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IDisposable
{
    private readonly TestPki _pki = new(["api.exchange.test"]);

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task HostPage_ChainsFromLetsEncryptThenGoogle_LabelledByOperatorAndCaChangedShown()
    {
        using var r11 = SharedTrustStore.Intermediate("R11", "Let's Encrypt");
        using var wr1 = SharedTrustStore.Intermediate("WR1", "Google Trust Services");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        await using var collector = await CollectorHost.StartAsync(time: time);
        var pins = new[] { SpkiPin.FromCertificate(r11), TestPki.BackupPin };
        await collector.PostAcceptedAsync(ReportJson.For(_pki.Host, [_pki.Leaf, r11], pins, outcome: "PinMatched"));
        time.Advance(TimeSpan.FromHours(1));
        await collector.PostAcceptedAsync(ReportJson.For(_pki.Host, [_pki.InterceptorLeaf, wr1], pins, mode: "enforce"));

        chromium.Browser.Navigate().GoToUrl(new Uri(collector.BaseAddress, "/?host=api.exchange.test"));

        var chains = chromium.Browser.FindElement(By.Id("chains")).Text;
        Assert.Contains("CN=R11, O=Let's Encrypt, C=US Let's Encrypt intermediate 'R11'", chains, StringComparison.Ordinal);
        Assert.Contains("CN=WR1, O=Google Trust Services, C=US Google Trust Services intermediate 'WR1'", chains, StringComparison.Ordinal);
        var change = chromium.Browser.FindElement(By.Id("ca-change")).Text;
        Assert.StartsWith("CA changed from Let's Encrypt to Google Trust Services: users met Let's Encrypt R11, then Google Trust Services WR1 from ", change, StringComparison.Ordinal);
        Assert.EndsWith("pin the roots of every CA it may use ('pinset pin HOST --strategy cdn'), not one CA's intermediate.", change, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostPage_KeysNotInTheMap_NoLabelAndNoChange()
    {
        await using var collector = await CollectorHost.StartAsync();
        await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki));

        chromium.Browser.Navigate().GoToUrl(new Uri(collector.BaseAddress, "/?host=api.exchange.test"));

        Assert.Empty(chromium.Browser.FindElements(By.CssSelector("#chains .operator")));
        Assert.Empty(chromium.Browser.FindElements(By.Id("ca-change")));
    }
}
