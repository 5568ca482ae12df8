namespace Pinset.Collector.Tests;

/// <summary>What most collector tests make first: a test PKI for the reports' chains and a directory for files, disposed together.</summary>
public sealed class Scratch : IDisposable
{
    public TestPki Pki { get; } = new();

    public TempDirectory Directory { get; } = new();

    public void Dispose()
    {
        Pki.Dispose();
        Directory.Dispose();
    }
}
