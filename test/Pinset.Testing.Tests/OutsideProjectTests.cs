using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Pinset.Testing.Tests;

/// <summary>
/// The issue's "done when": a test project outside the solution, referencing only the packed Pinset.Testing and
/// Pinset.Extensions packages from a local feed, runs docs/testing.md's example; the pinned app passes, and without
/// UseCertificatePinning() it fails with the messages the page documents. One pack serves both runs, and the issue
/// "packages ready to publish" too: every shipped package's metadata, and the tool installed from the feed.
/// </summary>
[Collection(PackedFeed.Collection)]
public sealed partial class OutsideProjectTests(PackedFeed packed)
{
    private const string PinningLine = "\n            .UseCertificatePinning();";

    [Fact]
    public async Task DocsExample_PackedPackages_PinnedAppPassesAndUnpinnedAppFailsWithTheDocumentedMessages()
    {
        using var dir = new TempDirectory();
        var page = await File.ReadAllTextAsync(Repository.File("docs", "testing.md"));
        var project = Directory.CreateDirectory(dir.File("outside")).FullName;
        string feed = packed.Feed;
        AssertReadyToPublish(feed);
        await WriteProjectAsync(project, feed, page);

        var pinned = await OutsideProcess.RunAsync("dotnet", ["test", project, "--disable-build-servers", "-p:UseSharedCompilation=false"], project);
        Assert.True(pinned.Exit == 0, $"The pinned example failed:{Environment.NewLine}{pinned.Output}");
        Assert.True(Summary(pinned.Output) == (0, 2), $"Expected 2 passed tests:{Environment.NewLine}{pinned.Output}");

        var app = Path.Combine(project, "ExchangeHost.cs");
        var code = await File.ReadAllTextAsync(app);
        Assert.Single(Regex.Matches(code, Regex.Escape(PinningLine)));
        await File.WriteAllTextAsync(app, code.Replace(PinningLine, ";", StringComparison.Ordinal));

        var unpinned = await OutsideProcess.RunAsync("dotnet", ["test", project, "--disable-build-servers", "-p:UseSharedCompilation=false"], project);
        Assert.True(unpinned.Exit != 0, $"The example passed without UseCertificatePinning():{Environment.NewLine}{unpinned.Output}");
        Assert.True(Summary(unpinned.Output) == (2, 0), $"Expected 2 failed tests:{Environment.NewLine}{unpinned.Output}");
        var documented = DocumentedFailures(page);
        foreach (var message in documented)
        {
            Assert.True(Normalize(unpinned.Output).Contains(Normalize(message), StringComparison.Ordinal), $"docs/testing.md's message is not in the output:{Environment.NewLine}{message}{Environment.NewLine}The output:{Environment.NewLine}{unpinned.Output}");
        }

        Assert.Equal(2, documented.Count);
    }

    /// <summary>
    /// The shipped projects each packed with symbols, one version, the MIT licence expression, and its own README inside;
    /// the tool as a top-level package naming its platform packages (linux-x64 native, any IL), which carry the symbols.
    /// </summary>
    private static void AssertReadyToPublish(string feed)
    {
        var version = PackageVersion();
        string[] shipped = ["Pinset", "Pinset.Cli", "Pinset.Cli.any", "Pinset.Cli.linux-x64", "Pinset.Extensions", "Pinset.Formats", "Pinset.Testing", "Pinset.Tunnel"];
        Assert.Equal(
            shipped.SelectMany(id => id == "Pinset.Cli" ? new[] { $"{id}.{version}.nupkg" } : [$"{id}.{version}.nupkg", $"{id}.{version}.snupkg"]).Order(StringComparer.Ordinal),
            Directory.GetFiles(feed).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var id in shipped)
        {
            using var package = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.nupkg"));
            XNamespace ns = XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open()).Root!.Name.Namespace;
            var metadata = XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open()).Root!.Element(ns + "metadata")!;
            Assert.Equal(("expression", "MIT"), ((string)metadata.Element(ns + "license")!.Attribute("type")!, metadata.Element(ns + "license")!.Value));
            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value), $"{id} has no description.");
            using var readme = new StreamReader(package.GetEntry("README.md")!.Open());
            Assert.Equal(File.ReadAllText(Repository.File("src", id.StartsWith("Pinset.Cli", StringComparison.Ordinal) ? "Pinset.Cli" : id, "README.md")), readme.ReadToEnd());
            Assert.NotNull(package.GetEntry("LICENSE"));
        }
    }

    /// <summary>The one version of every shipped package, from src/Directory.Build.props.</summary>
    internal static string PackageVersion()
    {
        var props = XDocument.Load(Repository.File("src", "Directory.Build.props")).Descendants().ToList();
        return $"{props.Single(e => e.Name == "VersionPrefix").Value}-{props.Single(e => e.Name == "VersionSuffix").Value}";
    }

    /// <summary>The project: the page's code files, the csproj and NuGet.config from the templates, versions from this repository.</summary>
    private static async Task WriteProjectAsync(string project, string feed, string page)
    {
        var files = CodeBlocks().Matches(page).ToDictionary(m => m.Groups["file"].Value, m => m.Groups["code"].Value);
        Assert.Equal(["ExchangeClientPinningTests.cs", "ExchangeHost.cs"], files.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, code) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(project, name), code);
        }

        var versions = XDocument.Load(Repository.File("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);
        versions["PinsetVersion"] = Path.GetFileName(Directory.GetFiles(feed, "Pinset.Testing.*.nupkg").Single())["Pinset.Testing.".Length..^".nupkg".Length];
        versions["Feed"] = feed;
        versions["Cache"] = await GlobalPackagesFolderAsync();
        string templates = Path.Combine(AppContext.BaseDirectory, "Outside");
        await File.WriteAllTextAsync(Path.Combine(project, "ExchangeApp.Tests.csproj"), Fill(await File.ReadAllTextAsync(Path.Combine(templates, "ExchangeApp.Tests.csproj.template")), versions));
        await File.WriteAllTextAsync(Path.Combine(project, "NuGet.config"), Fill(await File.ReadAllTextAsync(Path.Combine(templates, "NuGet.config.template")), versions));
    }

    private static string Fill(string template, Dictionary<string, string> values) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var value) ? value : throw new InvalidOperationException($"The template has '{m.Value}', which nothing fills."));

    /// <summary>The lines of the page's failure block: each must appear in the output, numbers aside.</summary>
    private static List<string> DocumentedFailures(string page) =>
        [.. FailureBlock().Match(page).Groups["text"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>The failed and passed counts of the closing line of <c>dotnet test</c>.</summary>
    private static (int Failed, int Passed) Summary(string output)
    {
        var match = SummaryLine().Match(output);
        return match.Success ? (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)) : (-1, -1);
    }

    private static string Normalize(string text) => Numbers().Replace(text.Replace("\r", string.Empty, StringComparison.Ordinal), "N");

    private static async Task<string> GlobalPackagesFolderAsync()
    {
        var locals = await OutsideProcess.RunAsync("dotnet", ["nuget", "locals", "global-packages", "--list"], Repository.Root);
        return locals.Output.Trim().Split("global-packages:", 2)[1].Trim();
    }

    [GeneratedRegex(@"<!-- outside:(?<file>[\w.]+) -->\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlocks();

    [GeneratedRegex(@"<!-- outside-failure -->\s*```text\n(?<text>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FailureBlock();

    [GeneratedRegex(@"\{\{([\w.]+)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"Failed:\s+(\d+), Passed:\s+(\d+),")]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();
}
