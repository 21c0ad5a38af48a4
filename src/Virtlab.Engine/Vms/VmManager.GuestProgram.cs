using Virtlab.Qga;

namespace Virtlab.Engine.Vms;

public sealed partial class VmManager
{
    /// <summary>Runs a guest program through the agent (guest-exec) for a read-only report; agent failures become clear errors.</summary>
    private async Task<GuestExecResult> GuestProgramAsync(VmInstance vm, string path, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var agent = await GuestAgentForReportAsync(vm, cancellationToken).ConfigureAwait(false);
        try
        {
            return await agent.RunAsync(path, args, Options.AgentCommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (GuestAgentException e)
        {
            throw AgentFailure(vm, e);
        }
    }

    private async Task<GuestAgentClient> GuestAgentForReportAsync(VmInstance vm, CancellationToken cancellationToken)
    {
        if (vm.Paused)
        {
            throw new VirtlabException(
                ErrorKind.InvalidState,
                $"domain '{vm.Definition.Name}' is paused, so its guest agent cannot answer: 'virtlab resume {vm.Definition.Name}' first");
        }

        try
        {
            return await vm.AgentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (GuestAgentException e)
        {
            throw AgentFailure(vm, e);
        }
    }

    private static VirtlabException AgentFailure(VmInstance vm, GuestAgentException e) =>
        e.Kind is GuestAgentErrorKind.Unresponsive or GuestAgentErrorKind.ConnectFailed or GuestAgentErrorKind.ConnectionLost or GuestAgentErrorKind.ExecTimeout
            ? new VirtlabException(
                ErrorKind.AgentUnresponsive,
                $"guest agent of '{vm.Definition.Name}' does not answer ({e.Message}): is qemu-guest-agent running in the guest? The VM is unchanged",
                e)
            : new VirtlabException(ErrorKind.AgentError, $"guest agent of '{vm.Definition.Name}': {e.Message}; the VM is unchanged", e);
}
