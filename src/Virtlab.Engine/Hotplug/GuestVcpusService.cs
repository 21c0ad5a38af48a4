using System.Diagnostics;
using Virtlab.Api;
using Virtlab.Domain.State;
using Virtlab.Domain.Validation;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Guest;
using Virtlab.Qga;

namespace Virtlab.Engine.Hotplug;

/// <summary>virsh setvcpus --guest and guestvcpus: on/offlining inside the guest only, through the agent.</summary>
public sealed class GuestVcpusService(EngineContext context, HotplugOptions options)
{
    private readonly HotplugOptions _options = options;

    /// <summary>guestvcpus NAME: the guest's logical CPUs (guest-get-vcpus).</summary>
    public async Task<IReadOnlyList<GuestVcpuInfo>> GuestVcpusAsync(string name, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        var vcpus = await GuestAgent.CallAsync(domain, _options.AgentStepTimeout, (a, ct) => a.GetVcpusAsync(ct), cancellationToken).ConfigureAwait(false);
        return ToInfo(vcpus);
    }

    /// <summary>guestvcpus NAME --cpulist LIST --enable|--disable. Refuses, before changing anything, a CPU the
    /// guest does not have or says cannot go offline (cpu0).</summary>
    public async Task<IReadOnlyList<GuestVcpuInfo>> SetGuestVcpusAsync(string name, string cpuList, bool enable, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        var ids = CpuList.TryParse(cpuList, out var error) ?? throw new VirtlabException([new ValidationError("--cpulist", error!)]);
        using var job = domain.Job.Begin(DomainJobKind.GuestVcpus);
        domain.EnsureAllowed(DomainAction.AgentCommand);
        var vcpus = await GuestAgent.CallAsync(domain, _options.AgentStepTimeout, (a, ct) => a.GetVcpusAsync(ct), cancellationToken).ConfigureAwait(false);
        var byId = vcpus.ToDictionary(v => v.LogicalId);
        var missing = ids.Where(i => !byId.ContainsKey(i)).ToList();
        if (missing.Count > 0)
        {
            throw new VirtlabException([new ValidationError("--cpulist",
                $"the guest has no CPU {string.Join(", ", missing)}: it has {string.Join(", ", byId.Keys.Order())} (plug more with 'setvcpus {name} N --live')")]);
        }

        if (!enable)
        {
            RefuseUnofflinable(name, ids.Select(i => byId[i]));
        }

        var changes = ids.Select(i => byId[i]).Where(v => v.Online != enable).Select(v => v with { Online = enable }).ToList();
        if (changes.Count > 0)
        {
            await GuestAgent.CallAsync(domain, _options.AgentStepTimeout, (a, ct) => a.SetVcpusAsync(changes, ct), cancellationToken).ConfigureAwait(false);
        }

        return ToInfo(await GuestAgent.CallAsync(domain, _options.AgentStepTimeout, (a, ct) => a.GetVcpusAsync(ct), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>setvcpus NAME N --guest: onlines the lowest offline CPUs or offlines the highest online ones until
    /// the guest runs on N, without touching QEMU.</summary>
    public async Task<SetVcpusReply> SetVcpusGuestAsync(string name, int count, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        var started = Stopwatch.GetTimestamp();
        if (count < 1)
        {
            throw new VirtlabException([new ValidationError("COUNT", $"{count} online CPUs is not possible: the guest needs at least 1")]);
        }

        using var job = domain.Job.Begin(DomainJobKind.SetVcpusGuest);
        domain.EnsureAllowed(DomainAction.SetVcpus);
        var vcpus = await GuestAgent.CallAsync(domain, _options.AgentStepTimeout, (a, ct) => a.GetVcpusAsync(ct), cancellationToken).ConfigureAwait(false);
        if (count > vcpus.Count)
        {
            throw new VirtlabException([new ValidationError("COUNT",
                $"the guest has only {vcpus.Count} CPUs to online: plug more first with 'setvcpus {name} {count} --live'")]);
        }

        var online = vcpus.Where(v => v.Online).OrderBy(v => v.LogicalId).ToList();
        List<GuestVcpu> changes;
        if (count > online.Count)
        {
            changes = vcpus.Where(v => !v.Online).OrderBy(v => v.LogicalId).Take(count - online.Count).Select(v => v with { Online = true }).ToList();
        }
        else
        {
            var offline = online.Where(v => v.CanOffline != false).OrderByDescending(v => v.LogicalId).Take(online.Count - count).ToList();
            if (offline.Count < online.Count - count)
            {
                RefuseUnofflinable(name, online.Where(v => v.CanOffline == false));
            }

            changes = offline.Select(v => v with { Online = false }).ToList();
        }

        if (changes.Count > 0)
        {
            await GuestAgent.CallAsync(domain, _options.AgentStepTimeout, (a, ct) => a.SetVcpusAsync(changes, ct), cancellationToken).ConfigureAwait(false);
        }

        var after = await GuestAgent.CallAsync(domain, _options.AgentStepTimeout, (a, ct) => a.GetVcpusAsync(ct), cancellationToken).ConfigureAwait(false);
        var live = (await QmpCalls.CallAsync(domain, c => c.QueryCpusFastAsync(cancellationToken)).ConfigureAwait(false)).Count;
        var nowOnline = after.Count(v => v.Online);
        return new SetVcpusReply(nowOnline == count ? "completed" : "pending-guest", live, nowOnline, VcpuHotplugService.Seconds(started),
            nowOnline == count ? null : $"asked for {count} online, the guest reports {nowOnline}");
    }

    private static void RefuseUnofflinable(string name, IEnumerable<GuestVcpu> vcpus)
    {
        var stuck = vcpus.Where(v => v.CanOffline == false).Select(v => v.LogicalId).ToList();
        if (stuck.Count > 0)
        {
            throw new VirtlabException(
                ErrorKind.InvalidInput,
                $"CPU {string.Join(", ", stuck)} of '{name}' cannot be taken offline: the guest reports can-offline=false (the boot CPU); nothing was changed");
        }
    }

    private static List<GuestVcpuInfo> ToInfo(IReadOnlyList<GuestVcpu> vcpus) =>
        vcpus.OrderBy(v => v.LogicalId).Select(v => new GuestVcpuInfo(v.LogicalId, v.Online, v.CanOffline ?? false)).ToList();
}
