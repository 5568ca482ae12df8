namespace Pinset.Benchmarks;

/// <summary>
/// For bench/check-scale.sh: starts N loopback TLS servers for one generated chain, writes a policy, the root and the
/// pinset arguments that reach every server into DIR, prints "ready", and serves until standard input closes.
/// </summary>
internal static class CheckServers
{
    public static async Task<int> RunAsync(int count, string directory)
    {
        using var pki = new TestPki();
        var servers = new List<LoopbackTlsServer>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                servers.Add(LoopbackTlsServer.Start(pki.Leaf, pki.GenuineChain()));
            }

            Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(Path.Combine(directory, "root.pem"), pki.Root.Certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(directory, "policy.json"),
                $$$"""{"pinning": {"policies": [{"hosts": ["**.exchange.test"], "pins": ["{{{pki.Intermediate.Pin}}}", "{{{TestPki.BackupPin}}}"]}]}}""");
            var lines = servers.Select((s, i) => $"s{i}.exchange.test:{s.Port}")
                .Concat(servers.Select((s, i) => $"--resolve\ns{i}.exchange.test:{s.Port}:127.0.0.1"));
            await File.WriteAllTextAsync(Path.Combine(directory, "args.txt"), string.Join('\n', lines) + "\n");
            Console.WriteLine("ready");
            await Console.In.ReadToEndAsync();
            return 0;
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}
