namespace Pinset.Cli.Tests;

/// <summary>
/// The native pinset of <c>eng/publish-cli.sh</c>, published once for the class when a test first asks for it (about
/// 40 seconds: a native AOT compile and link), and deleted after the class.
/// </summary>
public sealed class NativePinsetFixture : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Lazy<Task<NativePinset>> _published;

    public NativePinsetFixture() => _published = new(() => NativePinset.PublishAsync(_dir.Path));

    public Task<NativePinset> Pinset => _published.Value;

    public void Dispose() => _dir.Dispose();
}
