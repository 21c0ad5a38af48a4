using System.Diagnostics;
using Virtlab.Qga;

namespace Virtlab.Bench;

/// <summary>QEMU started by hand, the peer: no manager, just an argv and a guest-agent socket.</summary>
internal static class BareQemu
{
    /// <summary>The peer's kernel command line: the one it always had (console and the image's name key), none of
    /// Virtlab's boot options, so that only the manager side changes.</summary>
    public static string Cmdline(string name) => $"console=ttyS0 loglevel=4 virtlab.name={name}";

    /// <summary>Starts QEMU with the given kernel, waits for guest-ping, returns the seconds it took, and kills QEMU.</summary>
    public static async Task<double> BootToAgentAsync(string qemu, string kernel, string initrd, string name)
    {
        var dir = Directory.CreateTempSubdirectory("vlb-").FullName;
        var qga = Path.Combine(dir, "qga.sock");
        var psi = new ProcessStartInfo(qemu) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
        {
            "-name", name, "-machine", "pc", "-accel", "tcg", "-cpu", "qemu64", "-m", "256", "-smp", "1,maxcpus=4",
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-kernel", kernel, "-initrd", initrd, "-append", Cmdline(name),
            "-chardev", $"file,id=serial0,path={dir}/console.log", "-serial", "chardev:serial0",
            "-device", "virtio-serial-pci,id=virtio-serial0",
            "-chardev", $"socket,id=qga0,path={qga},server=on,wait=off",
            "-device", "virtserialport,bus=virtio-serial0.0,nr=1,chardev=qga0,id=channel0,name=org.qemu.guest_agent.0",
            "-device", "virtio-balloon-pci,id=balloon0",
        })
        {
            psi.ArgumentList.Add(a);
        }

        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        try
        {
            while (!File.Exists(qga))
            {
                await Task.Delay(5);
            }

            await using var agent = await GuestAgentClient.ConnectAsync(qga);
            await agent.WaitForAgentAsync(TimeSpan.FromSeconds(120));
            return sw.Elapsed.TotalSeconds;
        }
        finally
        {
            p.Kill();
            await p.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
