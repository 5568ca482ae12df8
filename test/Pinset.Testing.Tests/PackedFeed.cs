namespace Pinset.Testing.Tests;

/// <summary>
/// The packages as eng/pack.sh makes them, in a local feed: packed once for the tests that install or reference them
/// (<see cref="OutsideProjectTests"/>, <see cref="InstallLineTests"/>), which run one after another in its collection.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public const string Collection = "Packed feed";

    private readonly TempDirectory _dir = new();

    /// <summary>The feed: the directory eng/pack.sh wrote the packages to.</summary>
    public string Feed => _dir.File("feed");

    public async Task InitializeAsync()
    {
        var pack = await OutsideProcess.RunAsync("bash", [Repository.File("eng", "pack.sh"), Feed], Repository.Root);
        Assert.True(pack.Exit == 0, $"eng/pack.sh failed:{Environment.NewLine}{pack.Output}");
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(PackedFeed.Collection)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>;
