using System.Net;

namespace Virtlab.Client;

/// <summary>
/// A daemon call that did not succeed: the daemon's own one-line message (its <c>ErrorReply</c>), its machine-readable
/// kind and the HTTP status, or a daemon that could not be found or started. Callers print the message as it is.
/// </summary>
public sealed class DaemonCallException(string message, string? kind = null, HttpStatusCode? status = null) : Exception(message)
{
    /// <summary>The daemon's error kind (<c>InvalidInput</c>, <c>Busy</c>, <c>NotFound</c>, ...), null when it did not answer.</summary>
    public string? Kind { get; } = kind;

    public HttpStatusCode? Status { get; } = status;
}
