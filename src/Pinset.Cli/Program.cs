using Pinset.Cli;

using var interruption = Interruption.ForProcess();
return await PinsetCli.RunAsync(args, CliOutput.ForConsole(), interruption).ConfigureAwait(false);
