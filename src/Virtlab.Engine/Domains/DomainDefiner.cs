using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;
using Virtlab.Engine.Qemu;

namespace Virtlab.Engine.Domains;

/// <summary>
/// Stores a new definition after validating it, on its own (<see cref="DomainValidator"/>) and against this host:
/// kernel, initrd and image present, the CPU model and features known to this QEMU and given by this accelerator.
/// Nothing is stored when anything is wrong, and every problem is listed. Used by define/create and by the
/// destination of a migration.
/// </summary>
public sealed class DomainDefiner(EngineContext context)
{
    public DomainDefinition Define(DomainDefinition def)
    {
        var errors = DomainValidator.Validate(def);
        if (errors.Count > 0)
        {
            throw new VirtlabException(errors);
        }

        ValidateAgainstHost(def);
        if (!context.Store.TryAddDomain(def))
        {
            throw new VirtlabException(
                ErrorKind.AlreadyExists,
                context.Store.FindDomain(def.Name) is not null
                    ? $"domain '{def.Name}' already exists: pick another name, or 'virtlab undefine {def.Name}' first"
                    : $"a domain with UUID {def.Uuid} already exists: remove the <uuid> to get a fresh one");
        }

        return def;
    }

    private void ValidateAgainstHost(DomainDefinition def)
    {
        var problems = new List<ValidationError>();
        if (def.Os.Kernel is { } k && !File.Exists(k))
        {
            problems.Add(new("/domain/os/kernel", $"kernel '{k}' does not exist"));
        }

        if (def.Os.Initrd is { } i && !File.Exists(i))
        {
            problems.Add(new("/domain/os/initrd", $"initrd '{i}' does not exist"));
        }

        if (def.Os.Image is { } img && img != "default" && !Directory.Exists(img))
        {
            problems.Add(new("--image", $"image '{img}' does not exist: give a directory with vmlinux or vmlinuz and initrd.img, or use --image default"));
        }

        if (def.Cpu.Mode == CpuMode.Custom && def.Cpu.Model is { } model)
        {
            var models = context.CpuCaps.ModelNames();
            if (models.Count > 0 && !models.Contains(model))
            {
                var near = NameSuggestion.Closest(model, models);
                problems.Add(new("/domain/cpu/model", $"unknown CPU model '{model}'{(near is null ? string.Empty : $": did you mean '{near}'?")} ('virtlab capabilities' lists the models)"));
            }
        }

        ValidateCpuAgainstQemu(def, problems);
        if (problems.Count > 0)
        {
            throw new VirtlabException(problems);
        }
    }

    /// <summary>
    /// Unknown CPU features (with the closest name), required features the accelerator cannot give, and, with
    /// fallback='forbid', model features it would drop.
    /// </summary>
    private void ValidateCpuAgainstQemu(DomainDefinition def, List<ValidationError> problems)
    {
        if (def.Cpu.Mode is not (CpuMode.Custom or CpuMode.HostModel) || (def.Cpu.Features.Count == 0 && def.Cpu.Fallback == CpuFallback.Allow))
        {
            return;
        }

        QemuCpuCaps caps;
        try
        {
            caps = Task.Run(() => context.CpuCaps.GetAsync(CancellationToken.None)).GetAwaiter().GetResult();
        }
        catch (VirtlabException e)
        {
            context.Log?.Invoke($"CPU features of '{def.Name}' not checked: probing QEMU failed: {e.Message}");
            return;
        }

        var cantGive = new List<string>();
        for (var i = 0; i < def.Cpu.Features.Count; i++)
        {
            var f = def.Cpu.Features[i];
            var canonical = caps.Canonical(f.Name);
            if (canonical is null)
            {
                var near = NameSuggestion.Closest(f.Name, caps.KnownFeatures);
                problems.Add(new(DomainPaths.CpuFeatureName(i),
                    $"unknown CPU feature '{f.Name}'{(near is null ? string.Empty : $": did you mean '{near}'?")} ('virtlab cpu-model-expand max' lists the features)"));
            }
            else if (f.Policy is CpuFeaturePolicy.Require or CpuFeaturePolicy.Force && !caps.AccelFeatures.Contains(canonical))
            {
                cantGive.Add(f.Name);
            }
        }

        if (cantGive.Count > 0)
        {
            problems.Add(new(DomainPaths.CpuFeatures,
                $"{caps.Accel} cannot give the required feature(s) {string.Join(", ", cantGive)}: QEMU would drop them silently; remove them, or make them optional (feature=optional)"));
        }

        if (def.Cpu.Fallback == CpuFallback.Forbid && def.Cpu.Mode == CpuMode.Custom && def.Cpu.Model is { } model &&
            AccelDroppedFeatures.Of(def.Cpu with { Features = def.Cpu.Features.Where(f => f.Policy is CpuFeaturePolicy.Disable or CpuFeaturePolicy.Forbid).ToList() }, caps) is { Count: > 0 } dropped)
        {
            problems.Add(new(DomainPaths.CpuModel,
                $"{caps.Accel} cannot give {model}'s feature(s) {string.Join(", ", dropped)}, and fallback='forbid': disable them (e.g. --cpu {model},{string.Join(',', dropped.Select(d => "-" + d))}) or allow fallback"));
        }
    }
}
