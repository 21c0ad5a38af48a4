using Virtlab.Engine.Vms;
using Virtlab.Qga;

namespace Virtlab.Engine.Hotplug;

/// <summary>Guest-agent calls made by hot-plug and ballooning, each bounded by <see cref="HotplugOptions.AgentStepTimeout"/>
/// and turned into a <see cref="VirtlabException"/> that says whether the agent is absent, hung or refused.</summary>
internal static class GuestAgentCalls
{
    public static async Task<T> CallAsync<T>(VmInstance vm, TimeSpan timeout, Func<GuestAgentClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var name = vm.Definition.Name;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            var agent = await vm.AgentAsync(bounded.Token).ConfigureAwait(false);
            return await call(agent, bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unresponsive(name, $"no answer within {timeout.TotalSeconds:0.#} s", null);
        }
        catch (GuestAgentException e) when (e.Kind is GuestAgentErrorKind.Unresponsive or GuestAgentErrorKind.ConnectFailed or GuestAgentErrorKind.ConnectionLost)
        {
            throw Unresponsive(name, e.Message, e);
        }
        catch (GuestAgentCommandException e)
        {
            throw new VirtlabException(ErrorKind.AgentError, $"guest agent of '{name}' refused: {e.Message}", e);
        }
        catch (GuestAgentException e)
        {
            throw new VirtlabException(ErrorKind.AgentError, $"guest agent of '{name}': {e.Message}", e);
        }
    }

    /// <summary>The guest's /proc/meminfo figures.</summary>
    public static Task<GuestMemInfo> MemInfoAsync(VmInstance vm, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync(vm, timeout, async (agent, ct) =>
        {
            var r = await agent.RunAsync("/bin/cat", ["/proc/meminfo"], timeout, ct).ConfigureAwait(false);
            return GuestMemInfo.Parse(r.Stdout)
                ?? throw new VirtlabException(ErrorKind.AgentError, $"guest '{vm.Definition.Name}': /proc/meminfo has no MemTotal/MemAvailable");
        }, cancellationToken);

    private static VirtlabException Unresponsive(string name, string why, Exception? inner) =>
        new(ErrorKind.AgentUnresponsive,
            $"guest agent of '{name}' is unresponsive ({why}): is qemu-guest-agent running in the guest?", inner);
}
