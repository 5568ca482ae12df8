using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Pinset.Extensions;

namespace Pinset.Collector.Tests;

/// <summary>The dashboard in real headless Chromium: the chart, the tables, the filters, hostile text, and a report from a real pinned app.</summary>
public sealed class DashboardBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IDisposable
{
    private readonly TestPki _pki = new();

    private IWebDriver Browser => chromium.Browser;

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task Dashboard_TwoHostsAndVersions_ChartTablesAndFiltersWork()
    {
        await using var collector = await CollectorHost.StartAsync();
        for (int i = 0; i < 3; i++)
        {
            await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki, "4.2.0", mode: "enforce"));
        }

        await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki, "4.3.0"));
        await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki, "4.3.0", host: "feed.exchange.test"));

        Browser.Navigate().GoToUrl(collector.BaseAddress);

        Assert.Equal("Pinset Collector", Browser.Title);
        Assert.Equal(["api.exchange.test", "feed.exchange.test"], Browser.FindElements(By.CssSelector("#hosts tbody tr td:first-child")).Select(e => e.Text));
        Assert.Equal("api.exchange.test", Browser.FindElement(By.CssSelector("#detail h2")).Text);
        Assert.NotEmpty(Browser.FindElements(By.CssSelector("#chart rect.bar.enforce")));
        Assert.NotEmpty(Browser.FindElements(By.CssSelector("#chart rect.bar.report-only")));
        Assert.Contains("3 connections were refused", Browser.FindElement(By.Id("advice")).Text, StringComparison.Ordinal);
        Assert.Contains("CA, not pinned", Browser.FindElement(By.Id("chains")).Text, StringComparison.Ordinal);
        Assert.Contains($"\"{_pki.InterceptorRoot.Pin}\"", Browser.FindElement(By.CssSelector("pre.proposed-file")).Text, StringComparison.Ordinal);
        // The stylesheet loaded from the collector itself (the CSP allows nothing else): the advice box is styled.
        Assert.Equal("rgba(255, 248, 197, 1)", Browser.FindElement(By.Id("advice")).GetCssValue("background-color"));

        Browser.FindElement(By.CssSelector("#appVersion option[value='4.3.0']")).Click();
        ApplyFilters();

        Assert.Contains("appVersion=4.3.0", Browser.Url, StringComparison.Ordinal);
        Assert.Equal(["4.3.0"], Browser.FindElements(By.CssSelector("#versions tbody tr td:nth-child(2)")).Select(e => e.Text));
        Assert.Empty(Browser.FindElements(By.CssSelector("#chart rect.bar.enforce")));

        Browser.FindElement(By.CssSelector("#host option[value='feed.exchange.test']")).Click();
        ApplyFilters();

        Assert.Equal("feed.exchange.test", Browser.FindElement(By.CssSelector("#detail h2")).Text);
    }

    [Fact]
    public async Task Dashboard_PinsetCheckProbeBesideAnAppsRefusal_ProbeShownApartAndNeverCountedAsUsers()
    {
        await using var collector = await CollectorHost.StartAsync();
        using var files = new TempDirectory();
        await SendersTests.RunPinsetCheckAsync(collector, _pki, files);
        await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki, "4.2.0", mode: "enforce"));

        Browser.Navigate().GoToUrl(collector.BaseAddress);

        Assert.Equal([_pki.Host, "2", "1", "0", "1"], Browser.FindElements(By.CssSelector("#hosts tbody tr:first-child td")).Take(5).Select(e => e.Text));
        var advice = Browser.FindElement(By.Id("advice")).Text;
        Assert.Contains("1 connection was refused", advice, StringComparison.Ordinal);
        Assert.Contains($"1 check by pinset check failed against {_pki.Host}", advice, StringComparison.Ordinal);
        Assert.Single(Browser.FindElements(By.CssSelector("#chart rect.bar.probe")));
        Assert.Single(Browser.FindElements(By.CssSelector("#chart rect.bar.enforce")));
        Assert.Contains(["pinset check", SendersTests.PinsetVersion, "enforce", "1"], Browser.FindElements(By.CssSelector("#versions tbody tr")).Select(r => r.FindElements(By.TagName("td")).Take(4).Select(e => e.Text).ToArray()));
        Assert.Equal(["PinMismatch", "enforce", "probe", "1"], Browser.FindElements(By.CssSelector("#outcomes tbody tr")).Select(r => r.FindElements(By.TagName("td")).Select(e => e.Text).ToArray()).Single(r => r[2] == "probe"));
    }

    /// <summary>
    /// Submits the filter form and waits until the browser shows the new page, fully loaded: a click starts the
    /// navigation but need not wait for it, so the old page could otherwise still be read. The old page's window is
    /// marked before the click, and the wait is for a window without the mark. (Waiting for the old page's element to
    /// go stale raced the navigation: mid-way, chromedriver answered "Node with given id does not belong to the
    /// document" rather than "stale element".)
    /// </summary>
    private void ApplyFilters()
    {
        var script = (IJavaScriptExecutor)Browser;
        script.ExecuteScript("window.pinsetOldPage = true;");
        Browser.FindElement(By.Id("apply")).Click();
        new WebDriverWait(Browser, TimeSpan.FromSeconds(30)).Until(_ =>
        {
            try
            {
                return script.ExecuteScript("return window.pinsetOldPage !== true && document.readyState === 'complete';") is true;
            }
            catch (WebDriverException)
            {
                // Asked while the navigation swaps the document: ask again.
                return false;
            }
        });
    }

    [Fact]
    public async Task Dashboard_HostileAppFields_ShownAsTextNeverRun()
    {
        const string name = "<img src=x onerror=\"document.title='pwned'\">";
        const string version = "\"><script>document.title='pwned'</script>";
        await using var collector = await CollectorHost.StartAsync();
        await collector.PostAcceptedAsync(ReportJson.Intercepted(_pki, version, appName: name));

        Browser.Navigate().GoToUrl(collector.BaseAddress);

        Assert.Equal("Pinset Collector", Browser.Title);
        Assert.Empty(Browser.FindElements(By.CssSelector("#versions img, #versions script, #filters script")));
        Assert.Equal(name, Browser.FindElement(By.CssSelector("#versions tbody td:first-child")).Text);
        Assert.Equal(version, Browser.FindElement(By.CssSelector("#versions tbody td:nth-child(2)")).Text);
        Assert.Equal(version, Browser.FindElement(By.CssSelector("#appVersion option:nth-child(2)")).GetAttribute("value"));
    }

    [Fact]
    public async Task EndToEnd_PinnedAppInReportOnlyModeBehindAnInterceptor_ItsReportOnTheDashboard()
    {
        await using var collector = await CollectorHost.StartAsync();
        using var stored = new MetricCollector<long>(collector.Services.GetRequiredService<IMeterFactory>(), CollectorMetricNames.Meter, CollectorMetricNames.ReportsStored);
        await using var genuine = await LoopbackHttpsServer.StartAsync(_pki);
        await using var interceptor = InterceptingProxy.Start(genuine);

        // The app as its users run it: pinned through IHttpClientFactory, report-only, on a machine that trusts the interceptor's CA.
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["pinning:policies:0:hosts:0"] = _pki.Host,
            ["pinning:policies:0:pins:0"] = _pki.Intermediate.Pin.ToString(),
            ["pinning:policies:0:pins:1"] = TestPki.BackupPin.ToString(),
            ["pinning:policies:0:mode"] = "report-only",
            ["pinning:policies:0:reportUris:0"] = collector.ReportsUrl.ToString(),
        });
        builder.Services.AddCertificatePinning(builder.Configuration.GetSection("pinning"), options =>
        {
            options.CustomTrustRoots = [_pki.Root.Certificate, interceptor.CertificateAuthority.Certificate];
            options.Reporting.AppName = "trading-desk";
            options.Reporting.AppVersion = "5.0.1";
        });
        builder.Services.AddHttpClient("exchange").UseCertificatePinning();
        builder.Services.AddLoopbackRoute(_pki.Host, interceptor.Port);
        // Disposed asynchronously: the measurement above completes its wait on the collector's own writer thread, and a
        // synchronous disposal there would block that thread, and the 202 the app's reporter waits for, for 16 s of timeouts.
        var app = builder.Build();
        try
        {
            await app.StartAsync();
            using var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("exchange");
            using var response = await client.GetAsync(new Uri($"https://{_pki.Host}/ticker"));
            Assert.True(response.IsSuccessStatusCode, "Report-only mode lets the intercepted request through.");
            Assert.True(interceptor.ReceivedApplicationData);
            await stored.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
            await app.StopAsync();
        }
        finally
        {
            await ((IAsyncDisposable)app).DisposeAsync();
        }

        Browser.Navigate().GoToUrl(collector.BaseAddress);

        Assert.Equal(_pki.Host, Browser.FindElement(By.CssSelector("#detail h2")).Text);
        Assert.Equal(["trading-desk", "5.0.1", "report-only", "1"], Browser.FindElements(By.CssSelector("#versions tbody tr:first-child td")).Take(4).Select(e => e.Text));
        var chains = Browser.FindElement(By.Id("chains")).Text;
        Assert.Contains(interceptor.CertificateAuthority.Certificate.Subject, chains, StringComparison.Ordinal);
        Assert.Contains(interceptor.CertificateAuthority.Pin.ToString(), chains, StringComparison.Ordinal);
        Assert.Contains($"\"{interceptor.CertificateAuthority.Pin}\"", Browser.FindElement(By.CssSelector("pre.proposed-file")).Text, StringComparison.Ordinal);
        Assert.Contains("a corporate proxy's or an attacker's CA shows up here too", Browser.FindElement(By.Id("advice")).Text, StringComparison.Ordinal);
    }
}
