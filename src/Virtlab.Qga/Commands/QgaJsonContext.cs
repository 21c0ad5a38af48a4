using System.Text.Json.Serialization;

namespace Virtlab.Qga;

/// <summary>Source-generated (de)serializers for the typed agent replies. QAPI names are kebab-case
/// (exceptions carry their own <c>JsonPropertyName</c>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.KebabCaseLower)]
[JsonSerializable(typeof(List<GuestVcpu>))]
[JsonSerializable(typeof(GuestOsInfo))]
[JsonSerializable(typeof(GuestAgentInfo))]
[JsonSerializable(typeof(GuestExecStatus))]
internal sealed partial class QgaJsonContext : JsonSerializerContext;
