using Virtlab.Bench;

return args.FirstOrDefault() switch
{
    "boot" => await BootBench.RunAsync(args[1..]),
    "cli" => await CliBench.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: virtlab-bench boot [--runs N] [--out FILE.md]\n" +
        "       virtlab-bench cli --virtlab BIN --home VIRTLAB_HOME --domain NAME [--baseline BIN] [--virsh BIN] [--uri URI] [--runs N] [--requests N] [--out FILE.md]");
    return 2;
}
