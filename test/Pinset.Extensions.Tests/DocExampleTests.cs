using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pinset.Extensions.Tests.DocExamples;

namespace Pinset.Extensions.Tests;

/// <summary>
/// The docs cannot rot: every C# block of the README, docs/*.md and the packages' READMEs (src/*/README.md) is a compiled region of DocExamples/*.cs, shown word
/// for word, and docs/integration.md's examples run here against real servers.
/// </summary>
public sealed partial class DocExampleTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Docs_EveryCSharpBlockIsACompiledExample()
    {
        var regions = CompiledRegions();
        var shown = new List<string>();
        var problems = new List<string>();
        var packageReadmes = Directory.GetDirectories(Path.Combine(Root(), "src")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists);
        foreach (var doc in Directory.GetFiles(Path.Combine(Root(), "docs"), "*.md").Prepend(Path.Combine(Root(), "README.md")).Concat(packageReadmes))
        {
            var text = File.ReadAllText(doc).Replace("\r\n", "\n", StringComparison.Ordinal);
            var name = Path.GetRelativePath(Root(), doc);
            foreach (Match block in CSharpBlock().Matches(text))
            {
                int line = text[..block.Index].Count(c => c == '\n') + 1;
                var example = block.Groups["name"].Success ? block.Groups["name"].Value : null;
                if (block.Groups["outside"].Success)
                {
                    // Compiled and run as an outside project from the packed packages: OutsideProjectTests.
                    continue;
                }

                if (example is null)
                {
                    problems.Add($"{name}, line {line}: a C# block without '<!-- example:NAME -->' above it; make it a region of test/Pinset.Extensions.Tests/DocExamples so it is compiled.");
                }
                else if (!regions.TryGetValue(example, out var code))
                {
                    problems.Add($"{name}, line {line}: example '{example}' is not a region of DocExamples.");
                }
                else if (code != block.Groups["body"].Value)
                {
                    problems.Add($"{name}, line {line}: example '{example}' differs from the compiled code, which is:\n{code}");
                }
                else
                {
                    shown.Add(example);
                }
            }
        }

        problems.AddRange(regions.Keys.Except(shown).Select(r => $"The compiled example '{r}' is shown in no doc."));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains("readme-use", shown);
        Assert.Contains("sslstream", shown);
    }

    /// <summary>Every region of DocExamples/*.cs by name; the parts of a region that appears more than once (usings, then code) joined by a blank line.</summary>
    private static Dictionary<string, string> CompiledRegions()
    {
        var parts = new Dictionary<string, List<string>>();
        foreach (var file in Directory.GetFiles(Path.Combine(Root(), "test", "Pinset.Extensions.Tests", "DocExamples"), "*.cs").Order(StringComparer.Ordinal))
        {
            foreach (Match region in Region().Matches(File.ReadAllText(file)))
            {
                var name = region.Groups["name"].Value;
                (parts.TryGetValue(name, out var list) ? list : parts[name] = []).Add(Dedent(region.Groups["body"].Value));
            }
        }

        return parts.ToDictionary(p => p.Key, p => string.Join("\n", p.Value));
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

    /// <summary>The region's lines without their common indent and without blank lines at either end.</summary>
    private static string Dedent(string body)
    {
        var lines = body.Split('\n').Select(l => l.TrimEnd('\r').TrimEnd()).SkipWhile(l => l.Length == 0).Reverse().SkipWhile(l => l.Length == 0).Reverse().ToList();
        int indent = lines.Where(l => l.Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Concat(lines.Select(l => (l.Length == 0 ? l : l[indent..]) + "\n"));
    }

    private static string Root([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

    [GeneratedRegex(@"// <example:(?<name>[a-z-]+)>\r?\n(?<body>.*?)\s*// </example>", RegexOptions.Singleline)]
    private static partial Regex Region();

    [GeneratedRegex(@"(?:<!-- example:(?<name>[a-z-]+) -->\n|(?<outside><!-- outside:[A-Za-z.]+ -->\n))?```csharp\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
