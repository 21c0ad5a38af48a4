using Virtlab.Bench;

return args.FirstOrDefault() switch
{
    "boot" => await BootBench.RunAsync(args[1..]),
    "cli" => await CliBench.RunAsync(args[1..]),
    "load" => await LoadBench.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: virtlab-bench boot [--runs N] [--out FILE.md]\n" +
        "       virtlab-bench cli --virtlab BIN --home VIRTLAB_HOME --domain NAME [--baseline BIN] [--virsh BIN] [--uri URI] [--runs N] [--requests N] [--out FILE.md]\n" +
        "       virtlab-bench load --virtlab BIN --home-a HOME --home-b HOME --port-a P --port-b P --hotplug-vm VM --migrate-vm VM --read-vms VM,.. --clients 16,64 [--hotplug-cycles N] [--round-trips N] [--min-seconds S] [--memory FILE.md] [--out FILE.md]");
    return 2;
}
