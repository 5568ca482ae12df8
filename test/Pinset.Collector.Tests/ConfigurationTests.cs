namespace Pinset.Collector.Tests;

/// <summary>Configuration errors stop the start, every one at once; the docs list every key and metric.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Build_SeveralErrors_AllReportedOnceEachQuotingItsValue()
    {
        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build(
        [
            "--Storage:Provider=PostgreSQL",
            "--Dashboard:ApiKey=short",
            "--Alerts:Threshold=0",
            "--Alerts:WebhookUrl=ftp://hooks.example/x",
            $"--Policy:Path={_directory.File("missing.json")}",
            "--Network:KnownProxies:0=proxy.local",
        ]));

        Assert.Equal(
            [
                "'Storage:Provider' is 'PostgreSQL' but 'ConnectionStrings:Reports' is not set; give the PostgreSQL connection string, such as 'Host=db;Database=pinset;Username=collector;Password=...'.",
                "'Dashboard:ApiKey' is 5 characters long; use at least 16 random characters, or leave it unset to serve loopback clients only.",
                "'Alerts:WebhookUrl' is 'ftp://hooks.example/x'; expected an absolute http or https URL.",
                "'Alerts:Threshold' is '0'; expected a number greater than 0.",
                $"'Policy:Path' names '{_directory.File("missing.json")}', which does not exist; give the pinning policy file your apps load.",
                "'Network:KnownProxies' holds 'proxy.local', which is not an IP address.",
            ],
            error.Errors);
        Assert.StartsWith("The collector's configuration has 6 errors:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnknownKeyAndUnreadableValues_EachNamedWithWhatIsExpected()
    {
        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build(["--Alerts:Treshold=5", "--Alerts:Window=5m", "--Alerts:Threshold=lots"]));

        Assert.Equal(
            [
                "'Alerts:Threshold' is 'lots'; expected a whole number.",
                "'Alerts:Treshold' is not a setting of the collector; the settings under 'Alerts' are 'Alerts:WebhookUrl', 'Alerts:Threshold', 'Alerts:Window', 'Alerts:CheckInterval'.",
                "'Alerts:Window' is '5m'; expected a duration such as '00:05:00' (five minutes) or '90.00:00:00' (90 days).",
            ],
            error.Errors);
    }

    [Fact]
    public void Build_UnknownKeyAndInvalidValue_BothReportedAtOnce()
    {
        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build(["--Storage:Retension=30.00:00:00", "--Dashboard:ApiKey=short"]));

        Assert.Equal(
            [
                "'Storage:Retension' is not a setting of the collector; the settings under 'Storage' are 'Storage:Provider', 'Storage:Retention', 'Storage:MaxBatchSize', 'Storage:QueueCapacity'.",
                "'Dashboard:ApiKey' is 5 characters long; use at least 16 random characters, or leave it unset to serve loopback clients only.",
            ],
            error.Errors);
    }

    [Fact]
    public void Build_DurationsAndSizesBeyondWhatWorks_EachRefusedSayingTheLimit()
    {
        // Each was accepted: a retention past year 1 made every dashboard request a 400 of the framework's and every
        // purge fail; a check interval over 49 days stopped the collector once started; a huge batch or body size
        // reserved that much memory.
        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build(
        [
            "--Storage:Retention=3000000.00:00:00",
            "--Storage:MaxBatchSize=2000000000",
            "--Ingestion:MaxBodyBytes=10000000000",
            "--Alerts:Window=3000001.00:00:00",
            "--Alerts:CheckInterval=60.00:00:00",
        ]));

        Assert.Equal(
            [
                "'Storage:Retention' is '3000000.00:00:00'; the most is '36500.00:00:00' (100 years).",
                "'Storage:MaxBatchSize' is '2000000000'; the most is '100000'.",
                "'Ingestion:MaxBodyBytes' is '10000000000'; the most is '1048576' (1 MiB; a report with a four-certificate chain is about 8 KB).",
                "'Alerts:Window' is '3000001.00:00:00', longer than 'Storage:Retention' ('3000000.00:00:00'); reports older than the retention are deleted, so the window could never fill: give at most the retention.",
                "'Alerts:CheckInterval' is '60.00:00:00'; the most is '1.00:00:00' (a day).",
            ],
            error.Errors);
    }

    [Fact]
    public void Build_AllowedHostsThatAreNotNames_EachRefusedSayingWhatToGive()
    {
        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build(
        [
            "--Dashboard:AllowedHosts:0=*",
            "--Dashboard:AllowedHosts:1=pins.example.com:443",
            "--Dashboard:AllowedHosts:2=::1",
            "--Dashboard:AllowedHosts:3=https://pins.example.com",
            "--Dashboard:AllowedHosts:4=[::1]:8470",
            "--Dashboard:AllowedHosts:5=*.example.com",
            "--Dashboard:AllowedHosts:6=[2001:db8::1]",
        ]));

        Assert.Equal(
            [
                "'Dashboard:AllowedHosts' holds '*', which would let a web page under any name that resolves to this machine read the dashboard (DNS rebinding); list the names the collector is reached by, such as 'pins.example.com' or '*.example.com'.",
                "'Dashboard:AllowedHosts' holds 'pins.example.com:443', which has a port; give the name alone ('pins.example.com'): every port is accepted.",
                "'Dashboard:AllowedHosts' holds '::1'; write an IPv6 address in brackets, as browsers send it: '[::1]'.",
                "'Dashboard:AllowedHosts' holds 'https://pins.example.com', which is not a host name, an IP address or '*.' and a domain; give the name alone, such as 'pins.example.com'.",
                "'Dashboard:AllowedHosts' holds '[::1]:8470', which has a port; give the name alone ('[::1]'): every port is accepted.",
            ],
            error.Errors);
    }

    [Fact]
    public void Build_UnknownStorageProvider_NamesTheTwoThereAre()
    {
        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build(["--Storage:Provider=MySQL"]));

        Assert.Equal(["'Storage:Provider' is 'MySQL'; expected 'Sqlite' or 'PostgreSQL'."], error.Errors);
    }

    [Fact]
    public void Build_PolicyFileWithAnError_RefusedWithPinsetsMessage()
    {
        var policy = _directory.File("policy.json");
        File.WriteAllText(policy, """{"pinning": {"policies": [{"hosts": ["api.exchange.test"], "pins": ["sha256/AAAA"]}]}}""");

        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build([$"--Policy:Path={policy}", $"--ConnectionStrings:Reports=Data Source={_directory.File("r.db")}"]));

        var message = Assert.Single(error.Errors);
        Assert.StartsWith("'Policy:Path' names a policy file that Pinset refuses:", message, StringComparison.Ordinal);
        Assert.Contains("sha256/AAAA", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Docs_CollectorPage_ListsEveryConfigurationKeyAndMetric()
    {
        var page = File.ReadAllText(Repository.File("docs", "collector.md"));

        Assert.All(CollectorConfigKeys.All, key => Assert.Contains($"`{key}`", page, StringComparison.Ordinal));
        Assert.All(CollectorMetricNames.All, name => Assert.Contains($"`{name}`", page, StringComparison.Ordinal));
    }
}
