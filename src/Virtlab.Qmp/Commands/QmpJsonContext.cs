using System.Text.Json.Serialization;

namespace Virtlab.Qmp;

/// <summary>Source-generated (de)serializers for the typed QMP replies. QAPI names are kebab-case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.KebabCaseLower)]
[JsonSerializable(typeof(StatusInfo))]
[JsonSerializable(typeof(KvmInfo))]
[JsonSerializable(typeof(BalloonInfo))]
[JsonSerializable(typeof(MigrationInfo))]
[JsonSerializable(typeof(List<CommandInfo>))]
[JsonSerializable(typeof(List<CpuInfoFast>))]
[JsonSerializable(typeof(List<HotpluggableCpu>))]
[JsonSerializable(typeof(List<CpuDefinitionInfo>))]
[JsonSerializable(typeof(List<MachineInfo>))]
internal sealed partial class QmpJsonContext : JsonSerializerContext;
