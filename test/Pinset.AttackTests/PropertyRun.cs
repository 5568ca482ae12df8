using FsCheck;
using FsCheck.Fluent;

namespace Pinset.AttackTests;

/// <summary>
/// Runs FsCheck properties the same way every time: a fixed seed (so CI is deterministic and a failure reproduces),
/// overridable with <c>PINSET_PROPERTY_SEED</c> to explore further locally, and a time bound so a parser that hangs
/// fails the test with a message instead of stalling the run.
/// </summary>
internal static class PropertyRun
{
    private const ulong DefaultSeed = 7469;

    public static void Check<T>(Arbitrary<T> inputs, Action<T> property, int tests)
    {
        ulong seed = ulong.TryParse(Environment.GetEnvironmentVariable("PINSET_PROPERTY_SEED"), out var chosen) ? chosen : DefaultSeed;
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(tests)
            .WithQuietOnSuccess(true)
            .WithReplay(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15), Microsoft.FSharp.Core.FSharpOption<int>.None));
        var run = Task.Run(() => Prop.ForAll(inputs, property).Check(config));
        if (!run.Wait(TimeSpan.FromMinutes(2)))
        {
            throw new TimeoutException($"A property of {tests} tests (seed {seed}) did not finish in 2 minutes: a parser may hang.");
        }

        run.GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="parse"/>; the one documented exception is fine, any other fails with the input shown.</summary>
    public static void OnlyFormatException(Action parse, object input)
    {
        try
        {
            parse();
        }
        catch (PinsetFormatException ex)
        {
            if (string.IsNullOrWhiteSpace(ex.Message))
            {
                throw new Xunit.Sdk.XunitException($"A PinsetFormatException without a message for input '{Show(input)}'.");
            }
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"{ex.GetType().Name} escaped a parser for input '{Show(input)}': {ex}");
        }
    }

    private static string Show(object input) => input is byte[] bytes ? "base64:" + Convert.ToBase64String(bytes) : input.ToString() ?? string.Empty;
}
