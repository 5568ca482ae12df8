namespace Pinset.AttackTests;

/// <summary>A missing tool fails its tests with the Debian package to install, never silently.</summary>
public sealed class ExternalToolTests
{
    [Fact]
    public void Start_ToolNotInstalled_FailsNamingThePackageAndTheLocalSwitch()
    {
        var tool = new ExternalTool("pinset-no-such-tool", "pinset-no-such-package");

        var error = Assert.Throws<InvalidOperationException>(() => tool.Start([]));

        Assert.False(tool.IsInstalled);
        Assert.Contains("'pinset-no-such-tool' is not installed; install Debian's 'pinset-no-such-package' package", error.Message, StringComparison.Ordinal);
        Assert.Contains("PINSET_SKIP_MISSING_TOOLS=1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("mitmdump")]
    [InlineData("curl")]
    [InlineData("openssl")]
    [InlineData("clang")]
    [InlineData("objcopy")]
    public void IsInstalled_ToolsTheSuiteNeeds_InstalledWhereverItRuns(string command)
    {
        // eng/test.sh installs them; a local `dotnet test` without them sets the skip switch, and then this says what is missing.
        var tool = ExternalTool.All.Single(t => t.Command == command);
        Assert.True(tool.IsInstalled || Environment.GetEnvironmentVariable(ExternalTool.SkipSwitch) == "1", $"'{command}' is missing: apt-get install -y {tool.DebianPackage}");
    }

    [Fact]
    public void Named_ToolNotInTheList_RefusedSoTheInstallerCannotForgetIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ExternalTool.Named("socat"));
        Assert.Contains("'socat' is not listed in eng/test-tools.tsv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_IsTheListTheInstallerReads()
    {
        var listed = File.ReadAllLines(Repository.File("eng", "test-tools.tsv"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(fields => new ExternalTool(fields[0], fields[1]));
        Assert.Equal(listed, ExternalTool.All);
        Assert.Contains(ExternalTool.Nginx, ExternalTool.All);
    }

    [Fact]
    public async Task TestScript_ToolMissing_NamesThePackageAndTheInstallLine()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tools.tsv"), "# a tool no machine has\ncurl\tcurl\npinset-no-such-tool\tpinset-no-such-package\n");
        var (exit, output) = await CheckToolsAsync(dir.File("tools.tsv"));
        Assert.Equal(2, exit);
        Assert.Contains("Missing Debian packages: pinset-no-such-package.", output, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install -y pinset-no-such-package", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestScript_EveryToolInstalled_SaysSo()
    {
        var (exit, output) = await CheckToolsAsync(null);
        Assert.True(exit == 0 || Environment.GetEnvironmentVariable(ExternalTool.SkipSwitch) == "1", output);
        Assert.Contains(exit == 0 ? $"Every tool the tests start is installed: {string.Join(' ', ExternalTool.All.Select(t => t.Command))}." : "Missing Debian packages", output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> CheckToolsAsync(string? list)
    {
        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Repository.File("eng", "test.sh"));
        start.ArgumentList.Add("--check-tools");
        if (list is not null)
        {
            start.Environment["PINSET_TEST_TOOLS"] = list;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
