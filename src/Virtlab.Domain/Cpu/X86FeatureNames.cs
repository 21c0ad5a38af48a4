namespace Virtlab.Domain.Cpu;

/// <summary>
/// QEMU and Linux spell x86 CPUID features differently: QEMU <c>sse4.2</c>, <c>lahf-lm</c>,
/// <c>tsc-deadline</c>; Linux's /proc/cpuinfo <c>sse4_2</c>, <c>lahf_lm</c>,
/// <c>tsc_deadline_timer</c>. Comparisons here are made in Linux's spelling, the one both a host
/// and a guest show. Some CPUID bits QEMU models are never shown by Linux (e.g. <c>osxsave</c>,
/// which mirrors a control bit): those cannot be checked against /proc/cpuinfo and are left out.
/// </summary>
public static class X86FeatureNames
{
    private static readonly Dictionary<string, string> QemuToLinux = new(StringComparer.Ordinal)
    {
        ["tsc-deadline"] = "tsc_deadline_timer",
        ["cid"] = "cnxt_id",
        ["sse3"] = "pni",
        ["pclmuldq"] = "pclmulqdq",
        ["i64"] = "lm",
        ["xd"] = "nx",
        ["ffxsr"] = "fxsr_opt",
        ["ds_cpl"] = "ds_cpl",
        ["svm-lock"] = "svm_lock",
        ["nrip-save"] = "nrip_save",
        ["pause-filter"] = "pausefilter",
        ["pfthreshold"] = "pfthreshold",
        ["avx512-4vnniw"] = "avx512_4vnniw",
        ["avx512-4fmaps"] = "avx512_4fmaps",
        ["avx512vbmi"] = "avx512vbmi",
        ["avx512vbmi2"] = "avx512_vbmi2",
        ["avx512-vbmi2"] = "avx512_vbmi2",
        ["avx512vnni"] = "avx512_vnni",
        ["avx512-vnni"] = "avx512_vnni",
        ["avx512bitalg"] = "avx512_bitalg",
        ["avx512-vpopcntdq"] = "avx512_vpopcntdq",
        ["avx512-bf16"] = "avx512_bf16",
        ["avx512-fp16"] = "avx512_fp16",
        ["avx-vnni"] = "avx_vnni",
        ["sha-ni"] = "sha_ni",
        ["amd-ssbd"] = "amd_ssbd",
        ["amd-stibp"] = "amd_stibp",
        ["md-clear"] = "md_clear",
        ["arch-capabilities"] = "arch_capabilities",
        ["core-capability"] = "core_capabilities",
        ["split-lock-detect"] = "split_lock_detect",
        ["fsrm"] = "fsrm",
        ["perfctr-core"] = "perfctr_core",
        ["perfctr-nb"] = "perfctr_nb",
        ["cr8legacy"] = "cr8_legacy",
        ["cmp-legacy"] = "cmp_legacy",
        ["fxsr-opt"] = "fxsr_opt",
        ["nodeid-msr"] = "nodeid_msr",
        ["tsc-adjust"] = "tsc_adjust",
        ["xsaveerptr"] = "xsaveerptr",
        ["avx512-vp2intersect"] = "avx512_vp2intersect",
    };

    /// <summary>CPUID bits QEMU models that Linux does not list in /proc/cpuinfo (or lists under a synthetic name).</summary>
    private static readonly HashSet<string> NotShownByLinux = new(StringComparer.Ordinal)
    {
        "osxsave", "ospke", "kvmclock", "kvm_nopiodelay", "kvm_mmu", "kvm_asyncpf", "kvm_steal_time",
        "kvm_pv_eoi", "kvm_pv_unhalt", "kvm_pv_tlb_flush", "kvm_pv_ipi", "kvm_poll_control", "kvm_pv_sched_yield",
        "kvm_asyncpf_int", "kvm_msi_ext_dest_id", "kvmclock_stable_bit", "kvm_hint_dedicated", "pmu",
        "full_width_write", "pdcm", "lbr_fmt", "fdp_excptn_only", "fzrm", "fsrs", "fsrc", "fbsdp_no",
        "no_nested_data_bp", "lfence_always_serializing", "null_sel_clr_base", "auto_ibrs", "sbdr_ssdp_no",
        "psdp_no", "pschange_mc_no", "rdctl_no", "ibrs_all", "skip_l1dfl_vmentry", "mds_no", "taa_no",
        "tsx_ctrl", "gds_no", "rfds_no", "vmx_ept_execonly", "ibpb", "ibrs", "stibp", "ssbd", "virt_ssbd",
        "spec_ctrl", "xfd", "amx_tile", "amx_int8", "amx_bf16", "kvm",
    };

    /// <summary>The Linux spelling of a QEMU feature name, or null if Linux does not show it (not checkable).</summary>
    public static string? ToLinux(string qemuName)
    {
        ArgumentNullException.ThrowIfNull(qemuName);
        var linux = QemuToLinux.TryGetValue(qemuName, out var mapped)
            ? mapped
            : qemuName.Replace('-', '_').Replace('.', '_');
        return NotShownByLinux.Contains(linux) || linux.StartsWith("vmx_", StringComparison.Ordinal) ||
               linux.StartsWith("hv_", StringComparison.Ordinal) || linux.StartsWith("x_", StringComparison.Ordinal)
            ? null
            : linux;
    }

    /// <summary>The checkable Linux names of a set of QEMU feature names (duplicates and unshown bits dropped).</summary>
    public static IReadOnlySet<string> ToLinux(IEnumerable<string> qemuNames) =>
        qemuNames.Select(ToLinux).OfType<string>().ToHashSet(StringComparer.Ordinal);
}
