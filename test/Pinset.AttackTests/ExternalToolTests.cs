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
    public void IsInstalled_ToolsTheSuiteNeeds_InstalledWhereverItRuns(string command)
    {
        // CI installs them (.ci/run); a local run without them sets the skip switch, and then this says what is missing.
        var tool = ExternalTool.All.Single(t => t.Command == command);
        Assert.True(tool.IsInstalled || Environment.GetEnvironmentVariable(ExternalTool.SkipSwitch) == "1", $"'{command}' is missing: apt-get install -y {tool.DebianPackage}");
    }
}
