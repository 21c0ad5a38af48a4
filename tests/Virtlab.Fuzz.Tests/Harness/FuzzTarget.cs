using CsCheck;

namespace Virtlab.Fuzz.Tests.Harness;

/// <summary>One parser under fuzz: its generated inputs, how to feed it one, and the one error type it documents.</summary>
/// <param name="Name">The parser, as the report names it.</param>
/// <param name="Inputs">Mutations of real seeds plus random input.</param>
/// <param name="Parse">Feeds one input; returns normally when the input was accepted, throws when it was rejected.</param>
/// <param name="IsDocumented">Whether an exception is the parser's documented rejection (anything else is a crash).</param>
/// <param name="Show">A short printable form of an input for the report of a failure.</param>
public sealed record FuzzTarget<T>(
    string Name,
    Gen<T> Inputs,
    Action<T> Parse,
    Func<Exception, bool> IsDocumented,
    Func<T, string> Show);
