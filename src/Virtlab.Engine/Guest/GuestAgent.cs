using Virtlab.Engine.Domains;
using Virtlab.Qga;

namespace Virtlab.Engine.Guest;

/// <summary>
/// The one way the engine calls a guest's agent: bounded by a timeout, and every failure turned into one
/// <see cref="VirtlabException"/> that says whether the agent is absent, hung or refused (and that the VM is unchanged).
/// </summary>
public static class GuestAgent
{
    public static async Task<T> CallAsync<T>(DomainObject domain, TimeSpan timeout, Func<GuestAgentClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(call);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            var agent = await domain.AgentAsync(bounded.Token).ConfigureAwait(false);
            return await call(agent, bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unresponsive(domain.Name, $"no answer within {timeout.TotalSeconds:0.#} s", null);
        }
        catch (GuestAgentException e) when (e.Kind is GuestAgentErrorKind.Unresponsive or GuestAgentErrorKind.ConnectFailed
                                               or GuestAgentErrorKind.ConnectionLost or GuestAgentErrorKind.ExecTimeout)
        {
            // An agent connection that broke because QEMU exited is QEMU's exit, not a hung agent.
            throw (e.Kind is GuestAgentErrorKind.ConnectionLost or GuestAgentErrorKind.ConnectFailed ? await QmpCalls.ExitedAsync(domain, e).ConfigureAwait(false) : null)
                ?? Unresponsive(domain.Name, e.Message, e);
        }
        catch (GuestAgentCommandException e)
        {
            throw new VirtlabException(ErrorKind.AgentError, $"guest agent of '{domain.Name}' refused: {e.Message}; the VM is unchanged", e);
        }
        catch (GuestAgentException e)
        {
            throw new VirtlabException(ErrorKind.AgentError, $"guest agent of '{domain.Name}': {e.Message}; the VM is unchanged", e);
        }
    }

    /// <summary>Runs a guest program (guest-exec) for a read-only report; refused at once while the guest is paused (its agent cannot answer).</summary>
    public static Task<GuestExecResult> RunAsync(DomainObject domain, string path, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (domain.Paused)
        {
            throw new VirtlabException(
                ErrorKind.InvalidState,
                $"domain '{domain.Name}' is paused, so its guest agent cannot answer: 'virtlab resume {domain.Name}' first");
        }

        return CallAsync(domain, timeout, (a, ct) => a.RunAsync(path, args, timeout, ct), cancellationToken);
    }

    /// <summary>The guest's /proc/meminfo figures.</summary>
    public static Task<GuestMemInfo> MemInfoAsync(DomainObject domain, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync(domain, timeout, async (agent, ct) =>
        {
            var r = await agent.RunAsync("/bin/cat", ["/proc/meminfo"], timeout, ct).ConfigureAwait(false);
            return GuestMemInfo.Parse(r.Stdout)
                ?? throw new VirtlabException(ErrorKind.AgentError, $"guest '{domain.Name}': /proc/meminfo has no MemTotal/MemAvailable");
        }, cancellationToken);

    private static VirtlabException Unresponsive(string name, string why, Exception? inner) =>
        new(ErrorKind.AgentUnresponsive,
            $"guest agent of '{name}' is unresponsive ({why}): is qemu-guest-agent running in the guest? The VM is unchanged", inner);
}
