namespace Virtlab.Fuzz.Tests.Harness;

/// <summary>Stands for a rejection a parser reports as a value rather than by throwing (e.g. a LibvirtParseResult
/// with errors, a TryParse that returned false), so the runner counts it by its message like a thrown one.</summary>
public sealed class FuzzRejection(string message) : Exception(message);
