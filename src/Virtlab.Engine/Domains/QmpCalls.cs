using Virtlab.Qmp;

namespace Virtlab.Engine.Domains;

/// <summary>
/// Runs a QMP call on a domain's monitor and turns its failure into a <see cref="VirtlabException"/> naming the
/// domain. A call that failed because QEMU exited under it says that, with the exit status, and not the socket's
/// words (<see cref="ExitedAsync"/>): the user's next step is 'virtlab start', not a retry.
/// </summary>
public static class QmpCalls
{
    /// <summary>How long a lost connection waits for QEMU's exit to be seen before it is reported as a lost connection.</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);

    public static async Task<T> CallAsync<T>(DomainObject domain, Func<QmpClient, Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call(domain.Qmp).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            throw await FailureAsync(domain, e).ConfigureAwait(false);
        }
    }

    public static async Task CallAsync(DomainObject domain, Func<QmpClient, Task> call)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            await call(domain.Qmp).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            throw await FailureAsync(domain, e).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits for the next event of <paramref name="subscription"/> on <paramref name="domain"/>'s monitor: true when
    /// it arrived, false when none did within <paramref name="timeout"/>. Any other failure (QEMU exited, the
    /// connection closed) is thrown as <see cref="CallAsync{T}"/> throws it.
    /// </summary>
    public static async Task<bool> WaitEventAsync(DomainObject domain, QmpEventSubscription subscription, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(subscription);
        try
        {
            await subscription.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (QmpException e) when (e.Kind == QmpErrorKind.Timeout)
        {
            return false;
        }
        catch (QmpException e)
        {
            throw await FailureAsync(domain, e).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// When <paramref name="domain"/>'s QEMU has exited (or exits within a short grace, as it does just after its
    /// socket closes), the error that says so and what to do; null while QEMU runs.
    /// </summary>
    public static async Task<VirtlabException?> ExitedAsync(DomainObject domain, Exception cause)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var exited = domain.Process.Exited;
        if (await Task.WhenAny(exited, Task.Delay(ExitGrace)).ConfigureAwait(false) != exited)
        {
            return null;
        }

        return new VirtlabException(
            ErrorKind.InvalidState,
            $"QEMU of '{domain.Name}' exited during the call ({Process.ChildProcess.DescribeExit(await exited.ConfigureAwait(false))}): " +
            $"the domain is shut off and its definition kept; 'virtlab start {domain.Name}' boots it again",
            cause);
    }

    /// <summary>The error for a failed QMP call on <paramref name="domain"/>: QEMU's exit when that is why, else QEMU's words.</summary>
    public static async Task<VirtlabException> FailureAsync(DomainObject domain, QmpException e) =>
        (e.Kind is QmpErrorKind.ConnectionLost or QmpErrorKind.ExecInterrupted ? await ExitedAsync(domain, e).ConfigureAwait(false) : null)
        ?? new VirtlabException(ErrorKind.QemuError, $"QEMU of '{domain.Name}': {e.Message}", e);
}
