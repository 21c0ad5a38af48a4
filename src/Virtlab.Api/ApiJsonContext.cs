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
[JsonSerializable(typeof(CpuModelList))]
[JsonSerializable(typeof(CpuModelExpansionReply))]
[JsonSerializable(typeof(GuestCpuInfo))]
[JsonSerializable(typeof(CpuCompareRequest))]
[JsonSerializable(typeof(CpuCompareReply))]
[JsonSerializable(typeof(CpuBaselineRequest))]
[JsonSerializable(typeof(CpuBaselineReply))]
[JsonSerializable(typeof(PmuReport))]
[JsonSerializable(typeof(DomTimeRequest))]
[JsonSerializable(typeof(DomTimeReply))]
[JsonSerializable(typeof(ResumeRequest))]
[JsonSerializable(typeof(ResumeReply))]
[JsonSerializable(typeof(GuestClockInfo))]
[JsonSerializable(typeof(MigrateRequest))]
[JsonSerializable(typeof(MigrateResult))]
[JsonSerializable(typeof(JobInfo))]
[JsonSerializable(typeof(IncomingRequest))]
[JsonSerializable(typeof(IncomingReply))]
[JsonSerializable(typeof(IncomingFinishRequest))]
[JsonSerializable(typeof(IncomingFinishReply))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
