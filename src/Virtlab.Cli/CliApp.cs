using System.CommandLine;
using Virtlab.Cli.Commands;

namespace Virtlab.Cli;

/// <summary>virtlab: a virsh-like CLI. Every command talks to the daemon; none touches QEMU itself.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Virtlab: real QEMU/KVM virtual machines, managed and measured (virsh words, virsh output)");
        foreach (var command in new[]
        {
            LifecycleCommands.Create(), LifecycleCommands.Define(), LifecycleCommands.Start(), LifecycleCommands.Shutdown(),
            LifecycleCommands.Destroy(), LifecycleCommands.Undefine(),
            InfoCommands.List(), InfoCommands.DomInfo(), InfoCommands.DumpXml(), InfoCommands.ConsoleLog(),
            InfoCommands.Capabilities(), InfoCommands.Version(),
            PassthroughCommands.AgentCommand(), PassthroughCommands.MonitorCommand(),
            DaemonCommands.Daemon(),
            HotplugCommands.SetVcpus(), HotplugCommands.VcpuCount(), HotplugCommands.GuestVcpus(), HotplugCommands.SetMem(),
            HotplugCommands.DomMemStat(), HotplugCommands.AutoBalloon(), HotplugCommands.GuestView(), HotplugCommands.GuestWatch(),
        })
        {
            root.Subcommands.Add(command);
        }

        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}
