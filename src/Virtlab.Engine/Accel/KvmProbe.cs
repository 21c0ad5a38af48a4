namespace Virtlab.Engine.Accel;

/// <summary>
/// What this host's KVM can do, decided once per daemon from cheap facts:
/// <c>/dev/kvm</c> must open, the CPU must have vmx or svm, and the KVM module must not be
/// the nested PVM kind (<c>kvm_pvm</c>), which runs only guests built for it: a stock 64-bit
/// kernel spins forever in the host there (measured). Pure over its inputs so tests can feed facts.
/// </summary>
public sealed record KvmProbe(bool Usable, string Reason)
{
    public static KvmProbe FromHost() => Decide(
        devKvmExists: File.Exists("/dev/kvm"),
        devKvmOpens: CanOpen("/dev/kvm"),
        cpuFlags: HostCpuFlags(),
        modules: LoadedModules());

    public static KvmProbe Decide(bool devKvmExists, bool devKvmOpens, IReadOnlySet<string> cpuFlags, IReadOnlySet<string> modules)
    {
        if (!devKvmExists)
        {
            return new(false, "/dev/kvm does not exist (no KVM module loaded, or not a Linux host with virtualization)");
        }

        if (!devKvmOpens)
        {
            return new(false, "/dev/kvm exists but cannot be opened read-write by this user (add the user to the kvm group)");
        }

        if (modules.Contains("kvm_pvm"))
        {
            return new(false, "/dev/kvm is nested PVM (module kvm_pvm): it runs only PVM-aware guests, and a stock 64-bit kernel hangs in it (measured)");
        }

        if (!cpuFlags.Contains("vmx") && !cpuFlags.Contains("svm"))
        {
            return new(false, "/dev/kvm exists but the CPU has neither vmx nor svm, so KVM cannot run a stock kernel here");
        }

        var kind = cpuFlags.Contains("vmx") ? "VT-x" : "AMD-V";
        return new(true, $"/dev/kvm usable with hardware virtualization ({kind})");
    }

    public static IReadOnlySet<string> HostCpuFlags()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return line is null
                ? new HashSet<string>()
                : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        }
        catch (IOException)
        {
            return new HashSet<string>();
        }
    }

    private static IReadOnlySet<string> LoadedModules()
    {
        try
        {
            return File.ReadLines("/proc/modules").Select(l => l.Split(' ')[0]).ToHashSet();
        }
        catch (IOException)
        {
            return new HashSet<string>();
        }
    }

    private static bool CanOpen(string path)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
