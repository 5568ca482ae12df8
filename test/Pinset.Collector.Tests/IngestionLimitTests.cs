using System.Net;
using System.Net.Http.Headers;

namespace Pinset.Collector.Tests;

/// <summary>The configurable limits of POST /reports: the ingestion token and the per-client rate limit.</summary>
public sealed class IngestionLimitTests : IDisposable
{
    private const string Token = "0123456789abcdef-token";
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task Post_TokenConfigured_RequiredAsQueryOrBearerAndNeverEchoed()
    {
        await using var collector = await CollectorHost.StartAsync(new Dictionary<string, string?> { ["Ingestion:Token"] = Token });
        var body = ReportJson.Intercepted(_pki);

        using var missing = await collector.PostAsync(body);
        using var wrong = await collector.Client.PostAsync("/reports?token=guessed-token-1234", Json(body));
        using var query = await collector.Client.PostAsync($"/reports?token={Token}", Json(body));
        using var bearer = new HttpRequestMessage(HttpMethod.Post, "/reports") { Content = Json(body) };
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var header = await collector.Client.SendAsync(bearer);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("This collector requires an ingestion token; add '?token=<token>' to the report URI or send 'Authorization: Bearer <token>'.\n", await missing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.DoesNotContain("guessed", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, query.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, header.StatusCode);
        Assert.Equal(2, (await collector.Store.CountAsync(CancellationToken.None)).Reports);
    }

    [Fact]
    public async Task Post_OverTheClientsRate_429WithRetryAfterAndASentence()
    {
        await using var collector = await CollectorHost.StartAsync(new Dictionary<string, string?> { ["Ingestion:PermitsPerSecond"] = "1", ["Ingestion:Burst"] = "3" });
        var body = ReportJson.Intercepted(_pki);

        var answers = new List<HttpResponseMessage>();
        for (int i = 0; i < 10; i++)
        {
            answers.Add(await collector.PostAsync(body));
        }

        // Three at once, then about one a second: at most one more can have been refilled while ten are sent.
        Assert.All(answers.Take(3), a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(refused.Count, 5, 7);
        Assert.Equal("1", refused[0].Headers.RetryAfter?.ToString());
        Assert.Equal("This client address sent reports faster than this collector accepts from one address (reports a second: 1, bursts up to 3); send again after a second.\n", await refused[0].Content.ReadAsStringAsync());
        Assert.Equal(10 - refused.Count, (await collector.Store.CountAsync(CancellationToken.None)).Reports);
        answers.ForEach(a => a.Dispose());
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
