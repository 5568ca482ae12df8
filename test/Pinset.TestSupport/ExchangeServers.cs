namespace Pinset.TestSupport;

/// <summary>
/// What most connection tests need, started and stopped as one: a fresh <see cref="TestPki"/>, the genuine exchange
/// (its chain) and an impostor presenting a leaf of the interceptor's CA, each a <see cref="KestrelExchange"/> on loopback.
/// </summary>
public sealed class ExchangeServers : IAsyncDisposable
{
    private ExchangeServers(TestPki pki, LoopbackHttpsServer genuine, LoopbackHttpsServer interceptor)
    {
        Pki = pki;
        Genuine = genuine;
        Interceptor = interceptor;
    }

    public TestPki Pki { get; }

    public LoopbackHttpsServer Genuine { get; }

    public LoopbackHttpsServer Interceptor { get; }

    public static async Task<ExchangeServers> StartAsync()
    {
        var pki = new TestPki();
        var genuine = await KestrelExchange.StartAsync(pki.Leaf, pki.GenuineChain()).ConfigureAwait(false);
        var interceptor = await KestrelExchange.StartAsync(pki.InterceptorLeaf, [pki.InterceptorLeaf]).ConfigureAwait(false);
        return new ExchangeServers(pki, genuine, interceptor);
    }

    public async ValueTask DisposeAsync()
    {
        await Genuine.DisposeAsync().ConfigureAwait(false);
        await Interceptor.DisposeAsync().ConfigureAwait(false);
        Pki.Dispose();
    }
}
