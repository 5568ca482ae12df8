using Pinset.Cli;

return await PinsetCli.RunAsync(args, CliOutput.ForConsole(), CancellationToken.None).ConfigureAwait(false);
