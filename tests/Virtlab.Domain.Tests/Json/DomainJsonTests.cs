using System.Text.Json;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Json;

namespace Virtlab.Domain.Tests.Json;

public sealed class DomainJsonTests
{
    private static readonly DomainDefinition Full = new()
    {
        Name = "knoel1",
        Uuid = Guid.Parse("f8023c16-22b1-4163-a7b5-df2452241fed"),
        MemoryKiB = 1048576,
        CurrentMemoryKiB = 524288,
        MaxMemoryKiB = 4194304,
        MemorySlots = 16,
        Vcpus = 1,
        MaxVcpus = 4,
        Cpu = new CpuDefinition
        {
            Mode = CpuMode.Custom,
            Model = "SandyBridge",
            Fallback = CpuFallback.Forbid,
            Features = [new("x2apic", CpuFeaturePolicy.Disable), new("avx", CpuFeaturePolicy.Require)],
        },
        Os = new OsDefinition { Kernel = "/boot/vmlinux", Initrd = "/boot/initrd.img", Cmdline = "console=ttyS0" },
        Accel = AccelMode.Tcg,
        GuestAgent = false,
        Balloon = new BalloonDefinition { StatsPeriodSeconds = 5, DeflateOnOom = true },
        Pmu = true,
        Interface = new InterfaceDefinition { Bridge = "vlab0", Mac = "52:54:00:12:34:56", Address = "10.77.0.100", Prefix = 16 },
        ConsoleLog = "/var/log/knoel1.log",
    };

    [Fact]
    public void A_definition_survives_a_round_trip_through_JSON()
    {
        Assert.Equal(Full, DomainJson.Deserialize(DomainJson.Serialize(Full)));
    }

    [Fact]
    public void A_minimal_definition_survives_a_round_trip_with_its_defaults()
    {
        var minimal = new DomainDefinition { Name = "t1" };

        Assert.Equal(minimal, DomainJson.Deserialize(DomainJson.Serialize(minimal)));
    }

    [Fact]
    public void Fields_left_out_of_the_JSON_keep_the_definitions_defaults()
    {
        Assert.Equal(new DomainDefinition { Name = "t1" }, DomainJson.Deserialize("""{"name":"t1"}"""));
    }

    [Fact]
    public void Fields_left_out_of_a_nested_object_keep_their_defaults()
    {
        var d = DomainJson.Deserialize("""{"name":"t1","balloon":{"deflateOnOom":true},"cpu":{"mode":"Custom","model":"Nehalem"}}""");

        Assert.Equal(new BalloonDefinition { StatsPeriodSeconds = 2, DeflateOnOom = true }, d.Balloon);
        Assert.Equal(new CpuDefinition { Mode = CpuMode.Custom, Model = "Nehalem" }, d.Cpu);
        Assert.True(d.GuestAgent);
    }

    [Fact]
    public void An_explicit_null_balloon_stays_null()
    {
        Assert.Null(DomainJson.Deserialize("""{"name":"t1","balloon":null}""").Balloon);
    }

    [Fact]
    public void A_definition_stored_before_a_field_existed_reads_back_with_that_fields_default()
    {
        var stored = DomainJson.Serialize(Full with { MemorySlots = 0, MaxMemoryKiB = null }).Replace("\"memorySlots\":0,", "", StringComparison.Ordinal);
        Assert.DoesNotContain("memorySlots", stored, StringComparison.Ordinal);

        Assert.Equal(Full with { MemorySlots = 0, MaxMemoryKiB = null }, DomainJson.Deserialize(stored));
    }

    [Fact]
    public void A_definition_without_an_interface_survives_a_round_trip_and_has_none()
    {
        var noNic = Full with { Interface = null };

        Assert.Equal(noNic, DomainJson.Deserialize(DomainJson.Serialize(noNic)));
        Assert.Null(DomainJson.Deserialize("""{"name":"t1"}""").Interface);
        Assert.Null(DomainJson.Deserialize("""{"name":"t1","interface":null}""").Interface);
    }

    [Fact]
    public void An_interface_without_an_address_survives_a_round_trip()
    {
        var noAddress = Full with { Interface = new InterfaceDefinition { Bridge = "vlab0", Mac = "52:54:00:00:00:01" } };

        Assert.Equal(noAddress, DomainJson.Deserialize(DomainJson.Serialize(noAddress)));
    }

    [Fact]
    public void Fields_left_out_of_an_interface_keep_their_defaults()
    {
        var d = DomainJson.Deserialize("""{"name":"t1","interface":{"bridge":"vlab0","address":"10.77.0.100"}}""");

        Assert.Equal(new InterfaceDefinition { Bridge = "vlab0", Mac = "", Address = "10.77.0.100", Prefix = 24 }, d.Interface);
    }

    [Fact]
    public void A_stored_interface_is_written_with_camelCase_fields()
    {
        using var json = JsonDocument.Parse(DomainJson.Serialize(Full));
        var nic = json.RootElement.GetProperty("interface");

        Assert.Equal("vlab0", nic.GetProperty("bridge").GetString());
        Assert.Equal("52:54:00:12:34:56", nic.GetProperty("mac").GetString());
        Assert.Equal("10.77.0.100", nic.GetProperty("address").GetString());
        Assert.Equal(16, nic.GetProperty("prefix").GetInt32());
    }

    [Fact]
    public void An_interface_without_a_bridge_is_rejected()
    {
        Assert.False(DomainJson.TryDeserialize("""{"name":"t1","interface":{"mac":"52:54:00:12:34:56"}}""", out _, out var error));

        Assert.Contains("bridge", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_interface_field_is_rejected()
    {
        Assert.False(DomainJson.TryDeserialize("""{"name":"t1","interface":{"bridge":"vlab0","model":"e1000"}}""", out _, out var error));

        Assert.Contains("model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_property_given_twice_is_rejected()
    {
        Assert.False(DomainJson.TryDeserialize("""{"name":"t1","name":"t2"}""", out _, out var error));
        Assert.StartsWith("Duplicate property 'name'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_say_where_by_path_not_by_a_position_in_a_rewritten_document()
    {
        Assert.False(DomainJson.TryDeserialize("""{"name":"t1","vcpus":"two"}""", out _, out var error));

        Assert.Equal("vcpus", error.Path);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_JSON_keeps_its_position()
    {
        Assert.False(DomainJson.TryDeserialize("{\"name\":", out _, out var error));
        Assert.Contains("LineNumber", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_CPU_is_rejected()
    {
        Assert.False(DomainJson.TryDeserialize("""{"name":"t1","cpu":null}""", out _, out var error));
        Assert.Equal("cpu", error.Path);
    }

    [Fact]
    public void A_definition_without_balloon_survives_a_round_trip()
    {
        var noBalloon = Full with { Balloon = null, Pmu = null };

        Assert.Equal(noBalloon, DomainJson.Deserialize(DomainJson.Serialize(noBalloon)));
    }

    [Fact]
    public void Names_are_camelCase_and_enums_are_strings()
    {
        using var json = JsonDocument.Parse(DomainJson.Serialize(Full));
        var root = json.RootElement;

        Assert.Equal("knoel1", root.GetProperty("name").GetString());
        Assert.Equal(1048576, root.GetProperty("memoryKiB").GetInt64());
        Assert.Equal("Tcg", root.GetProperty("accel").GetString());
        Assert.Equal("Custom", root.GetProperty("cpu").GetProperty("mode").GetString());
        Assert.Equal("Forbid", root.GetProperty("cpu").GetProperty("fallback").GetString());
        Assert.Equal("Disable", root.GetProperty("cpu").GetProperty("features")[0].GetProperty("policy").GetString());
        Assert.Equal("f8023c16-22b1-4163-a7b5-df2452241fed", root.GetProperty("uuid").GetString());
    }

    [Fact]
    public void The_generated_context_serves_the_definition_type()
    {
        var json = JsonSerializer.Serialize(Full, DomainJsonContext.Default.DomainDefinition);

        Assert.Equal(Full, JsonSerializer.Deserialize(json, DomainJsonContext.Default.DomainDefinition));
    }

    [Fact]
    public void An_unknown_field_is_rejected_with_its_path()
    {
        Assert.False(DomainJson.TryDeserialize("""{"name":"t1","cpu":{"mode":"Custom","modle":"Nehalem"}}""", out _, out var error));

        Assert.Contains("modle", error.Message);
    }

    [Fact]
    public void A_missing_name_is_rejected()
    {
        Assert.False(DomainJson.TryDeserialize("""{"memoryKiB":262144}""", out var definition, out var error));

        Assert.Null(definition);
        Assert.Contains("name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_name_is_rejected()
    {
        Assert.Throws<JsonException>(() => DomainJson.Deserialize("""{"name":null}"""));
    }

    [Fact]
    public void An_unknown_enum_value_is_rejected_at_its_path()
    {
        Assert.False(DomainJson.TryDeserialize("""{"name":"t1","cpu":{"mode":"Turbo"}}""", out _, out var error));

        Assert.Equal("cpu.mode", error.Path);
    }

    [Fact]
    public void Malformed_JSON_is_rejected()
    {
        Assert.False(DomainJson.TryDeserialize("{", out _, out var error));
        Assert.NotEmpty(error.Message);
    }

    [Fact]
    public void JSON_null_is_rejected()
    {
        Assert.Throws<JsonException>(() => DomainJson.Deserialize("null"));
    }
}
