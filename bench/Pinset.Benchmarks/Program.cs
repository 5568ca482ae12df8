using BenchmarkDotNet.Running;
using Pinset.Benchmarks;

// dotnet run -c Release --project bench/Pinset.Benchmarks -- [e2e] [--quick] [BenchmarkDotNet arguments]
if (args.Contains("e2e"))
{
    return await EndToEnd.RunAsync(args.Contains("--quick"));
}

var rest = args.Where(a => a != "--quick").ToArray();
var quickArgs = args.Contains("--quick") ? new[] { "--job", "short", "--filter", "*" } : rest.Length == 0 ? ["--filter", "*"] : [];
BenchmarkSwitcher.FromAssembly(typeof(ChainValidationBenchmarks).Assembly).Run([.. rest, .. quickArgs]);
return 0;
