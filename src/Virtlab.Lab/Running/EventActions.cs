using System.Globalization;
using Virtlab.Api;
using Virtlab.Client;
using Virtlab.Lab.Results;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Running;

/// <summary>
/// Does a scenario event to a VM world through its lab host's daemon, with the same requests the CLI sends
/// (setvcpus, setmem, autoballoon, suspend/resume, domtime, migrate), and says what came of it. A refused request is
/// an outcome (<c>failed</c>, with the daemon's message), never a lab failure.
/// </summary>
internal sealed class EventActions(IReadOnlyList<LabHost> hosts)
{
    /// <summary>The migrations done, in order, with QEMU's progress samples.</summary>
    public List<MigrationTrace> Migrations { get; } = [];

    public async Task<(string Outcome, string? Detail)> RunAsync(VmWorld vm, LabAction action, double startSeconds, CancellationToken ct)
    {
        var client = vm.Host.Client;
        var path = vm.DomainPath;
        try
        {
            switch (action)
            {
                case SetVcpusAction a:
                    var v = await client.PostAsync($"{path}/setvcpus", new SetVcpusRequest(a.Count, a.Guest), ApiJsonContext.Default.SetVcpusRequest, ApiJsonContext.Default.SetVcpusReply, ct).ConfigureAwait(false);
                    return ("ok", Describe(v));
                case SetMemAction a:
                    var m = await client.PostAsync($"{path}/setmem", new SetMemRequest(a.Size), ApiJsonContext.Default.SetMemRequest, ApiJsonContext.Default.SetMemReply, ct).ConfigureAwait(false);
                    return ("ok", Describe(m));
                case AutoBalloonAction a:
                    await client.PostAsync($"{path}/autoballoon", new AutoBalloonRequest(a.Min, a.Max, a.TargetFreePercent), ApiJsonContext.Default.AutoBalloonRequest, ApiJsonContext.Default.AutoBalloonInfo, ct).ConfigureAwait(false);
                    return ("ok", "the daemon balloons this guest from now on");
                case SuspendAction a:
                    await client.PostAsync($"{path}/suspend", ct).ConfigureAwait(false);
                    await Task.Delay(a.For, ct).ConfigureAwait(false);
                    var r = await client.PostAsync($"{path}/resume", new ResumeRequest(false), ApiJsonContext.Default.ResumeRequest, ApiJsonContext.Default.ResumeReply, ct).ConfigureAwait(false);
                    return ("ok", r.OffsetSeconds is { } off ? $"resumed; the guest's wall clock is {off:+0.000;-0.000} s from the host's" : "resumed");
                case ClockStepAction a:
                    var target = DateTimeOffset.UtcNow + a.By;
                    var t = await client.PostAsync($"{path}/domtime", new DomTimeRequest(TimeSeconds: target.ToUnixTimeSeconds()), ApiJsonContext.Default.DomTimeRequest, ApiJsonContext.Default.DomTimeReply, ct).ConfigureAwait(false);
                    return ("ok", $"guest wall clock now {t.OffsetSeconds:+0.000;-0.000} s from the host's");
                case DomTimeSyncAction:
                    var s = await client.PostAsync($"{path}/domtime", new DomTimeRequest(Sync: true), ApiJsonContext.Default.DomTimeRequest, ApiJsonContext.Default.DomTimeReply, ct).ConfigureAwait(false);
                    return ("ok", $"synced: was {s.OffsetBeforeSeconds:+0.000;-0.000} s, now {s.OffsetSeconds:+0.000;-0.000} s");
                case MigrateAction a:
                    return await MigrateAsync(vm, a, startSeconds, ct).ConfigureAwait(false);
                default:
                    return ("failed", $"the lab cannot do {action.Describe()}");
            }
        }
        catch (DaemonCallException e)
        {
            return ("failed", e.Message);
        }
    }

    private async Task<(string, string?)> MigrateAsync(VmWorld vm, MigrateAction a, double startSeconds, CancellationToken ct)
    {
        var to = hosts.FirstOrDefault(h => h != vm.Host && h.Uri is not null)
            ?? throw new LabWorldException("a migrate event needs a second lab host (hosts: 2)");
        var request = new MigrateRequest(
            to.Uri!,
            to.Token,
            AutoConverge: a.AutoConverge,
            MaxDowntimeMs: a.MaxDowntime is { } d ? (int)d.TotalMilliseconds : null,
            BandwidthMiBs: a.BandwidthMiBs,
            Postcopy: a.Postcopy,
            Measure: true);
        try
        {
            var r = await vm.Host.Client.PostAsync($"{vm.DomainPath}/migrate", request, ApiJsonContext.Default.MigrateRequest, ApiJsonContext.Default.MigrateResult, ct).ConfigureAwait(false);
            vm.MovedTo(to);
            var info = await to.Client.GetAsync(vm.DomainPath, ApiJsonContext.Default.DomainInfo, ct).ConfigureAwait(false);
            to.Track(info.Pid);
            Migrations.Add(new MigrationTrace(
                $"lab host {to.Number}",
                startSeconds,
                r.Job.DowntimeMs,
                r.GuestGap?.LargestGapMs,
                r.Ping?.LargestGapMs,
                r.Job.TimeElapsedMs,
                "completed",
                r.Samples));
            var detail = string.Create(CultureInfo.InvariantCulture, $"to lab host {to.Number}: QEMU downtime {r.Job.DowntimeMs} ms, total {r.Job.TimeElapsedMs} ms")
                + (r.GuestGap is { } g ? string.Create(CultureInfo.InvariantCulture, $", the guest's heartbeat stopped {g.LargestGapMs:0} ms") : string.Empty);
            return ("ok", detail);
        }
        catch (DaemonCallException e)
        {
            Migrations.Add(new MigrationTrace($"lab host {to.Number}", startSeconds, null, null, null, null, "failed: " + e.Message, []));
            return ("failed", e.Message);
        }
    }

    private static string Describe(SetVcpusReply r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Result}: QEMU {r.LiveVcpus} vCPUs, guest {(r.GuestOnline is { } g ? g.ToString(CultureInfo.InvariantCulture) : "?")} online, {r.Seconds:0.00} s")
        + (r.Message is { } m ? $" ({m})" : string.Empty);

    private static string Describe(SetMemReply r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Result}: balloon {r.ActualKiB / 1024} MiB, plugged {r.HotpluggedKiB / 1024} MiB, guest MemTotal {(r.GuestMemTotalKiB ?? 0) / 1024} MiB, {r.Seconds:0.00} s")
        + (r.Message is { } m ? $" ({m})" : string.Empty);
}
