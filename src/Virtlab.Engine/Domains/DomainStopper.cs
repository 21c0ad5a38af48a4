using Virtlab.Qmp;

namespace Virtlab.Engine.Domains;

/// <summary>Ends a domain's QEMU and forgets the domain: destroy's quit → SIGTERM → SIGKILL, each bounded, or an outright kill.</summary>
public sealed class DomainStopper(EngineContext context)
{
    /// <summary>QMP quit, then SIGTERM, then SIGKILL, each bounded by <see cref="DomainOptions.DestroyStepTimeout"/>; always reaped.</summary>
    public async Task StopAsync(DomainObject domain, CancellationToken cancellationToken)
    {
        try
        {
            await domain.Qmp.QuitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            context.Log?.Invoke($"destroy {domain.Name}: QMP quit failed ({e.Message}); sending SIGTERM");
        }

        var step = context.Options.DestroyStepTimeout;
        if (!await ExitedWithin(domain, step).ConfigureAwait(false))
        {
            domain.Process.Signal(15);
            if (!await ExitedWithin(domain, step).ConfigureAwait(false))
            {
                domain.Process.Signal(9);
                await ExitedWithin(domain, step).ConfigureAwait(false);
            }
        }

        await context.Domains.ForgetAsync(domain).ConfigureAwait(false);
    }

    /// <summary>SIGKILL and forget: for a QEMU whose guest never ran here (an incoming migration that is called off).</summary>
    public async Task KillAsync(DomainObject domain)
    {
        if (!domain.Process.HasExited)
        {
            domain.Process.Signal(9);
        }

        await domain.Process.Exited.ConfigureAwait(false);
        await context.Domains.ForgetAsync(domain).ConfigureAwait(false);
    }

    private static async Task<bool> ExitedWithin(DomainObject domain, TimeSpan timeout) =>
        await Task.WhenAny(domain.Process.Exited, Task.Delay(timeout)).ConfigureAwait(false) == domain.Process.Exited;
}
