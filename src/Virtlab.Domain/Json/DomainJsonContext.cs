using System.Text.Json.Serialization;
using Virtlab.Domain.Definitions;

namespace Virtlab.Domain.Json;

/// <summary>
/// Source-generated System.Text.Json metadata for storing a <see cref="DomainDefinition"/> (e.g. in
/// SQLite) and for the API: camelCase names, enums as their names ("HostPassthrough"), unknown
/// fields rejected, and nullable annotations respected (a null <c>name</c> is an error).
/// <see cref="DomainJson"/> wraps it.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(DomainDefinition))]
public sealed partial class DomainJsonContext : JsonSerializerContext;
