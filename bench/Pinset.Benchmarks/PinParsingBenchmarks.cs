using BenchmarkDotNet.Attributes;

namespace Pinset.Benchmarks;

/// <summary>Parsing a pin in each of its three spellings, against decoding its base64 alone.</summary>
[MemoryDiagnoser]
public class PinParsingBenchmarks
{
    private static readonly SpkiPin Pin = SpkiPin.FromSubjectPublicKeyInfo("benchmark"u8);
    private readonly string _base64 = Pin.ToBase64();
    private readonly string _canonical = Pin.ToString();
    private readonly string _curl = Pin.ToCurlString();
    private readonly string _hpkp = Pin.ToHpkpString();

    [Benchmark(Baseline = true)]
    public int Base64Only() => Convert.FromBase64String(_base64).Length;

    [Benchmark]
    public SpkiPin Canonical() => SpkiPin.Parse(_canonical);

    [Benchmark]
    public SpkiPin Curl() => SpkiPin.Parse(_curl);

    [Benchmark]
    public SpkiPin Hpkp() => SpkiPin.Parse(_hpkp);
}
