using Virtlab.Daemon;

return await DaemonHost.RunAsync(args).ConfigureAwait(false);
