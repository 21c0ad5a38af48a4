using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Virtlab.Bench;

/// <summary>
/// bench/boot: start → guest agent answering, for the same guest (kernel, initramfs, 256 MiB, 1 vCPU, TCG):
/// (a) bare QEMU with the bzImage through SeaBIOS, the argv libvirt would use;
/// (b) bare QEMU with Virtlab's PVH direct boot of vmlinux, to separate boot method from manager;
/// (c) `virtlab create --wait-agent` through the CLI and a warm daemon.
/// Runs are interleaved so that machine noise hits all three alike.
/// </summary>
internal static class BootBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = 3;
        string? outFile = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs")
            {
                runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--out")
            {
                outFile = args[++i];
            }
        }

        var repo = FindRepo();
        // The image of this tree (guest/build-image.sh prints its dir), not images/default: other checkouts sharing
        // the cache re-point that link, and both sides must boot the same image.
        var image = await BuildImageAsync(repo);
        var qemu = "/usr/bin/qemu-system-x86_64";
        var home = Directory.CreateTempSubdirectory("vlbh-").FullName;
        var load0 = LoadAverage();
        var bz = new List<double>();
        var pvh = new List<double>();
        var vl = new List<double>();
        try
        {
            await Cli(repo, home, "daemon", "start");
            for (var r = 0; r < runs; r++)
            {
                bz.Add(await BareQemu.BootToAgentAsync(qemu, Path.Combine(image, "vmlinuz"), Path.Combine(image, "initrd.img"), "bz" + r));
                pvh.Add(await BareQemu.BootToAgentAsync(qemu, Path.Combine(image, "vmlinux"), Path.Combine(image, "initrd.img"), "pvh" + r));
                var sw = Stopwatch.StartNew();
                await Cli(repo, home, "create", "b" + r, "--memory", "256M", "--vcpus", "1,maxvcpus=4", "--image", image, "--wait-agent=120");
                vl.Add(sw.Elapsed.TotalSeconds);
                await Cli(repo, home, "destroy", "b" + r);
                await Cli(repo, home, "undefine", "b" + r);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {r + 1}/{runs}: bzImage {bz[^1]:0.00} s, PVH {pvh[^1]:0.00} s, virtlab {vl[^1]:0.00} s"));
            }
        }
        finally
        {
            await Cli(repo, home, "daemon", "stop");
            Directory.Delete(home, recursive: true);
        }

        var report = Report(runs, bz, pvh, vl, image, load0, LoadAverage());
        Console.Write(report);
        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, report);
        }

        return 0;
    }

    private static string Report(int runs, List<double> bz, List<double> pvh, List<double> vl, string image, double load0, double load1)
    {
        static string S(List<double> x) => string.Create(CultureInfo.InvariantCulture, $"{x.Average():0.00} s (min {x.Min():0.00}, max {x.Max():0.00})");
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"boot to guest agent, {runs} interleaved runs, TCG, 256 MiB, 1 vCPU, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {load0:0.0} before, {load1:0.0} after\n");
        sb.Append(CultureInfo.InvariantCulture, $"image {image}; bare QEMU rows: `{BareQemu.Cmdline("NAME")}` (libvirt's default for a direct kernel boot), SeaBIOS; virtlab: its own argv and cmdline (QemuCommandLine)\n\n");
        sb.Append("| how | start → guest-ping answered | vs. bare QEMU bzImage |\n|---|---|---|\n");
        sb.Append(CultureInfo.InvariantCulture, $"| bare QEMU, bzImage via SeaBIOS (libvirt's argv) | {S(bz)} | 1.00 |\n");
        sb.Append(CultureInfo.InvariantCulture, $"| bare QEMU, PVH vmlinux (Virtlab's boot, no manager) | {S(pvh)} | {pvh.Average() / bz.Average():0.00} |\n");
        sb.Append(CultureInfo.InvariantCulture, $"| `virtlab create --wait-agent` (CLI + daemon) | {S(vl)} | {vl.Average() / bz.Average():0.00} |\n");
        return sb.ToString();
    }

    private static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    private static async Task<string> BuildImageAsync(string repo)
    {
        var psi = new ProcessStartInfo(Path.Combine(repo, "guest", "build-image.sh")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        var dir = stdout.Trim().Split('\n')[^1].Trim();
        if (p.ExitCode != 0 || !Directory.Exists(dir))
        {
            throw new InvalidOperationException($"guest/build-image.sh failed: {await err}");
        }

        return dir;
    }

    private static async Task Cli(string repo, string home, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(repo, "virtlab")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["VIRTLAB_HOME"] = home;
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"virtlab {string.Join(' ', args)} failed: {await err}");
        }
    }

    private static string FindRepo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Virtlab.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("run from the repository");
    }
}
