using System.Diagnostics;

namespace Pinset.AttackTests;

/// <summary>
/// The servers the suites start leave nothing behind: disposed, their processes are gone and their directories removed;
/// and when the test run itself ends without disposing them (cancelled, crashed), their watchdog kills the tool and
/// removes its directory. Processes are read from /proc, and every wait is on a process's end, never on time.
/// </summary>
public sealed class FixtureTeardownTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [RequiresToolsFact("nginx", "mitmdump", "openssl")]
    public async Task Disposed_EveryServerProcessGoneAndDirectoryRemoved()
    {
        var nginx = await NginxServer.StartAsync([new NginxSite("genuine", _pki.Leaf, [_pki.Intermediate.Certificate])]);
        var mitm = await MitmProxy.StartAsync(_pki.InterceptorRoot, nginx.Port("genuine"), _pki.Root);
        var openssl = await OpenSslTlsServer.StartAsync(_pki.Leaf, [_pki.Intermediate.Certificate]);
        var started = new (int Watchdog, string Directory, IAsyncDisposable Server)[] { (nginx.ProcessId, nginx.Directory, nginx), (mitm.ProcessId, mitm.Directory, mitm), (openssl.ProcessId, openssl.Directory, openssl) };

        // Each server is its tool, running as the child of a watchdog that is a child of this test process.
        var tools = new List<int>();
        foreach (var (watchdog, directory, _) in started)
        {
            Assert.Contains(ProcessTree.Children(Environment.ProcessId), c => c.Id == watchdog);
            var children = ProcessTree.Children(watchdog).Where(c => c.Command != "tail").ToList();
            tools.Add(Assert.Single(children).Id);
            Assert.True(Directory.Exists(directory));
        }

        foreach (var (_, _, server) in started)
        {
            await server.DisposeAsync();
        }

        foreach (var (watchdog, directory, _) in started)
        {
            Assert.False(ProcessTree.IsRunning(watchdog), $"The watchdog {watchdog} still runs.");
            Assert.False(Directory.Exists(directory), $"'{directory}' was left behind.");
        }

        Assert.All(tools, tool => Assert.False(ProcessTree.IsRunning(tool), $"The tool {tool} still runs."));
    }

    [RequiresToolsFact("openssl")]
    public async Task TestRunEndsWithoutDisposing_WatchdogKillsTheToolAndRemovesItsDirectory()
    {
        // A stand-in for the test run: a process that runs until killed, as the watched process.
        using var run = Process.Start(new ProcessStartInfo("tail", "-f /dev/null") { RedirectStandardOutput = true })!;
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("leaf.pem"), _pki.Leaf.ExportCertificatePem());
        await File.WriteAllTextAsync(dir.File("leaf.key"), TestKey.PrivateKeyPem(_pki.Leaf));
        var server = await ToolServerProcess.StartAsync(
            ExternalTool.OpenSsl,
            ["s_server", "-accept", $"127.0.0.1:{Loopback.FreePort()}", "-cert", dir.File("leaf.pem"), "-key", dir.File("leaf.key"), "-ign_eof"],
            isReady: line => line.StartsWith("ACCEPT", StringComparison.Ordinal),
            cleanupDirectory: dir.Path,
            watchedProcessId: run.Id);
        int tool = Assert.Single(ProcessTree.Children(server.ProcessId), c => c.Command == "openssl").Id;

        run.Kill();
        await server.Exited.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(ProcessTree.IsRunning(tool), "openssl s_server outlived the run it belonged to.");
        Assert.False(Directory.Exists(dir.Path), $"'{dir.Path}' was left behind.");
        await server.DisposeAsync();
    }
}
