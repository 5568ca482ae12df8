namespace Pinset.Cli.Tests;

/// <summary>A genuine chain, an interceptor, their roots in a PEM file, and the --resolve/--ca-file arguments to reach a server.</summary>
internal sealed class CliFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    public CliFixture()
    {
        RootsPem = _dir.File("roots.pem");
        System.IO.File.WriteAllText(RootsPem, Pki.Root.Certificate.ExportCertificatePem() + "\n" + Pki.InterceptorRoot.Certificate.ExportCertificatePem() + "\n");
    }

    public TestPki Pki { get; } = new();

    public string RootsPem { get; }

    public string Directory => _dir.Path;

    public string File(string name) => _dir.File(name);

    public static string Target(LoopbackTlsServer server, string host = TestPki.DefaultHost) => $"{host}:{server.Port}";

    /// <summary>--resolve for the pinned host, and --ca-file trusting both roots.</summary>
    public string[] Reach(LoopbackTlsServer server, string host = TestPki.DefaultHost) => Reach(server.Port, host);

    public string[] Reach(int port, string host = TestPki.DefaultHost) =>
        ["--resolve", $"{HostName.Normalize(host)}:{port}:127.0.0.1", "--ca-file", RootsPem];

    public string Policy(string body)
    {
        var path = _dir.File(Guid.NewGuid().ToString("N") + ".json");
        System.IO.File.WriteAllText(path, $$$"""{"pinning": {"policies": [{{{body}}}]}}""");
        return path;
    }

    public void Dispose()
    {
        Pki.Dispose();
        _dir.Dispose();
    }
}
