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
        foreach (var command in CommandsFor(args))
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

    /// <summary>
    /// The command tree to parse <paramref name="args"/> with. A process runs one command, so when the
    /// first argument names one, only that command is built: building all of them (every option,
    /// argument and description) is work a `virtlab list` does not need. Anything else (no
    /// command, --help, a typo) gets the whole tree, so help and errors are what they always were.
    /// </summary>
    internal static IEnumerable<Command> CommandsFor(string[] args)
    {
        if (args.Length > 0 && Array.FindIndex(Factories, f => f.Name == args[0]) is var i and >= 0)
        {
            var command = Factories[i].Create();
            if (command.Name == args[0])
            {
                return [command];
            }
        }

        return Factories.Select(f => f.Create());
    }

    /// <summary>Every command in help order, by the name its factory gives it.</summary>
    internal static readonly (string Name, Func<Command> Create)[] Factories =
    [
        ("create", LifecycleCommands.Create), ("define", LifecycleCommands.Define), ("start", LifecycleCommands.Start),
        ("shutdown", LifecycleCommands.Shutdown), ("destroy", LifecycleCommands.Destroy), ("undefine", LifecycleCommands.Undefine),
        ("list", LifecycleCommands.List), ("dominfo", LifecycleCommands.DomInfo), ("dumpxml", LifecycleCommands.DumpXml),
        ("console", LifecycleCommands.ConsoleLog),
        ("capabilities", CapabilitiesCommands.Capabilities), ("version", CapabilitiesCommands.Version),
        ("qemu-agent-command", PassthroughCommands.AgentCommand), ("qemu-monitor-command", PassthroughCommands.MonitorCommand),
        ("daemon", DaemonCommands.Daemon),
        ("cpu-models", CpuCommands.CpuModels), ("cpu-model-expand", CpuCommands.CpuModelExpand), ("guest-cpuinfo", CpuCommands.GuestCpuInfo),
        ("cpu-compare", CpuCommands.CpuCompare), ("cpu-baseline", CpuCommands.CpuBaseline), ("guest-pmu", PmuCommands.GuestPmu),
        ("suspend", ClockCommands.Suspend), ("resume", ClockCommands.Resume), ("domtime", ClockCommands.DomTime),
        ("guest-clock", ClockCommands.GuestClock),
        ("migrate", MigrationCommands.Migrate), ("domjobinfo", MigrationCommands.DomJobInfo), ("domjobabort", MigrationCommands.DomJobAbort),
        ("migrate-postcopy", MigrationCommands.MigratePostcopy),
        ("setvcpus", HotplugCommands.SetVcpus), ("vcpucount", HotplugCommands.VcpuCount), ("guestvcpus", HotplugCommands.GuestVcpus),
        ("setmem", HotplugCommands.SetMem), ("dommemstat", HotplugCommands.DomMemStat), ("autoballoon", HotplugCommands.AutoBalloon),
        ("guest-view", HotplugCommands.GuestView), ("guest-watch", HotplugCommands.GuestWatch),
        ("cluster", ClusterCommands.Cluster),
        ("host", HostCommands.Host),
        ("lab", LabCommands.Lab),
    ];
}
