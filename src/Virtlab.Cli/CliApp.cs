using System.CommandLine;
using Virtlab.Cli.Commands;

namespace Virtlab.Cli;

/// <summary>virtlab: a virsh-like CLI. Every command talks to the daemon; none touches QEMU itself.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["lab", .. var labArgs])
        {
            // The lab parses its own arguments (its --help included).
            return await LabCommands.RunAsync(labArgs).ConfigureAwait(false);
        }

        var root = new RootCommand("Virtlab: real QEMU/KVM virtual machines, managed and measured (virsh words, virsh output)");
        foreach (var command in new[]
        {
            LifecycleCommands.Create(), LifecycleCommands.Define(), LifecycleCommands.Start(), LifecycleCommands.Shutdown(),
            LifecycleCommands.Destroy(), LifecycleCommands.Undefine(),
            LifecycleCommands.List(), LifecycleCommands.DomInfo(), LifecycleCommands.DumpXml(), LifecycleCommands.ConsoleLog(),
            CapabilitiesCommands.Capabilities(), CapabilitiesCommands.Version(),
            PassthroughCommands.AgentCommand(), PassthroughCommands.MonitorCommand(),
            DaemonCommands.Daemon(),
            CpuCommands.CpuModels(), CpuCommands.CpuModelExpand(), CpuCommands.GuestCpuInfo(), CpuCommands.CpuCompare(),
            CpuCommands.CpuBaseline(), PmuCommands.GuestPmu(),
            ClockCommands.Suspend(), ClockCommands.Resume(), ClockCommands.DomTime(), ClockCommands.GuestClock(),
            MigrationCommands.Migrate(), MigrationCommands.DomJobInfo(), MigrationCommands.DomJobAbort(), MigrationCommands.MigratePostcopy(),
            HotplugCommands.SetVcpus(), HotplugCommands.VcpuCount(), HotplugCommands.GuestVcpus(), HotplugCommands.SetMem(),
            HotplugCommands.DomMemStat(), HotplugCommands.AutoBalloon(), HotplugCommands.GuestView(), HotplugCommands.GuestWatch(),
            ClusterCommands.Cluster(),
            ClusterCommands.Host(),
            LabCommands.Lab(),
        })
        {
            root.Subcommands.Add(command);
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?"))
        {
            // One line that says what is wrong and where to look, instead of the whole help text.
            var command = parse.CommandResult.Command;
            var where = command == root ? "virtlab --help" : $"virtlab {command.Name} --help";
            var errors = string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')));
            await Console.Error.WriteLineAsync($"error: {errors} (see '{where}')").ConfigureAwait(false);
            return 2;
        }

        return await parse.InvokeAsync().ConfigureAwait(false);
    }
}
