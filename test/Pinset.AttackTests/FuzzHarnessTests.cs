using Pinset.Fuzz;

namespace Pinset.AttackTests;

/// <summary>
/// Keeps the AFL++ harness (test/Pinset.Fuzz, driven by eng/fuzz.sh) honest in every CI run: each target's starting
/// corpus is valid input that its parser accepts, and the harness lets only undocumented exceptions escape.
/// </summary>
public sealed class FuzzHarnessTests
{
    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Keys];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Seeds_EveryTarget_ParseCleanly(string target)
    {
        var seeds = FuzzSeeds.For(target);
        Assert.NotEmpty(seeds);
        foreach (var (name, bytes) in seeds)
        {
            var exception = Record.Exception(() => FuzzTargets.Run(target, bytes));
            Assert.True(exception is null, $"Seed '{name}' of '{target}' raised {exception}");
        }
    }

    [Fact]
    public void Run_MalformedInput_DocumentedRefusalIsNotACrash()
    {
        foreach (var target in FuzzTargets.All.Keys)
        {
            FuzzTargets.Run(target, "not any format at all \u0000 {"u8.ToArray());
        }
    }

    [Fact]
    public void Run_UnknownTarget_NamesTheTargets()
    {
        var error = Assert.Throws<ArgumentException>(() => FuzzTargets.Run("nope", []));
        Assert.Contains("Unknown fuzz target 'nope'; expected one of: certificate, policy, android, text.", error.Message, StringComparison.Ordinal);
    }
}
