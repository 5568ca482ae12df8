using System.Net;
using System.Net.Http.Headers;

namespace Pinset.Collector.Tests;

/// <summary>
/// What a browser, a script or an app meets at the door of the collector started as a user starts it (its own process,
/// no settings but Debug logs of the collector's own category, so each refusal it logs can be awaited): requests to
/// another host name, an empty report, a range reaching into the future.
/// </summary>
public sealed class CollectorProcessTests(CollectorProcessTests.Fixture collector) : IClassFixture<CollectorProcessTests.Fixture>
{
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
