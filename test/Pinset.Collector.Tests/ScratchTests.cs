namespace Pinset.Collector.Tests;

/// <summary>
/// The base of the collector tests that need what most of them make first: a test PKI for the reports' chains and a
/// directory for files, both disposed after each test.
/// </summary>
public abstract class ScratchTests : IDisposable
{
    protected TestPki Pki { get; } = new();

    protected TempDirectory Files { get; } = new();

    public void Dispose()
    {
        Pki.Dispose();
        Files.Dispose();
        GC.SuppressFinalize(this);
    }
}
