using System.Diagnostics;
using System.Text;

namespace Pinset.Testing.Tests;

/// <summary>A command run outside the test's own process and build: pack, install, build and test as a user's shell would.</summary>
internal static class OutsideProcess
{
    /// <summary>
    /// Runs the command to its end (at most 8 minutes) in a clean environment, with <paramref name="environment"/> added;
    /// its exit code and everything it printed.
    /// </summary>
    public static async Task<(int Exit, string Output)> RunAsync(string command, string[] arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The outer test run's MSBuild and test-host settings would steer the inner build; it gets a clean slate.
        foreach (var (name, value) in DotnetBuild.CleanEnvironment())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}
