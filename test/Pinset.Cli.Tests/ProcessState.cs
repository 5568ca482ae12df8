using System.Globalization;

namespace Pinset.Cli.Tests;

/// <summary>What Linux says a process is doing, for the one thing a test cannot be told otherwise: that it waits in a read.</summary>
internal static class ProcessState
{
    /// <summary>read(2)'s number on Linux x86_64, the first field of /proc/PID/task/TID/syscall.</summary>
    private const string ReadSyscall = "0";

    /// <summary>
    /// Completes when a thread of process <paramref name="processId"/> is blocked in read(2) on what its descriptor
    /// <paramref name="fileDescriptor"/> is open on (through any descriptor: .NET reads standard input through a copy
    /// made with dup), as /proc/PID/task/TID/syscall shows it; fails after a minute. The process gives no other sign that
    /// it waits for input, so this is watched for, every 10 ms.
    /// </summary>
    public static async Task WaitUntilReadingAsync(int processId, int fileDescriptor)
    {
        var limit = DateTime.UtcNow.AddMinutes(1);
        var target = OpenOn(processId, fileDescriptor) ?? throw new InvalidOperationException($"Process {processId} has no descriptor {fileDescriptor}.");
        while (DateTime.UtcNow < limit)
        {
            foreach (var task in Directory.Exists($"/proc/{processId}/task") ? Directory.GetDirectories($"/proc/{processId}/task") : [])
            {
                string[] state;
                try
                {
                    state = (await File.ReadAllTextAsync(Path.Combine(task, "syscall"))).Split(' ');
                }
                catch (IOException)
                {
                    continue; // The thread ended as it was read.
                }

                if (state.Length > 1 && state[0] == ReadSyscall && state[1].StartsWith("0x", StringComparison.Ordinal)
                    && int.TryParse(state[1].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int fd)
                    && OpenOn(processId, fd) == target)
                {
                    return;
                }
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"Process {processId} was not seen blocked in read() on '{target}' (its descriptor {fileDescriptor}) within a minute.");
    }

    /// <summary>What a descriptor of a process is open on ('pipe:[123]', a path), or null.</summary>
    private static string? OpenOn(int processId, int fileDescriptor)
    {
        try
        {
            return new FileInfo($"/proc/{processId}/fd/{fileDescriptor}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
