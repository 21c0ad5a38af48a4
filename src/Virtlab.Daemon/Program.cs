using Virtlab.Daemon;

return args is ["--fence-agent", var log]
    ? await FenceAgentMain.RunAsync(log).ConfigureAwait(false)
    : await DaemonHost.RunAsync(args).ConfigureAwait(false);
