using System.Text.Json.Serialization;

namespace Virtlab.Api;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(VersionInfo))]
[JsonSerializable(typeof(DomainSummary))]
[JsonSerializable(typeof(IReadOnlyList<DomainSummary>))]
[JsonSerializable(typeof(DomainInfo))]
[JsonSerializable(typeof(CreateRequest))]
[JsonSerializable(typeof(DefineRequest))]
[JsonSerializable(typeof(StartRequest))]
[JsonSerializable(typeof(ShutdownRequest))]
[JsonSerializable(typeof(JsonCommandRequest))]
[JsonSerializable(typeof(JsonCommandReply))]
[JsonSerializable(typeof(TextReply))]
[JsonSerializable(typeof(ErrorReply))]
[JsonSerializable(typeof(CapabilitiesInfo))]
[JsonSerializable(typeof(SetVcpusRequest))]
[JsonSerializable(typeof(SetVcpusReply))]
[JsonSerializable(typeof(VcpuCountInfo))]
[JsonSerializable(typeof(GuestVcpuInfo))]
[JsonSerializable(typeof(IReadOnlyList<GuestVcpuInfo>))]
[JsonSerializable(typeof(GuestVcpusRequest))]
[JsonSerializable(typeof(SetMemRequest))]
[JsonSerializable(typeof(SetMemReply))]
[JsonSerializable(typeof(MemStatInfo))]
[JsonSerializable(typeof(AutoBalloonRequest))]
[JsonSerializable(typeof(AutoBalloonInfo))]
[JsonSerializable(typeof(GuestViewInfo))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
