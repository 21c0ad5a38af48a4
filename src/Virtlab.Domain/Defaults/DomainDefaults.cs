using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Defaults;

/// <summary>
/// Fills what a user may leave out, as <c>virsh define</c> does: a random UUID, currentMemory =
/// memory, and 16 hot-plug slots when maxMemory is set. Run it before
/// <see cref="DomainValidator"/>, which then requires these to be set.
/// </summary>
public static class DomainDefaults
{
    public static DomainDefinition Apply(DomainDefinition definition) => Apply(definition, Guid.NewGuid);

    /// <summary>As <see cref="Apply(DomainDefinition)"/>, with the UUID from <paramref name="newUuid"/> (for tests).</summary>
    public static DomainDefinition Apply(DomainDefinition definition, Func<Guid> newUuid)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(newUuid);
        return definition with
        {
            Uuid = definition.Uuid == Guid.Empty ? newUuid() : definition.Uuid,
            CurrentMemoryKiB = definition.CurrentMemoryKiB == 0 ? definition.MemoryKiB : definition.CurrentMemoryKiB,
            MemorySlots = definition.MaxMemoryKiB is not null && definition.MemorySlots == 0
                ? DomainLimits.DefaultMemorySlots
                : definition.MemorySlots,
        };
    }
}
