using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// host evacuate H (docs/CLUSTER.md): every VM H runs is live-migrated, one after the other, to the host placement
/// chooses among the others; run by H itself (another host forwards the call to it). While it runs, its progress (each
/// VM's phase, and the live migration job of the one being moved) can be asked of any host.
/// </summary>
/// <param name="migrate">Live-migrates a VM of this host: the migration feature's migrate.</param>
/// <param name="jobInfo">The migration job of a VM of this host as domjobinfo has it: the migration feature's.</param>
public sealed class EvacuationService(
    EngineContext context,
    ClusterService cluster,
    Func<string, MigrateRequest, CancellationToken, Task<MigrateResult>>? migrate = null,
    Func<string, CancellationToken, Task<JobInfo>>? jobInfo = null)
{
    private readonly Lock _gate = new();
    private List<EvacuationVmProgress> _vms = [];
    private bool _running;

    /// <summary>host evacuate H: the VMs, one after the other; what became of each.</summary>
    public async Task<HostEvacuateReply> EvacuateAsync(string hostId, HostEvacuateRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        var keeper = cluster.Member("host evacuate");
        var hosts = await ClusterHosts.LiveAsync(keeper, cancellationToken).ConfigureAwait(false);
        if (hostId != keeper.Membership.HostId)
        {
            using var remote = ClusterHosts.Peer(keeper, ClusterHosts.Find(hosts, hostId, $"host evacuate {hostId}"), context.PeerTls.Value);
            return await remote.EvacuateAsync(hostId, req, cancellationToken).ConfigureAwait(false);
        }

        var domains = context.Domains.All.Where(d => d.Job.Current != DomainJobKind.MigrationIn).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        lock (_gate)
        {
            if (_running)
            {
                throw new VirtlabException(ErrorKind.Busy, $"host {hostId} is being evacuated already: 'virtlab host evacuate {hostId}' again once it finished");
            }

            _running = true;
            _vms = domains.Select(d => new EvacuationVmProgress(d.Name, "waiting", null, null, null, null, null)).ToList();
        }

        try
        {
            var others = hosts.Where(h => h.HostId != hostId).ToList();
            var results = new List<EvacuatedVm>();
            for (var i = 0; i < domains.Count; i++)
            {
                var moved = await EvacuateOneAsync(keeper, i, domains[i].Definition, others, req, cancellationToken).ConfigureAwait(false);
                results.Add(moved);
                Set(i, moved.Error is null
                    ? new EvacuationVmProgress(moved.Name, "moved", moved.ToHost, null, moved.DowntimeMs, moved.TotalMs, null)
                    : new EvacuationVmProgress(moved.Name, "stayed", null, null, null, null, moved.Error));
            }

            return new HostEvacuateReply(hostId, results);
        }
        finally
        {
            lock (_gate)
            {
                _running = false;
            }
        }
    }

    /// <summary>The evacuation of host H as it stands (H answers; another host forwards the question to it).</summary>
    public async Task<HostEvacuationProgress> ProgressAsync(string hostId, CancellationToken cancellationToken)
    {
        var keeper = cluster.Member("host evacuate");
        if (hostId != keeper.Membership.HostId)
        {
            var hosts = await ClusterHosts.LiveAsync(keeper, cancellationToken).ConfigureAwait(false);
            using var remote = ClusterHosts.Peer(keeper, ClusterHosts.Find(hosts, hostId, $"host evacuate {hostId}"), context.PeerTls.Value);
            return await remote.EvacuationAsync(hostId, cancellationToken).ConfigureAwait(false);
        }

        List<EvacuationVmProgress> vms;
        bool running;
        lock (_gate)
        {
            vms = [.. _vms];
            running = _running;
        }

        for (var i = 0; i < vms.Count; i++)
        {
            if (vms[i].Phase == "migrating" && jobInfo is not null)
            {
                try
                {
                    vms[i] = vms[i] with { Job = await jobInfo(vms[i].Name, cancellationToken).ConfigureAwait(false) };
                }
                catch (VirtlabException)
                {
                    // Between two phases (the guest has just left): the next question sees its outcome.
                }
            }
        }

        return new HostEvacuationProgress(hostId, running, vms);
    }

    private async Task<EvacuatedVm> EvacuateOneAsync(
        LeaseKeeper keeper, int index, DomainDefinition def, List<ClusterHostRecord> others, HostEvacuateRequest req, CancellationToken cancellationToken)
    {
        try
        {
            var required = (await context.CpuCaps.GetAsync(cancellationToken).ConfigureAwait(false)).RequiredHostFlags(def.Cpu);
            var chosen = ClusterPlacement.Choose(def, required, others)
                ?? throw new VirtlabException(ErrorKind.InvalidInput, ClusterPlacement.Refusal(def, ClusterPlacement.Judge(def, required, others)));
            var at = others.FindIndex(h => h.HostId == chosen);
            var host = others[at];
            var address = host.Address ?? throw ClusterHosts.NoAddress(chosen);
            Set(index, new EvacuationVmProgress(def.Name, "migrating", chosen, null, null, null, null));
            var result = await (migrate ?? throw new VirtlabException(ErrorKind.Unsupported, "this daemon cannot migrate"))(
                def.Name, new MigrateRequest(address, keeper.ClusterToken ?? string.Empty, AutoConverge: true, MaxDowntimeMs: req.MaxDowntimeMs), cancellationToken).ConfigureAwait(false);

            // The next VM is placed knowing this one went there (the host's record catches up at its next keep-alive).
            others[at] = host with { Vms = [.. host.Vms, def.Name], FreeMemoryKiB = host.FreeMemoryKiB - def.MemoryKiB };
            return new EvacuatedVm(def.Name, chosen, result.Job.DowntimeMs, result.Job.TimeElapsedMs, result.AgentAnswered, null);
        }
        catch (VirtlabException e)
        {
            return new EvacuatedVm(def.Name, null, null, null, false, e.Message);
        }
    }

    private void Set(int index, EvacuationVmProgress vm)
    {
        lock (_gate)
        {
            _vms[index] = vm;
        }
    }
}
