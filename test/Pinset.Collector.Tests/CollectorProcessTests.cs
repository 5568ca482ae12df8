using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Pinset.Collector.Tests;

/// <summary>
/// What a browser, a script or an app meets at the door of the collector started as a user starts it (its own process,
/// no settings but Debug logs of the collector's own category, so each refusal it logs can be awaited): requests to
/// another host name, an empty report, a range reaching into the future.
/// </summary>
public sealed class CollectorProcessTests(CollectorProcessTests.Fixture collector) : IClassFixture<CollectorProcessTests.Fixture>
{
    [Fact]
    public async Task Dashboard_AddressedToARebindingName_400NamingItAndTheSetting()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/hosts");
        request.Headers.Host = "evil.example";

        using var response = await collector.Client.SendAsync(request);
        using var local = await collector.Client.GetAsync(new Uri("/api/hosts", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(DashboardHostTests.Refusal("evil.example"), await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }

    [Fact]
    public async Task Reports_AddressedToAnyName_Accepted()
    {
        using var pki = new TestPki();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/reports") { Content = new StringContent(ReportJson.Intercepted(pki), Encoding.UTF8, "application/json") };
        request.Headers.Host = "pins.example.com";

        using var response = await collector.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Reports_EmptyBody_400CountedAsARejectionWithoutAStackTrace()
    {
        using var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentLength = 0;

        using var response = await collector.Client.PostAsync(new Uri("/reports", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The body is empty; send one RFC 7469 report as a JSON object.\n", await response.Content.ReadAsStringAsync());
        // The refusal is logged (at Debug) as one sentence with its reason; nothing before it failed.
        await collector.Process.WaitForOutputAsync("was refused (malformed-json): The body is empty; send one RFC 7469 report as a JSON object.");
        Assert.DoesNotContain("fail:", collector.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", collector.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostDetail_ToInTheFarFuture_400SayingTheLimit()
    {
        using var response = await collector.Client.GetAsync(new Uri("/api/hosts/api.exchange.test?to=9999-12-31", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var match = System.Text.RegularExpressions.Regex.Match(text, @"^'to' is '9999-12-31', more than a day after the collector's clock \('(?<now>[^']+)'\); reports carry the time they arrived, so give a 'to' no later than '(?<limit>[^']+)'\.\n$");
        Assert.True(match.Success, text);
        var now = DateTimeOffset.Parse(match.Groups["now"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(now, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
        Assert.Equal(now.AddDays(1), DateTimeOffset.Parse(match.Groups["limit"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>One collector process for the class, with its data in a directory of its own.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDirectory _data = new();

        internal CollectorProcess Process { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Process = await CollectorProcess.StartAsync(["--Logging:LogLevel:Pinset.Collector=Debug"], new Dictionary<string, string> { ["XDG_DATA_HOME"] = _data.Path });
            Client = new HttpClient { BaseAddress = Process.BaseAddress };
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await Process.DisposeAsync();
            _data.Dispose();
        }
    }
}
