namespace Virtlab.Api;

// Every error the daemon answers: one line that says what to do, a machine-readable kind, and the problems of bad input by path.

public sealed record ProblemDetail(string Path, string Message);

public sealed record ErrorReply(string Kind, string Message, IReadOnlyList<ProblemDetail> Errors);
