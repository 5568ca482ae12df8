using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Remote;

namespace Pinset.Collector.Tests;

/// <summary>
/// Real headless Chromium (Debian's <c>chromium</c>) driven through Debian's <c>chromedriver</c>, which runs under the
/// watchdog on a free loopback port, so nothing is downloaded and nothing outlives the test run. One browser for a test
/// class.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private readonly TempDirectory _profile = new();
    private ToolServerProcess? _driver;
    private RemoteWebDriver? _browser;

    public IWebDriver Browser => _browser ?? throw new InvalidOperationException("Chromium has not started.");

    public async Task InitializeAsync()
    {
        int port = Loopback.FreePort();
        _driver = await ToolServerProcess.StartAsync(
            ExternalTool.Named("chromedriver"),
            [$"--port={port.ToString(CultureInfo.InvariantCulture)}", "--allowed-ips=127.0.0.1"],
            isReady: line => line.Contains("started successfully", StringComparison.Ordinal),
            cleanupDirectory: _profile.Path);
        var options = new ChromeOptions { BinaryLocation = ExternalTool.Named("chromium").Path };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-sync", "--window-size=1280,1600", $"--user-data-dir={_profile.Path}");
        _browser = new RemoteWebDriver(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), options);
    }

    public async Task DisposeAsync()
    {
        _browser?.Quit();
        _browser?.Dispose();
        if (_driver is not null)
        {
            await _driver.DisposeAsync();
        }

        _profile.Dispose();
    }
}
