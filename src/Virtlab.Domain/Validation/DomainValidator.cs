using System.Globalization;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Names;
using Virtlab.Domain.Sizes;

namespace Virtlab.Domain.Validation;

/// <summary>
/// Checks a complete definition (after <see cref="Defaults.DomainDefaults.Apply(DomainDefinition)"/>)
/// and lists every problem, each with its <see cref="DomainPaths">path</see> and what to do. Nothing
/// here asks the host or QEMU: whether a CPU model exists or KVM works is the engine's question.
/// </summary>
public static partial class DomainValidator
{
    public static IReadOnlyList<ValidationError> Validate(DomainDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<ValidationError>();
        if (DomainName.Validate(definition.Name) is { } nameError)
        {
            errors.Add(nameError);
        }

        if (definition.Uuid == Guid.Empty)
        {
            errors.Add(new(DomainPaths.Uuid, "the all-zero UUID is not a domain's UUID: leave it out to get a random one"));
        }

        if (!Enum.IsDefined(definition.Accel))
        {
            errors.Add(new(DomainPaths.Accel, $"{definition.Accel} is not an accelerator: use auto, kvm or tcg"));
        }

        ValidateVcpus(definition, errors);
        ValidateMemory(definition, errors);
        ValidateCpu(definition, errors);
        ValidateOs(definition.Os, errors);
        ValidateDevices(definition, errors);
        ValidateInterface(definition.Interface, errors);
        return errors;
    }

    /// <summary>Throws <see cref="DomainValidationException"/> listing every problem, if there is any.</summary>
    public static void ThrowIfInvalid(DomainDefinition definition)
    {
        var errors = Validate(definition);
        if (errors.Count > 0)
        {
            throw new DomainValidationException(errors);
        }
    }

    private static void ValidateVcpus(DomainDefinition d, List<ValidationError> errors)
    {
        if (d.MaxVcpus < 1 || d.MaxVcpus > DomainLimits.MaxVcpus)
        {
            errors.Add(new(DomainPaths.MaxVcpus, Invariant(
                $"{d.MaxVcpus} is not a vCPU count: use 1 to {DomainLimits.MaxVcpus} (the most QEMU's pc machine takes)")));
        }

        if (d.Vcpus < 1)
        {
            errors.Add(new(DomainPaths.Vcpus, Invariant($"{d.Vcpus} vCPUs cannot run a guest: use at least 1")));
        }
        else if (d.Vcpus > d.MaxVcpus && d.MaxVcpus >= 1)
        {
            errors.Add(new(DomainPaths.Vcpus, Invariant(
                $"{d.Vcpus} vCPUs at start is more than the maximum of {d.MaxVcpus}: raise the maximum to {d.Vcpus} or start with fewer")));
        }
    }

    private static void ValidateMemory(DomainDefinition d, List<ValidationError> errors)
    {
        var memoryOk = true;
        if (d.MemoryKiB < DomainLimits.MinMemoryKiB)
        {
            memoryOk = false;
            errors.Add(new(DomainPaths.MemoryKiB, d.MemoryKiB <= 0
                ? $"a guest needs memory: give at least {ByteSize.Format(DomainLimits.MinMemoryKiB)}"
                : $"{ByteSize.Format(d.MemoryKiB)} is too little: a guest needs at least {ByteSize.Format(DomainLimits.MinMemoryKiB)}"));
        }
        else if (NotAligned(d.MemoryKiB) is { } memoryMessage)
        {
            errors.Add(new(DomainPaths.MemoryKiB, memoryMessage));
        }

        // currentMemory equal to memory (what the defaults give) is fine exactly when memory is.
        if (d.CurrentMemoryKiB != d.MemoryKiB)
        {
            ValidateCurrentMemory(d, memoryOk, errors);
        }

        if (d.MaxMemoryKiB is { } max)
        {
            if (memoryOk && max < d.MemoryKiB)
            {
                errors.Add(new(DomainPaths.MaxMemoryKiB,
                    $"maxMemory ({ByteSize.Format(max)}) is less than memory ({ByteSize.Format(d.MemoryKiB)}): raise maxMemory, or leave it out to turn memory hot-plug off"));
            }
            else if (max > 0 && NotAligned(max) is { } maxMessage)
            {
                errors.Add(new(DomainPaths.MaxMemoryKiB, maxMessage));
            }
            else if (max <= 0)
            {
                errors.Add(new(DomainPaths.MaxMemoryKiB, "maxMemory must be larger than zero: give the hot-plug ceiling, or leave it out"));
            }

            if (d.MemorySlots < 1 || d.MemorySlots > DomainLimits.MaxMemorySlots)
            {
                errors.Add(new(DomainPaths.MemorySlots, Invariant(
                    $"{d.MemorySlots} is not a slot count: memory hot-plug needs 1 to {DomainLimits.MaxMemorySlots} slots (QEMU's limit)")));
            }
        }
        else if (d.MemorySlots != 0)
        {
            errors.Add(new(DomainPaths.MemorySlots,
                "memory slots are set but maxMemory is not: set maxMemory to turn memory hot-plug on, or leave the slots out"));
        }
    }

    private static void ValidateCurrentMemory(DomainDefinition d, bool memoryOk, List<ValidationError> errors)
    {
        if (d.CurrentMemoryKiB < DomainLimits.MinMemoryKiB)
        {
            errors.Add(new(DomainPaths.CurrentMemoryKiB, d.CurrentMemoryKiB <= 0
                ? "the balloon target is missing: leave currentMemory out to start with all of memory"
                : $"{ByteSize.Format(d.CurrentMemoryKiB)} is too little: the guest would run out of memory; use at least {ByteSize.Format(DomainLimits.MinMemoryKiB)}"));
        }
        else if (memoryOk && d.CurrentMemoryKiB > d.MemoryKiB)
        {
            errors.Add(new(DomainPaths.CurrentMemoryKiB,
                $"{ByteSize.Format(d.CurrentMemoryKiB)} is more than memory ({ByteSize.Format(d.MemoryKiB)}): the balloon can only take memory away; lower currentMemory or raise memory"));
        }
    }

    private static string? NotAligned(long kib)
    {
        var remainder = kib % DomainLimits.MemoryAlignmentKiB;
        if (remainder == 0)
        {
            return null;
        }

        var up = kib - remainder + DomainLimits.MemoryAlignmentKiB;
        return Invariant($"{kib} KiB is not a whole number of MiB, which QEMU's memory layout needs: round it up to {up} KiB ({ByteSize.Format(up)})");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
