using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pinset.Extensions.Tests.DocExamples;

namespace Pinset.Extensions.Tests;

/// <summary>docs/integration.md cannot rot: its examples are the compiled regions of IntegrationExamples, run here against real servers.</summary>
public sealed partial class IntegrationDocTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Doc_EveryExampleIsTheCompiledCode()
    {
        var source = File.ReadAllText(Path.Combine(Root(), "test", "Pinset.Extensions.Tests", "DocExamples", "IntegrationExamples.cs"));
        var doc = File.ReadAllText(Path.Combine(Root(), "docs", "integration.md"));
        var regions = Region().Matches(source).ToDictionary(m => m.Groups["name"].Value, m => Dedent(m.Groups["body"].Value));
        Assert.Equal(["coverage", "factory", "grpc", "httpclient", "sslstream", "websocket"], regions.Keys.Order());
        foreach (var (name, code) in regions)
        {
            Assert.True(doc.Contains($"<!-- example:{name} -->\n```csharp\n{code}```", StringComparison.Ordinal), $"docs/integration.md does not show the example '{name}' as compiled:\n{code}");
        }
    }

    [Fact]
    public async Task Examples_RunAgainstRealServers()
    {
        await using var genuine = await KestrelExchange.StartAsync(_pki.Leaf, _pki.GenuineChain());
        var route = IntegrationExamples.Loopback(genuine.Port);
        var policyFile = _dir.File("pinning.json");
        File.WriteAllText(policyFile, $$$"""{"pinning": {"policies": [{"hosts": ["{{{TestPki.DefaultHost}}}"], "pins": ["{{{_pki.Intermediate.Pin}}}", "{{{TestPki.BackupPin}}}"]}]}}""");
        var configuration = new ConfigurationBuilder().AddJsonFile(policyFile).Build();
        var trust = new CertificatePinnerOptions { CustomTrustRoots = _pki.TrustBoth() };

        Assert.Equal("BTC-USD 97000.00", await IntegrationExamples.PlainHttpClient(policyFile, new Uri(genuine.Url(), "ticker"), trust, route));
        Assert.Equal("BTC-USD 97000.00", await IntegrationExamples.Factory(configuration, new Uri(genuine.Url(), "ticker"), o => o.CustomTrustRoots = _pki.TrustBoth(), () => { var h = new SocketsHttpHandler(); route(h); return h; }));

        var services = new ServiceCollection().AddLogging().AddCertificatePinning(configuration.GetSection("pinning"), o => o.CustomTrustRoots = _pki.TrustBoth());
        await using var provider = services.BuildServiceProvider();
        var pinning = provider.GetRequiredService<CertificatePinning>();
        Assert.Equal("trade BTC-USD 0.5", await IntegrationExamples.WebSocket(pinning, new Uri(genuine.Url("wss"), "trades"), route));
        Assert.Equal("97000.00", await IntegrationExamples.Grpc(pinning, genuine.Url(), route));

        var app = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        app.Configuration.Sources.Clear();
        app.Configuration.AddConfiguration(configuration);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, await IntegrationExamples.Coverage(app));

        await using var fix = LoopbackTlsServer.Start(_pki.Leaf, _pki.GenuineChain());
        await using (var tcp = await fix.ConnectAsync())
        {
            Assert.True(await IntegrationExamples.FixSession(pinning.Pinner, TestPki.DefaultHost, tcp));
        }

        await using var interceptor = LoopbackTlsServer.Start(_pki.InterceptorLeaf);
        await using var stolen = await interceptor.ConnectAsync();
        await Assert.ThrowsAsync<PinValidationException>(() => IntegrationExamples.FixSession(pinning.Pinner, TestPki.DefaultHost, stolen));
        Assert.Equal(0, interceptor.Requests);
    }

    private static string Dedent(string body)
    {
        var lines = body.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        int indent = lines.Min(l => l.Length - l.TrimStart().Length);
        return string.Concat(lines.Select(l => l[indent..] + "\n"));
    }

    private static string Root([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

    [GeneratedRegex(@"// <example:(?<name>[a-z]+)>\r?\n(?<body>.*?)\s*// </example>", RegexOptions.Singleline)]
    private static partial Regex Region();
}
