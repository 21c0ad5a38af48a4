using Virtlab.Cli;

return await CliApp.RunAsync(args).ConfigureAwait(false);
