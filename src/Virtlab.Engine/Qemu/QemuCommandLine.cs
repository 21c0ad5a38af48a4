using System.Globalization;
using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Engine.Accel;
using Virtlab.Engine.Images;

namespace Virtlab.Engine.Qemu;

/// <summary>
/// Builds QEMU's argv for a domain: a list of strings handed to posix_spawn, never a shell.
/// Every value that can hold a comma goes through <see cref="QemuOpts.Escape"/>. The output is
/// pinned by golden-file tests (tests/Virtlab.Engine.Tests/Golden).
/// </summary>
public static class QemuCommandLine
{
    /// <summary>
    /// Kernel options that shorten the boot to the agent under TCG without changing what the guest can do
    /// (measured with bench/boot/profile.py, docs/PERFORMANCE.md): no self-tests of every crypto algorithm
    /// (<c>cryptomgr.notests</c>), no kprobe-events tracefs set-up (<c>init_kprobe_trace</c>), and no check that the
    /// timer interrupt ticks (<c>no_timer_check</c>: QEMU's PIT and IO-APIC do).
    /// </summary>
    public const string FastBootKernelOptions = "cryptomgr.notests initcall_blacklist=init_kprobe_trace no_timer_check";

    /// <summary>The kernel command line Virtlab's default image expects (see docs/GUEST-IMAGE.md).</summary>
    public static string DefaultKernelCmdline(DomainDefinition def)
    {
        var cmdline = $"console=ttyS0 loglevel=4 {FastBootKernelOptions} virtlab.name={def.Name}";
        if (def.MaxMemoryKiB is not null)
        {
            // The hot-plug range lies above 4 GiB, so Linux would reserve 64 MiB of SWIOTLB bounce buffers for
            // 32-bit DMA (measured: MemTotal 140 MiB of a 256 MiB guest). Every device here is virtio with 64-bit
            // DMA: no bounce buffers needed (docs/HOTPLUG.md).
            cmdline += " memhp_default_state=online_movable swiotlb=noforce";
        }

        if (def.Interface is { Address: { } address } nic)
        {
            cmdline += string.Create(CultureInfo.InvariantCulture, $" virtlab.ip={address}/{nic.Prefix}");
        }

        return cmdline;
    }

    public static IReadOnlyList<string> Build(
        string qemuPath,
        DomainDefinition def,
        Accelerator accel,
        GuestImage? image,
        VmRunPaths run)
    {
        var kernel = def.Os.Kernel ?? image?.BootKernel
            ?? throw new VirtlabException(ErrorKind.InvalidInput, "no kernel: give <os><kernel> or use the default image");
        var initrd = def.Os.Kernel is null ? image?.Initrd : def.Os.Initrd;
        var cmdline = def.Os.Kernel is null
            ? Join(DefaultKernelCmdline(def), def.Os.Cmdline)
            : def.Os.Cmdline ?? string.Empty;

        var argv = new List<string>
        {
            qemuPath,
            "-name", QemuOpts.Join(null, ("guest", def.Name), ("debug-threads", "on")),
            "-uuid", def.Uuid.ToString(),
            "-machine", "pc",
            "-accel", accel.Name,
            "-cpu", CpuArgument(def, accel),
            "-m", MemoryArgument(def),
            "-smp", SmpArgument(def, accel),
            "-nodefaults",
            "-no-user-config",
            "-display", "none",
            "-no-reboot",
            "-msg", "timestamp=on",
            "-kernel", kernel,
        };

        if (initrd is not null)
        {
            argv.AddRange(["-initrd", initrd]);
        }

        if (cmdline.Length > 0)
        {
            argv.AddRange(["-append", cmdline]);
        }

        argv.AddRange(
        [
            "-chardev", QemuOpts.Join("socket", ("id", "monitor"), ("path", run.QmpSocket), ("server", "on"), ("wait", "off")),
            "-mon", "chardev=monitor,mode=control",
            "-chardev", QemuOpts.Join("file", ("id", "serial0"), ("path", def.ConsoleLog ?? run.ConsoleLog), ("append", "on")),
            "-serial", "chardev:serial0",
        ]);

        if (def.GuestAgent)
        {
            argv.AddRange(
            [
                "-device", "virtio-serial-pci,id=virtio-serial0",
                "-chardev", QemuOpts.Join("socket", ("id", "qga0"), ("path", run.AgentSocket), ("server", "on"), ("wait", "off")),
                "-device", "virtserialport,bus=virtio-serial0.0,nr=1,chardev=qga0,id=channel0,name=org.qemu.guest_agent.0",
            ]);
        }

        if (def.Interface is { } nic)
        {
            // QEMU (as root) creates the tap itself; the daemon then puts it on the bridge (DomainLauncher, through Network/LabNetwork).
            argv.AddRange(
            [
                "-netdev", QemuOpts.Join("tap", ("id", "net0"), ("ifname", run.TapName), ("script", "no"), ("downscript", "no")),
                "-device", QemuOpts.Join("virtio-net-pci", ("netdev", "net0"), ("id", "nic0"), ("mac", nic.Mac)),
            ]);
        }

        if (def.Balloon is { } balloon)
        {
            argv.AddRange(["-device", $"virtio-balloon-pci,id=balloon0,deflate-on-oom={OnOff(balloon.DeflateOnOom)}"]);
        }

        argv.AddRange(["-pidfile", run.PidFile]);
        return argv;
    }

    /// <summary>
    /// The hot-plugged devices of a migration's source as command-line options, in the order they sit in their
    /// slots: each vCPU at its topology slot, each DIMM over its own RAM backend at the same address and slot.
    /// </summary>
    public static IReadOnlyList<string> LiveDeviceArguments(LiveDevices devices)
    {
        var argv = new List<string>();
        foreach (var d in devices.Dimms)
        {
            argv.AddRange(
            [
                "-object", string.Create(CultureInfo.InvariantCulture, $"memory-backend-ram,id=mem-{QemuOpts.Escape(d.Id)},size={d.SizeBytes}"),
                "-device", string.Create(CultureInfo.InvariantCulture, $"pc-dimm,id={QemuOpts.Escape(d.Id)},memdev=mem-{QemuOpts.Escape(d.Id)},addr={d.Addr},slot={d.Slot}"),
            ]);
        }

        foreach (var c in devices.Vcpus)
        {
            var props = new List<string> { QemuOpts.Escape(c.Driver), "id=" + QemuOpts.Escape(c.Id) };
            void Add(string key, int? value)
            {
                if (value is { } v)
                {
                    props.Add(string.Create(CultureInfo.InvariantCulture, $"{key}={v}"));
                }
            }

            Add("socket-id", c.SocketId);
            Add("die-id", c.DieId);
            Add("cluster-id", c.ClusterId);
            Add("core-id", c.CoreId);
            Add("thread-id", c.ThreadId);
            argv.AddRange(["-device", string.Join(',', props)]);
        }

        return argv;
    }

    /// <summary>The -cpu value: a model, then +feature/-feature, then pmu=on|off.</summary>
    public static string CpuArgument(DomainDefinition def, Accelerator accel)
    {
        var cpu = def.Cpu;
        var model = cpu.Mode switch
        {
            CpuMode.Default => "qemu64",
            CpuMode.HostPassthrough when accel.IsKvm => "host",
            CpuMode.HostPassthrough => throw new VirtlabException(
                ErrorKind.Unsupported,
                $"CPU mode host-passthrough needs KVM, but this domain runs on {accel.Name} ({accel.Reason}): use --cpu max, the closest TCG model"),
            CpuMode.HostModel => accel.IsKvm ? "host" : "max",
            _ => cpu.Model ?? throw new VirtlabException(ErrorKind.InvalidInput, "CPU mode custom needs a model"),
        };

        var parts = new List<string> { QemuOpts.Escape(model) };
        foreach (var f in cpu.Features)
        {
            switch (f.Policy)
            {
                case CpuFeaturePolicy.Force:
                case CpuFeaturePolicy.Require:
                    parts.Add("+" + QemuOpts.Escape(f.Name));
                    break;
                case CpuFeaturePolicy.Disable:
                case CpuFeaturePolicy.Forbid:
                    parts.Add("-" + QemuOpts.Escape(f.Name));
                    break;
                case CpuFeaturePolicy.Optional:
                    break;
            }
        }

        if (def.Pmu is { } pmu)
        {
            parts.Add("pmu=" + OnOff(pmu));
        }

        return string.Join(',', parts);
    }

    /// <summary>The -smp value. Under TCG with hot-plug, QEMU gets more slots than maxvcpus (see
    /// <see cref="TcgVcpuSlots"/>); Virtlab keeps the domain at its maxvcpus.</summary>
    public static string SmpArgument(DomainDefinition def, Accelerator accel)
    {
        var max = TcgVcpuSlots.QemuMaxCpus(def.Vcpus, def.MaxVcpus, accel.IsKvm);
        return string.Create(CultureInfo.InvariantCulture, $"cpus={def.Vcpus},maxcpus={max},sockets=1,cores={max},threads=1");
    }

    private static string MemoryArgument(DomainDefinition def)
    {
        var size = string.Create(CultureInfo.InvariantCulture, $"size={def.MemoryKiB}k");
        return def.MaxMemoryKiB is { } max
            ? string.Create(CultureInfo.InvariantCulture, $"{size},slots={Math.Max(1, def.MemorySlots)},maxmem={max}k")
            : size;
    }

    private static string OnOff(bool value) => value ? "on" : "off";

    private static string Join(string a, string? b) => string.IsNullOrWhiteSpace(b) ? a : a + " " + b;
}
