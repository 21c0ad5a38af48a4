using System.Text.Json.Serialization;
using Virtlab.Domain.Definitions;

namespace Virtlab.Domain.Json;

/// <summary>
/// Source-generated System.Text.Json metadata for storing a <see cref="DomainDefinition"/> (e.g. in
/// SQLite) and for the API: camelCase names, enums as their names ("HostPassthrough"), unknown
/// fields rejected, and nullable annotations respected (a null <c>name</c> is an error).
/// Read definitions through <see cref="DomainJson.Deserialize"/>: used directly, this metadata
/// sets fields missing from the JSON to <c>default</c> (dotnet/runtime#84484), e.g. a null CPU.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(DomainDefinition))]
public sealed partial class DomainJsonContext : JsonSerializerContext;
