using BenchmarkDotNet.Running;
using Pinset.Benchmarks;

// dotnet run -c Release --project bench/Pinset.Benchmarks -- [e2e] [--quick] [BenchmarkDotNet arguments]
// dotnet run -c Release --project bench/Pinset.Benchmarks -- check [--quick]   (pinset check over many servers, in-process)
// dotnet run -c Release --project bench/Pinset.Benchmarks -- check-map [--quick]   (pinset check with the CA map against without it, 1,000 servers)
// dotnet run -c Release --project bench/Pinset.Benchmarks -- coldstart [--quick]   (first pinned request of a fresh process)
// dotnet run -c Release --project bench/Pinset.Benchmarks -- startup [--quick] [--feed DIR]   (pinset pin FILE from a cold process, installed as the README says, against openssl)
// dotnet run -c Release --project bench/Pinset.Benchmarks -- tunnel [--quick]   (pinset tunnel against stunnel4, side by side on loopback)
// (and "servers N DIR", for bench/check-scale.sh)
if (args is ["servers", var count, var directory])
{
    return await CheckServers.RunAsync(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture), directory);
}

if (args.Contains("check-map"))
{
    return await CheckMapCost.RunAsync(args.Contains("--quick"));
}

if (args.Contains("check"))
{
    return await CheckScale.RunAsync(args.Contains("--quick"));
}

if (args.Contains("coldstart"))
{
    return await ColdStart.RunAsync(args.Contains("--quick"));
}

if (args.Contains("startup"))
{
    int path = Array.IndexOf(args, "--feed");
    return await ToolStartup.RunAsync(args.Contains("--quick"), path >= 0 && path + 1 < args.Length ? args[path + 1] : null);
}

if (args.Contains("tunnel"))
{
    return await TunnelComparison.RunAsync(args.Contains("--quick"));
}

if (args.Contains("e2e"))
{
    return await EndToEnd.RunAsync(args.Contains("--quick"));
}

var rest = args.Where(a => a != "--quick").ToArray();
var quickArgs = args.Contains("--quick") ? new[] { "--job", "short", "--filter", "*" } : rest.Length == 0 ? ["--filter", "*"] : [];
BenchmarkSwitcher.FromAssembly(typeof(ChainValidationBenchmarks).Assembly).Run([.. rest, .. quickArgs]);
return 0;
