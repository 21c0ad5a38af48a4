using System.Globalization;
using System.Security.Cryptography;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Defaults;

/// <summary>
/// Fills what a user may leave out, as <c>virsh define</c> does: a random UUID, currentMemory =
/// memory, 16 hot-plug slots when maxMemory is set, and a random MAC for an interface without one
/// (a given MAC is written in lower case, as libvirt stores it). Run it before
/// <see cref="DomainValidator"/>, which then requires these to be set.
/// </summary>
public static class DomainDefaults
{
    /// <summary>
    /// The first three octets of a MAC that Virtlab generates: QEMU's and libvirt's <c>52:54:00</c>
    /// (0x52 has the locally-administered bit set and the multicast bit clear).
    /// </summary>
    public const string MacPrefix = "52:54:00";

    public static DomainDefinition Apply(DomainDefinition definition) => Apply(definition, Guid.NewGuid, RandomNumberGenerator.Fill);

    /// <summary>As <see cref="Apply(DomainDefinition)"/>, with the UUID from <paramref name="newUuid"/> (for tests).</summary>
    public static DomainDefinition Apply(DomainDefinition definition, Func<Guid> newUuid) =>
        Apply(definition, newUuid, RandomNumberGenerator.Fill);

    /// <summary>
    /// As <see cref="Apply(DomainDefinition)"/>, with the UUID from <paramref name="newUuid"/> and the random
    /// bytes of a generated MAC from <paramref name="fillRandom"/> (for tests).
    /// </summary>
    public static DomainDefinition Apply(DomainDefinition definition, Func<Guid> newUuid, Action<Span<byte>> fillRandom)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(newUuid);
        ArgumentNullException.ThrowIfNull(fillRandom);
        return definition with
        {
            Uuid = definition.Uuid == Guid.Empty ? newUuid() : definition.Uuid,
            CurrentMemoryKiB = definition.CurrentMemoryKiB == 0 ? definition.MemoryKiB : definition.CurrentMemoryKiB,
            MemorySlots = definition.MaxMemoryKiB is not null && definition.MemorySlots == 0
                ? DomainLimits.DefaultMemorySlots
                : definition.MemorySlots,
            Interface = definition.Interface is { } nic
                ? nic with { Mac = string.IsNullOrEmpty(nic.Mac) ? NewMac(fillRandom) : nic.Mac.ToLowerInvariant() }
                : null,
        };
    }

    /// <summary>A random MAC in <see cref="MacPrefix"/> (<c>52:54:00:xx:xx:xx</c>, lower case), the last three octets from <paramref name="fillRandom"/>.</summary>
    public static string NewMac(Action<Span<byte>> fillRandom)
    {
        ArgumentNullException.ThrowIfNull(fillRandom);
        Span<byte> random = stackalloc byte[3];
        fillRandom(random);
        return string.Create(CultureInfo.InvariantCulture, $"{MacPrefix}:{random[0]:x2}:{random[1]:x2}:{random[2]:x2}");
    }
}
