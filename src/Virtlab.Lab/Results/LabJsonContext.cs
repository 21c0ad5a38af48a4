using System.Text.Json.Serialization;

namespace Virtlab.Lab.Results;

/// <summary>results.json: <see cref="LabRun"/> in camelCase, enums as strings, nulls left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(LabRun))]
[JsonSerializable(typeof(WorldRun))]
public sealed partial class LabJsonContext : JsonSerializerContext;
