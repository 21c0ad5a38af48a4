using System.Diagnostics;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// A host that lost its lease may already have been given up by the cluster: it pauses (QMP stop) every VM it runs, so
/// that two hosts never run the same guest. Like destroy, this takes no job: it must work whatever holds the domain.
/// The VMs stay paused until someone resumes them (resume reports how long they stood still); nothing here kills a VM.
/// </summary>
public static class Fencing
{
    /// <summary>Pauses every running, unpaused VM; returns the names paused.</summary>
    public static async Task<IReadOnlyList<string>> PauseAllAsync(EngineContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var paused = new List<string>();
        foreach (var domain in context.Domains.All)
        {
            if (await PauseAsync(context, domain, cancellationToken).ConfigureAwait(false))
            {
                paused.Add(domain.Name);
            }
        }

        return paused;
    }

    /// <summary>Pauses one VM if it runs and is not paused; true when this paused it.</summary>
    public static async Task<bool> PauseAsync(EngineContext context, DomainObject domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(domain);
        if (domain.Paused || domain.Process.HasExited)
        {
            return false;
        }

        try
        {
            await domain.Qmp.StopAsync(cancellationToken).ConfigureAwait(false);
            domain.OnVcpusRunning(false);
            domain.SuspendedAt = Stopwatch.GetTimestamp();
            return true;
        }
        catch (Virtlab.Qmp.QmpException e)
        {
            context.Log?.Invoke($"cluster: fencing could not pause {domain.Name}: {e.Message}");
            return false;
        }
    }
}
