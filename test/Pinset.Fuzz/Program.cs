using Pinset.Fuzz;

// pinset's fuzzing harness for AFL++ through SharpFuzz; eng/fuzz.sh drives it. Commands:
//   Pinset.Fuzz TARGET              run under afl-fuzz (input on stdin, coverage from the SharpFuzz-instrumented Pinset.dll)
//   Pinset.Fuzz seed TARGET DIR     write the starting corpus of TARGET into DIR
//   Pinset.Fuzz replay TARGET PATH  run each file under PATH (a file or a directory) and print any exception that escapes
if (args is ["seed", var target, var dir])
{
    Directory.CreateDirectory(dir);
    foreach (var (name, bytes) in FuzzSeeds.For(target))
    {
        File.WriteAllBytes(Path.Combine(dir, name), bytes);
    }

    return 0;
}

if (args is ["replay", var replayTarget, var path])
{
    int crashes = 0;
    var files = Directory.Exists(path) ? Directory.GetFiles(path) : [path];
    foreach (var file in files.Where(f => !f.EndsWith("README.txt", StringComparison.Ordinal)))
    {
        try
        {
            FuzzTargets.Run(replayTarget, File.ReadAllBytes(file));
        }
        catch (Exception ex)
        {
            crashes++;
            Console.WriteLine($"{file}: {ex.GetType().FullName}: {ex.Message}");
        }
    }

    Console.WriteLine($"{files.Length} inputs replayed on '{replayTarget}', {crashes} escaped with an undocumented exception.");
    return crashes == 0 ? 0 : 1;
}

if (args is [var fuzzTarget] && FuzzTargets.All.ContainsKey(fuzzTarget))
{
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        FuzzTargets.Run(fuzzTarget, buffer.ToArray());
    });
    return 0;
}

Console.Error.WriteLine($"Usage: Pinset.Fuzz TARGET | seed TARGET DIR | replay TARGET PATH. Targets: {string.Join(", ", FuzzTargets.All.Keys)}.");
return 2;
