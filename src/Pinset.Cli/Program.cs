using Pinset.Cli;

using var interruption = Interruption.ForProcess();
return await PinsetCli.RunAsync(args, CliConsole.ForConsole(), interruption).ConfigureAwait(false);
