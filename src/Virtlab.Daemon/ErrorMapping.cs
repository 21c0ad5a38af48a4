using Virtlab.Api;
using Virtlab.Engine;

namespace Virtlab.Daemon;

/// <summary>The one place that turns engine errors into HTTP: a status per kind and an <see cref="ErrorReply"/>.</summary>
internal sealed class ErrorMapping(RequestDelegate next, ILogger<ErrorMapping> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (VirtlabException e)
        {
            await WriteAsync(context, Status(e.Kind), new ErrorReply(e.Kind.ToString(), e.Message, e.Errors.Select(x => new ProblemDetail(x.Path, x.Message)).ToList())).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            await WriteAsync(context, 400, new ErrorReply(nameof(ErrorKind.InvalidInput), "bad request: " + e.Message, [])).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException e)
        {
            await WriteAsync(context, 400, new ErrorReply(nameof(ErrorKind.InvalidInput), "bad request body: " + e.Message, [])).ConfigureAwait(false);
        }
        catch (Virtlab.Qmp.QmpException e)
        {
            // A QEMU monitor failure the engine did not word itself (QEMU died or hung under a call): still QEMU's error, not ours.
            logger.LogWarning(e, "QMP error in {Path}", context.Request.Path);
            await WriteAsync(context, 502, new ErrorReply(nameof(ErrorKind.QemuError), $"QEMU's monitor failed: {e.Message}: 'virtlab list' shows whether the VM still runs", [])).ConfigureAwait(false);
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            logger.LogWarning(e, "disk full in {Path}", context.Request.Path);
            await WriteAsync(context, 503, new ErrorReply(nameof(ErrorKind.StateUnavailable), $"this host could not write its state: {e.Message}: free space where the daemon keeps it ($VIRTLAB_HOME), then try again", [])).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e)
        {
            logger.LogError(e, "unhandled error in {Path}", context.Request.Path);
            await WriteAsync(context, 500, new ErrorReply(nameof(ErrorKind.Internal), $"internal error: {e.GetType().Name}: {e.Message} (see the daemon log)", [])).ConfigureAwait(false);
        }
    }

    /// <summary>ENOSPC (28) or EDQUOT (122) as .NET reports them on Linux, ERROR_DISK_FULL (112), or the errno's text.</summary>
    private static bool IsDiskFull(IOException e) =>
        (e.HResult & 0xFFFF) is 28 or 122 or 112 || e.Message.Contains("No space left on device", StringComparison.Ordinal);

    private static int Status(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidInput => 400,
        ErrorKind.NotFound => 404,
        ErrorKind.AlreadyExists or ErrorKind.InvalidState or ErrorKind.Busy => 409,
        ErrorKind.Unsupported => 422,
        ErrorKind.AgentError or ErrorKind.QemuError => 502,
        ErrorKind.AgentUnresponsive or ErrorKind.Timeout => 504,
        ErrorKind.Unreachable or ErrorKind.StateUnavailable => 503,
        _ => 500,
    };

    private static async Task WriteAsync(HttpContext context, int status, ErrorReply reply)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(reply, ApiJsonContext.Default.ErrorReply).ConfigureAwait(false);
    }
}
