using Virtlab.Bench;

return args.FirstOrDefault() switch
{
    "boot" => await BootBench.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: virtlab-bench boot [--runs N] [--out FILE.md]");
    return 2;
}
