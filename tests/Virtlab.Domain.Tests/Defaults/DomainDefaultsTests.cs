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
        var once = DomainDefaults.Apply(Minimal with { MaxMemoryKiB = 1048576, Interface = new InterfaceDefinition { Bridge = "vlab0" } });

        Assert.Equal(once, DomainDefaults.Apply(once));
    }

    [Fact]
    public void An_interface_without_a_MAC_gets_one_in_QEMUs_range_from_the_random_source()
    {
        var d = DomainDefaults.Apply(
            Minimal with { Interface = new InterfaceDefinition { Bridge = "vlab0", Address = "10.77.0.100" } },
            Guid.NewGuid,
            bytes => new byte[] { 0x0a, 0xbc, 0xff }.CopyTo(bytes));

        Assert.Equal(new InterfaceDefinition { Bridge = "vlab0", Mac = "52:54:00:0a:bc:ff", Address = "10.77.0.100" }, d.Interface);
    }

    [Fact]
    public void Generated_MACs_are_random_lower_case_and_valid()
    {
        var nic = new InterfaceDefinition { Bridge = "vlab0" };
        var a = DomainDefaults.Apply(Minimal with { Interface = nic });
        var b = DomainDefaults.Apply(Minimal with { Interface = nic });

        Assert.Matches("^52:54:00(:[0-9a-f]{2}){3}$", a.Interface!.Mac);
        Assert.NotEqual(a.Interface.Mac, b.Interface!.Mac);
        Assert.Empty(DomainValidator.Validate(a));
    }

    [Fact]
    public void A_given_MAC_is_kept_in_lower_case_as_libvirt_stores_it()
    {
        var d = DomainDefaults.Apply(Minimal with { Interface = new InterfaceDefinition { Bridge = "vlab0", Mac = "52:54:00:AB:cd:EF" } });

        Assert.Equal("52:54:00:ab:cd:ef", d.Interface?.Mac);
    }

    [Fact]
    public void No_interface_stays_no_interface()
    {
        Assert.Null(DomainDefaults.Apply(Minimal).Interface);
    }

    [Fact]
    public void NewMac_takes_the_last_three_octets_from_the_random_source()
    {
        Assert.Equal("52:54:00:00:01:fe", DomainDefaults.NewMac(bytes => new byte[] { 0x00, 0x01, 0xfe }.CopyTo(bytes)));
    }
}
