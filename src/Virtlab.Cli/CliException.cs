using System.Net;

namespace Virtlab.Cli;

/// <summary>A failure to report to the user as one line on stderr, with a non-zero exit.</summary>
internal sealed class CliException(string message, string? kind = null, HttpStatusCode? status = null) : Exception(message)
{
    public string? Kind { get; } = kind;

    public HttpStatusCode? Status { get; } = status;
}
