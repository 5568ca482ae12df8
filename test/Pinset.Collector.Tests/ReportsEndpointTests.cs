using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Pinset.Collector.Tests;

/// <summary>POST /reports on a real Kestrel with a real SQLite file: what is stored, and every hostile body refused with a sentence.</summary>
public sealed class ReportsEndpointTests : IAsyncLifetime, IDisposable
{
    private readonly TestPki _pki = new();
    private CollectorHost _collector = null!;

    public async Task InitializeAsync() => _collector = await CollectorHost.StartAsync();

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task Post_IdenticalReports_AnsweredAcceptedAndStoredAsOneRowWithACount()
    {
        for (int i = 0; i < 3; i++)
        {
            await _collector.PostAcceptedAsync(ReportJson.Intercepted(_pki, "4.2.0"));
        }

        await _collector.PostAcceptedAsync(ReportJson.Intercepted(_pki, "4.3.0"));

        var (rows, reports) = await _collector.Store.CountAsync(CancellationToken.None);
        Assert.Equal(2, rows);
        Assert.Equal(4, reports);
        using var hosts = JsonDocument.Parse(await _collector.Client.GetStringAsync("/api/hosts"));
        var host = Assert.Single(hosts.RootElement.GetProperty("hosts").EnumerateArray());
        Assert.Equal(_pki.Host, host.GetProperty("host").GetString());
        Assert.Equal(4, host.GetProperty("reports").GetInt64());
        Assert.Equal(4, host.GetProperty("reportOnly").GetInt64());
        Assert.Equal(["4.2.0", "4.3.0"], hosts.RootElement.GetProperty("appVersions").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task Post_BrowserHpkpReportWithoutPinsetFields_Accepted()
    {
        var browser = $$"""
            {"date-time":"2014-04-06T13:00:50Z","hostname":"{{_pki.Host}}","port":443,"effective-expiration-date":"2014-05-01T12:40:50Z",
             "include-subdomains":false,"served-certificate-chain":[{{JsonSerializer.Serialize(_pki.InterceptorLeaf.ExportCertificatePem())}}],
             "validated-certificate-chain":[{{JsonSerializer.Serialize(_pki.InterceptorLeaf.ExportCertificatePem())}},{{JsonSerializer.Serialize(_pki.InterceptorRoot.Certificate.ExportCertificatePem())}}],
             "known-pins":["pin-sha256=\"{{_pki.Intermediate.Pin.ToBase64()}}\""]}
            """;

        await _collector.PostAcceptedAsync(browser);

        using var detail = JsonDocument.Parse(await _collector.Client.GetStringAsync($"/api/hosts/{_pki.Host}"));
        var outcome = Assert.Single(detail.RootElement.GetProperty("outcomes").EnumerateArray());
        Assert.Equal("unspecified", outcome.GetProperty("mode").GetString());
    }

    public static TheoryData<string, string, int, string, string> Hostile => new()
    {
        { "malformed JSON", "{\"hostname\": ", 400, "malformed-json", "The body is not a JSON report:" },
        { "deeply nested", "{\"hostname\":\"a.test\",\"x\":" + new string('[', 5000) + new string(']', 5000) + "}", 400, "malformed-json", "nested deeper than 4 levels" },
        { "an array", "[{\"hostname\":\"a.test\"}]", 400, "not-a-report", "The body is a JSON array, not an object" },
        { "no hostname", "{\"port\":443}", 400, "not-a-report", "it has no 'hostname' string" },
        { "a bad host name", "{\"hostname\":\"exa mple.<b>com\"}", 400, "not-a-report", "'hostname' is 'exa mple.<b>com', which is not a host name" },
        { "a bad pin", "{\"hostname\":\"a.test\",\"known-pins\":[\"pin-sha256=\\\"AAAA\\\"\"]}", 400, "not-a-report", "Entry 1 of 'known-pins' is 'pin-sha256=\"AAAA\"'" },
        { "a bad certificate", "{\"hostname\":\"a.test\",\"validated-certificate-chain\":[\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\"]}", 400, "not-a-report", "which is not a PEM certificate" },
        { "a port out of range", "{\"hostname\":\"a.test\",\"port\":70000}", 400, "not-a-report", "'port' is '70000'; expected a whole number from 0 to 65535." },
        { "an unknown mode", "{\"hostname\":\"a.test\",\"mode\":\"audit\"}", 400, "not-a-report", "'mode' is 'audit'; expected 'enforce' or 'report-only'." },
        { "a long app name", "{\"hostname\":\"a.test\",\"app-name\":\"" + new string('x', 200) + "\"}", 400, "not-a-report", "'app-name' is 200 characters long" },
        { "an empty body", "", 400, "malformed-json", "The body is empty; send one RFC 7469 report as a JSON object." },
        { "white space only", " \r\n\t ", 400, "malformed-json", "The body is empty; send one RFC 7469 report as a JSON object." },
        { "an unpaired surrogate", "{\"hostname\":\"a.test\",\"app-name\":\"\\ud800\"}", 400, "not-a-report", "'app-name' is not valid Unicode text (it escapes half of a surrogate pair or holds bytes that are not UTF-8); send UTF-8 JSON." },
        { "an unpaired surrogate in the host", "{\"hostname\":\"\\udc00.test\"}", 400, "not-a-report", "'hostname' is not valid Unicode text" },
        { "an unpaired surrogate in a chain", "{\"hostname\":\"a.test\",\"served-certificate-chain\":[\"\\ud800\"]}", 400, "not-a-report", "Entry 1 of 'served-certificate-chain' is not valid Unicode text" },
    };

    public static TheoryData<string, byte[], string, string> HostileBytes => new()
    {
        { "bytes that are not UTF-8 in a string", [.. "{\"hostname\":\"a.test\",\"app-version\":\""u8, 0xFF, 0xFE, .. "\"}"u8], "not-a-report", "'app-version' is not valid Unicode text (it escapes half of a surrogate pair or holds bytes that are not UTF-8); send UTF-8 JSON." },
        { "a certificate whose basic constraints cannot be read", ReportJson.Utf8(CertificateWithBrokenBasicConstraints()), "not-a-report", "Entry 1 of 'validated-certificate-chain' is a certificate that cannot be read: ASN1 corrupted data." },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Post_HostileBody_RefusedWithASentenceCountedByReasonAndNothingStored(string what, string body, int status, string reason, string message)
    {
        using var rejected = new MetricCollector<long>(_collector.Services.GetRequiredService<IMeterFactory>(), CollectorMetricNames.Meter, CollectorMetricNames.ReportsRejected);

        using var response = await _collector.PostAsync(body);

        await AssertRefusedAsync(what, response, status, rejected, reason, message);
    }

    [Theory]
    [MemberData(nameof(HostileBytes))]
    public async Task Post_HostileBytes_RefusedWithASentenceCountedByReasonAndNothingStored(string what, byte[] body, string reason, string message)
    {
        using var rejected = new MetricCollector<long>(_collector.Services.GetRequiredService<IMeterFactory>(), CollectorMetricNames.Meter, CollectorMetricNames.ReportsRejected);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await _collector.Client.PostAsync("/reports", content);

        await AssertRefusedAsync(what, response, 400, rejected, reason, message);
    }

    [Fact]
    public async Task Post_EmptyChunkedBody_400SayingItIsEmpty()
    {
        using var rejected = new MetricCollector<long>(_collector.Services.GetRequiredService<IMeterFactory>(), CollectorMetricNames.Meter, CollectorMetricNames.ReportsRejected);
        using var content = new StreamContent(new MemoryStream());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/reports") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _collector.Client.SendAsync(request);

        await AssertRefusedAsync("an empty chunked body", response, 400, rejected, "malformed-json", "The body is empty; send one RFC 7469 report as a JSON object.");
    }

    [Fact]
    public async Task Post_BodyShorterThanItsContentLength_CountedAsAnIncompleteBody()
    {
        using var rejected = new MetricCollector<long>(_collector.Services.GetRequiredService<IMeterFactory>(), CollectorMetricNames.Meter, CollectorMetricNames.ReportsRejected);
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, _collector.BaseAddress.Port);
            var stream = client.GetStream();
            await stream.WriteAsync("POST /reports HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"hostname\""u8.ToArray());
            client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            try
            {
                // Whatever Kestrel does with a request it cannot finish reading (an answer, a close, a reset), the refusal is counted.
                using var reader = new StreamReader(stream);
                await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (IOException)
            {
            }
        }

        await rejected.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal("incomplete-body", Assert.Single(rejected.GetMeasurementSnapshot()).Tags[CollectorMetricNames.ReasonTag]);
        await _collector.PostAcceptedAsync(ReportJson.Intercepted(_pki));
        Assert.Equal("Healthy", await _collector.Client.GetStringAsync("/healthz"));
    }

    private async Task AssertRefusedAsync(string what, HttpResponseMessage response, int status, MetricCollector<long> rejected, string reason, string message)
    {
        Assert.True(status == (int)response.StatusCode, $"{what}: answered {(int)response.StatusCode}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains(message, text, StringComparison.Ordinal);
        Assert.EndsWith(".\n", text, StringComparison.Ordinal);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(reason, Assert.Single(rejected.GetMeasurementSnapshot()).Tags[CollectorMetricNames.ReasonTag]);
        Assert.Equal((0, 0), await _collector.Store.CountAsync(CancellationToken.None));
        await _collector.PostAcceptedAsync(ReportJson.Intercepted(_pki));
        Assert.Equal("Healthy", await _collector.Client.GetStringAsync("/healthz"));
    }

    /// <summary>A report whose one certificate marks its basic constraints extension but holds an OCTET STRING where the SEQUENCE goes.</summary>
    private static string CertificateWithBrokenBasicConstraints()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Broken Constraints", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509Extension("2.5.29.19", [0x04, 0x01, 0xFF], critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return $$"""{"hostname":"a.test","validated-certificate-chain":[{{JsonSerializer.Serialize(certificate.ExportCertificatePem())}}]}""";
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/jsonp")]
    public async Task Post_WrongContentType_415NamingIt(string contentType)
    {
        using var response = await _collector.PostAsync(ReportJson.Intercepted(_pki), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal($"The content type is '{contentType}; charset=utf-8'; send the report as 'application/json'.\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_BodyOverTheLimit_413WhetherTheLengthIsDeclaredOrChunked()
    {
        var large = "{\"hostname\":\"a.test\",\"pad\":\"" + new string('x', 70_000) + "\"}";

        using var declared = await _collector.PostAsync(large);
        using var chunked = new StreamContent(new MemoryStream(ReportJson.Utf8(large)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/reports") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await _collector.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("The body is 70030 bytes; this collector accepts reports of at most 65536 bytes.\n", await declared.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Equal("The body is larger than 65536 bytes, the most this collector accepts for one report.\n", await streamed.Content.ReadAsStringAsync());
        await _collector.PostAcceptedAsync(ReportJson.Intercepted(_pki));
    }

    [Fact]
    public async Task Post_DefaultRateLimit_OneClientSendingAThousandReportsAtOnceIsNeverRefused()
    {
        // A fleet behind one NAT is one address: the default lets it send 1,000 at once and 500 a second after that.
        var body = ReportJson.Intercepted(_pki);
        var answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
        {
            using var response = await _collector.PostAsync(body);
            return response.StatusCode;
        }));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.Accepted, status));
        Assert.Equal(1000, (await _collector.Store.CountAsync(CancellationToken.None)).Reports);
    }
}
