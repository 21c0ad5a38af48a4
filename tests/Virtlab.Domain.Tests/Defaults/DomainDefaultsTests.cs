using Virtlab.Domain.Defaults;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Tests.Defaults;

public sealed class DomainDefaultsTests
{
    private static readonly DomainDefinition Minimal = new() { Name = "t1", MemoryKiB = 262144 };

    [Fact]
    public void A_missing_uuid_becomes_a_random_one()
    {
        var a = DomainDefaults.Apply(Minimal);
        var b = DomainDefaults.Apply(Minimal);

        Assert.NotEqual(Guid.Empty, a.Uuid);
        Assert.NotEqual(a.Uuid, b.Uuid);
    }

    [Fact]
    public void A_given_uuid_is_kept()
    {
        var uuid = Guid.NewGuid();

        Assert.Equal(uuid, DomainDefaults.Apply(Minimal with { Uuid = uuid }).Uuid);
    }

    [Fact]
    public void A_missing_current_memory_becomes_memory()
    {
        Assert.Equal(262144, DomainDefaults.Apply(Minimal).CurrentMemoryKiB);
        Assert.Equal(131072, DomainDefaults.Apply(Minimal with { CurrentMemoryKiB = 131072 }).CurrentMemoryKiB);
    }

    [Fact]
    public void Max_memory_without_slots_gets_16_slots_and_no_max_memory_gets_none()
    {
        Assert.Equal(16, DomainDefaults.Apply(Minimal with { MaxMemoryKiB = 1048576 }).MemorySlots);
        Assert.Equal(4, DomainDefaults.Apply(Minimal with { MaxMemoryKiB = 1048576, MemorySlots = 4 }).MemorySlots);
        Assert.Equal(0, DomainDefaults.Apply(Minimal).MemorySlots);
    }

    [Fact]
    public void A_minimal_definition_with_defaults_is_valid()
    {
        Assert.Empty(DomainValidator.Validate(DomainDefaults.Apply(Minimal)));
    }

    [Fact]
    public void The_uuid_source_can_be_given()
    {
        var uuid = Guid.Parse("f8023c16-22b1-4163-a7b5-df2452241fed");

        Assert.Equal(uuid, DomainDefaults.Apply(Minimal, () => uuid).Uuid);
    }

    [Fact]
    public void Applying_defaults_twice_changes_nothing_more()
    {
        var once = DomainDefaults.Apply(Minimal with { MaxMemoryKiB = 1048576 });

        Assert.Equal(once, DomainDefaults.Apply(once));
    }
}
