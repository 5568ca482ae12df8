using System.Text.RegularExpressions;

namespace Pinset.Testing.Tests;

/// <summary>
/// Every install line of the README, docs/ and the packages' READMEs, run as written against the packages eng/pack.sh
/// makes: the tool installs (on linux-x64, as its native executable) and runs, and the testing package is added. An
/// install line the docs gain without a case here fails the first test.
/// </summary>
[Collection(PackedFeed.Collection)]
public sealed partial class InstallLineTests(PackedFeed packed) : IDisposable
{
    private const string FromRepository = "eng/pack.sh artifacts && dotnet tool install --global --prerelease --add-source artifacts Pinset.Cli";
    private const string FromFeed = "dotnet tool install --global --prerelease Pinset.Cli";
    private const string TestingPackage = "dotnet add package Pinset.Testing --prerelease";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Docs_EveryInstallLineIsOneThisTestRuns()
    {
        var pages = Directory.GetFiles(Repository.File("docs"), "*.md").Append(Repository.File("README.md"))
            .Concat(Directory.GetDirectories(Repository.File("src")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists));
        var lines = pages.SelectMany(p => InstallLine().Matches(File.ReadAllText(p)).Select(m => m.Value.Trim())).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal([TestingPackage, FromFeed, FromRepository], lines);
    }

    /// <summary>The README's and docs/cli.md's line, from the repository root: pack.sh has made the feed; the install runs as written.</summary>
    [Fact]
    public async Task FromTheRepository_TheToolInstallsAsTheNativeExecutable_AndRuns()
    {
        var (pack, install) = (FromRepository.Split(" && ")[0], FromRepository.Split(" && ")[1]);
        Assert.Equal("eng/pack.sh artifacts", pack);
        var root = Directory.CreateDirectory(_dir.File("clone")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(root, "artifacts"), packed.Feed);
        var pinset = await InstallAsync(install, root);

        Assert.Equal("linux-x64/Pinset.Cli", string.Join('/', new FileInfo(pinset).ResolveLinkTarget(returnFinalTarget: true)!.FullName.Split('/')[^2..]));
        await using (var file = File.OpenRead(pinset))
        {
            var magic = new byte[4];
            await file.ReadExactlyAsync(magic);
            Assert.Equal("\u007fELF"u8.ToArray(), magic);
        }

        await AssertRunsAsync(pinset);
    }

    /// <summary>The tool package's own README line, as a user with the packages in a feed of theirs runs it.</summary>
    [Fact]
    public async Task FromAFeed_TheToolInstallsAndRuns()
    {
        var work = Directory.CreateDirectory(_dir.File("user")).FullName;
        await File.WriteAllTextAsync(Path.Combine(work, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="pinset" value="{packed.Feed}" /></packageSources></configuration>
            """);
        await AssertRunsAsync(await InstallAsync(FromFeed, work));
    }

    /// <summary>docs/testing.md's line, in a new test project whose NuGet.config names the feed.</summary>
    [Fact]
    public async Task TestingPackage_AddedToAProject()
    {
        var project = Directory.CreateDirectory(_dir.File("tests")).FullName;
        await File.WriteAllTextAsync(Path.Combine(project, "ExchangeApp.Tests.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(project, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><add key="pinset" value="{packed.Feed}" /></packageSources></configuration>
            """);
        var add = await OutsideProcess.RunAsync("bash", ["-c", TestingPackage], project);
        Assert.True(add.Exit == 0, $"'{TestingPackage}' failed:{Environment.NewLine}{add.Output}");
        Assert.Contains($"<PackageReference Include=\"Pinset.Testing\" Version=\"{OutsideProjectTests.PackageVersion()}\" />", await File.ReadAllTextAsync(Path.Combine(project, "ExchangeApp.Tests.csproj")), StringComparison.Ordinal);
    }

    /// <summary>Runs the install line in <paramref name="directory"/> with a home of the test's own; the path of the installed 'pinset'.</summary>
    private async Task<string> InstallAsync(string line, string directory)
    {
        var home = Directory.CreateDirectory(_dir.File($"home-{Guid.NewGuid():N}")).FullName;
        var install = await OutsideProcess.RunAsync("bash", ["-c", line], directory, new Dictionary<string, string> { ["DOTNET_CLI_HOME"] = home });
        Assert.True(install.Exit == 0, $"'{line}' failed:{Environment.NewLine}{install.Output}");
        var pinset = Path.Combine(home, ".dotnet", "tools", "pinset");
        Assert.True(File.Exists(pinset), $"'{line}' installed no '{pinset}':{Environment.NewLine}{install.Output}");
        return pinset;
    }

    private static async Task AssertRunsAsync(string pinset)
    {
        var version = await OutsideProcess.RunAsync(pinset, ["--version"], Repository.Root);
        Assert.True(version.Exit == 0 && version.Output.StartsWith(OutsideProjectTests.PackageVersion(), StringComparison.Ordinal), version.Output);
        var pins = await OutsideProcess.RunAsync(pinset, ["pin", Repository.File("test", "Pinset.Cli.Tests", "DocSession", "leaf.pem")], Repository.Root);
        Assert.True(pins.Exit == 0 && pins.Output.StartsWith("sha256/", StringComparison.Ordinal), pins.Output);
    }

    [GeneratedRegex(@"(?:eng/pack\.sh \S+ && )?dotnet (?:tool install|add package)[^`\n#]*")]
    private static partial Regex InstallLine();
}
