using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Virtlab.Api;

namespace Virtlab.Cli.Commands;

/// <summary>setvcpus, vcpucount, guestvcpus, setmem, dommemstat: virsh's words and output shapes.</summary>
internal static class HotplugCommands
{
    public static Command SetVcpus()
    {
        var name = new Argument<string>("NAME");
        var count = new Argument<int>("COUNT") { Description = "the number of vCPUs" };
        var live = new Option<bool>("--live") { Description = "plug/unplug vCPUs in the running VM and on/offline them in the guest (the default)" };
        var guest = new Option<bool>("--guest") { Description = "only on/offline CPUs inside the guest, through the guest agent" };
        var json = CommandRunner.JsonOption();
        var cmd = new Command("setvcpus", "change the number of vCPUs of a running domain") { name, count, live, guest, json };
        cmd.Handle(async (p, client, ct) =>
        {
            if (p.GetValue(live) && p.GetValue(guest))
            {
                throw new CliException("--live and --guest exclude each other: --live plugs vCPUs, --guest only on/offlines them in the guest");
            }

            var n = p.GetValue(name)!;
            var reply = await client.PostAsync($"v1/domains/{Uri.EscapeDataString(n)}/setvcpus", new SetVcpusRequest(p.GetValue(count), p.GetValue(guest)),
                ApiJsonContext.Default.SetVcpusRequest, ApiJsonContext.Default.SetVcpusReply, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(reply, ApiJsonContext.Default.SetVcpusReply));
                return;
            }

            var guestText = reply.GuestOnline is { } g ? g.ToString(CultureInfo.InvariantCulture) : "unknown";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{reply.Result}: {reply.LiveVcpus} vCPUs in QEMU, {guestText} online in the guest ({reply.Seconds:0.000} s)"));
            if (reply.Message is not null)
            {
                Console.WriteLine(reply.Message);
            }
        });
        return cmd;
    }

    public static Command VcpuCount()
    {
        var name = new Argument<string>("NAME");
        var json = CommandRunner.JsonOption();
        var cmd = new Command("vcpucount", "maximum and current vCPUs: config, live and guest") { name, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var c = await client.GetAsync($"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/vcpucount", ApiJsonContext.Default.VcpuCountInfo, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(c, ApiJsonContext.Default.VcpuCountInfo));
                return;
            }

            var sb = new StringBuilder();
            Row(sb, "maximum", "config", c.MaximumConfig);
            Row(sb, "maximum", "live", c.MaximumLive);
            Row(sb, "current", "config", c.CurrentConfig);
            Row(sb, "current", "live", c.CurrentLive);
            Row(sb, "current", "guest", c.CurrentGuest);
            Console.Write(sb.ToString());
            if (c.CurrentLive is not null && c.CurrentGuest is null && c.GuestProblem is not null)
            {
                Console.Error.WriteLine("guest: " + c.GuestProblem);
            }
        });
        return cmd;

        static void Row(StringBuilder sb, string a, string b, int? value)
        {
            if (value is { } v)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{a,-12} {b,-12} {v,3}\n");
            }
        }
    }

    public static Command GuestVcpus()
    {
        var name = new Argument<string>("NAME");
        var cpulist = new Option<string?>("--cpulist") { Description = "logical CPUs to change, e.g. 1 or 1-3 or 0,2" };
        var enable = new Option<bool>("--enable") { Description = "online the CPUs in --cpulist" };
        var disable = new Option<bool>("--disable") { Description = "offline the CPUs in --cpulist" };
        var json = CommandRunner.JsonOption();
        var cmd = new Command("guestvcpus", "the guest's logical CPUs (guest-get-vcpus), or on/offline some") { name, cpulist, enable, disable, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var n = Uri.EscapeDataString(p.GetValue(name)!);
            var list = p.GetValue(cpulist);
            IReadOnlyList<GuestVcpuInfo> vcpus;
            if (list is null)
            {
                if (p.GetValue(enable) || p.GetValue(disable))
                {
                    throw new CliException("--enable/--disable need --cpulist: which CPUs?");
                }

                vcpus = await client.GetAsync($"v1/domains/{n}/guestvcpus", ApiJsonContext.Default.IReadOnlyListGuestVcpuInfo, ct).ConfigureAwait(false);
            }
            else
            {
                if (p.GetValue(enable) == p.GetValue(disable))
                {
                    throw new CliException("give exactly one of --enable or --disable with --cpulist");
                }

                vcpus = await client.PostAsync($"v1/domains/{n}/guestvcpus", new GuestVcpusRequest(list, p.GetValue(enable)),
                    ApiJsonContext.Default.GuestVcpusRequest, ApiJsonContext.Default.IReadOnlyListGuestVcpuInfo, ct).ConfigureAwait(false);
            }

            if (p.GetValue(json))
            {
                // The slide's shape: guest-get-vcpus' own member names.
                var sb = new StringBuilder("[\n");
                for (var i = 0; i < vcpus.Count; i++)
                {
                    var v = vcpus[i];
                    sb.Append(CultureInfo.InvariantCulture,
                        $"  {{\n    \"online\": {Bool(v.Online)},\n    \"can-offline\": {Bool(v.CanOffline)},\n    \"logical-id\": {v.LogicalId}\n  }}{(i + 1 < vcpus.Count ? "," : string.Empty)}\n");
                }

                Console.Write(sb.Append("]\n").ToString());
                return;
            }

            Console.WriteLine($"{"logical-id",-12}{"online",-8}can-offline");
            foreach (var v in vcpus)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{v.LogicalId,-12}{Bool(v.Online),-8}{Bool(v.CanOffline)}"));
            }
        });
        return cmd;

        static string Bool(bool b) => b ? "true" : "false";
    }

    public static Command SetMem()
    {
        var name = new Argument<string>("NAME");
        var size = new Argument<string>("SIZE") { Description = "the guest's new memory size, e.g. 128M or 1G (a bare number is MiB)" };
        var live = new Option<bool>("--live") { Description = "change the running VM (the default): balloon below the plugged RAM, DIMM hot-plug above it" };
        var json = CommandRunner.JsonOption();
        var cmd = new Command("setmem", "change a running domain's memory: balloon, or hot-plug up to maxmemory") { name, size, live, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var reply = await client.PostAsync($"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/setmem", new SetMemRequest(p.GetValue(size)!),
                ApiJsonContext.Default.SetMemRequest, ApiJsonContext.Default.SetMemReply, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(reply, ApiJsonContext.Default.SetMemReply));
                return;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{reply.Result}: balloon {reply.ActualKiB} KiB of target {reply.TargetKiB} KiB, hot-plugged {reply.HotpluggedKiB} KiB ({reply.Seconds:0.000} s)"));
            if (reply.GuestMemTotalKiB is { } total)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"guest: MemTotal {total} kB, MemAvailable {reply.GuestMemAvailableKiB} kB"));
            }

            if (reply.Message is not null)
            {
                Console.WriteLine(reply.Message);
            }
        });
        return cmd;
    }

    public static Command DomMemStat()
    {
        var name = new Argument<string>("NAME");
        var json = CommandRunner.JsonOption();
        var cmd = new Command("dommemstat", "memory statistics of a running domain (balloon driver, QEMU's RSS), KiB as virsh") { name, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var s = await client.GetAsync($"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/dommemstat", ApiJsonContext.Default.MemStatInfo, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(s, ApiJsonContext.Default.MemStatInfo));
                return;
            }

            var sb = new StringBuilder();
            Line(sb, "actual", s.ActualKiB);
            Line(sb, "swap_in", s.SwapInKiB);
            Line(sb, "swap_out", s.SwapOutKiB);
            Line(sb, "major_fault", s.MajorFaults);
            Line(sb, "minor_fault", s.MinorFaults);
            Line(sb, "unused", s.UnusedKiB);
            Line(sb, "available", s.AvailableKiB);
            Line(sb, "usable", s.UsableKiB);
            Line(sb, "disk_caches", s.DiskCachesKiB);
            Line(sb, "last_update", s.LastUpdate);
            Line(sb, "rss", s.RssKiB);
            Line(sb, "guest_memtotal", s.GuestMemTotalKiB);
            Line(sb, "guest_memavailable", s.GuestMemAvailableKiB);
            Console.Write(sb.ToString());
        });
        return cmd;

        static void Line(StringBuilder sb, string key, long? value)
        {
            if (value is { } v)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{key} {v}\n");
            }
        }
    }

    public static Command AutoBalloon()
    {
        var name = new Argument<string>("NAME");
        var min = new Option<string?>("--min") { Description = "the least memory the balloon leaves the guest, e.g. 256M" };
        var max = new Option<string?>("--max") { Description = "the most memory the balloon gives the guest (at most the RAM plugged now)" };
        var free = new Option<int?>("--target-free") { Description = "keep this share of the guest's RAM usable (MemAvailable), percent; default 20" };
        var interval = new Option<double?>("--interval") { Description = "seconds between decisions; default 10 (moves at most 100 MiB each, as Proxmox)" };
        var off = new Option<bool>("--off") { Description = "stop automatic ballooning (the balloon stays where it is)" };
        var json = CommandRunner.JsonOption();
        var cmd = new Command("autoballoon", "automatic ballooning in the daemon: reclaim from an idle guest, give back when it allocates; no options shows the state") { name, min, max, free, interval, off, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var req = new AutoBalloonRequest(p.GetValue(min), p.GetValue(max), p.GetValue(free), p.GetValue(interval), p.GetValue(off));
            var info = await client.PostAsync($"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/autoballoon", req,
                ApiJsonContext.Default.AutoBalloonRequest, ApiJsonContext.Default.AutoBalloonInfo, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(info, ApiJsonContext.Default.AutoBalloonInfo));
                return;
            }

            Console.WriteLine(info.Enabled
                ? string.Create(CultureInfo.InvariantCulture, $"autoballoon on: {info.MinKiB}-{info.MaxKiB} KiB, {info.TargetFreePercent} % usable, at most {info.StepKiB} KiB per {info.IntervalSeconds:0.#} s")
                : "autoballoon off");
            if (info.LastAction is not null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"last: {info.LastAction} (actual {info.LastActualKiB?.ToString(CultureInfo.InvariantCulture) ?? "?"} KiB, usable {info.LastUsableKiB?.ToString(CultureInfo.InvariantCulture) ?? "?"} KiB, target {info.LastTargetKiB?.ToString(CultureInfo.InvariantCulture) ?? "-"} KiB)"));
            }
        });
        return cmd;
    }

    public static Command GuestView()
    {
        var name = new Argument<string>("NAME");
        var json = CommandRunner.JsonOption();
        var cmd = new Command("guest-view", "what an application in the guest sees now: nproc, sched_getaffinity, online CPUs, MemTotal") { name, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var v = await client.GetAsync($"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/guest-view", ApiJsonContext.Default.GuestViewInfo, ct).ConfigureAwait(false);
            Console.WriteLine(p.GetValue(json) ? JsonSerializer.Serialize(v, ApiJsonContext.Default.GuestViewInfo) : ViewLine(v));
        });
        return cmd;
    }

    public static Command GuestWatch()
    {
        var name = new Argument<string>("NAME");
        var interval = new Option<int>("--interval-ms") { Description = "sampling period; default 500", DefaultValueFactory = _ => 500 };
        var count = new Option<int>("--count") { Description = "stop after this many samples; 0 (default) runs until Ctrl-C" };
        var cmd = new Command("guest-watch", "stream the guest's view (nproc, affinity, online CPUs, MemTotal), one line whenever it changes") { name, interval, count };
        cmd.Handle(async (p, client, ct) =>
        {
            var path = $"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/guest-view";
            string? last = null;
            for (var i = 0; p.GetValue(count) == 0 || i < p.GetValue(count); i++)
            {
                var v = await client.GetAsync(path, ApiJsonContext.Default.GuestViewInfo, ct).ConfigureAwait(false);
                var key = $"{v.Nproc}|{v.Affinity}|{v.Online}|{v.MemTotalKiB}";
                if (key != last)
                {
                    Console.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {ViewLine(v)}");
                    last = key;
                }

                await Task.Delay(p.GetValue(interval), ct).ConfigureAwait(false);
            }
        });
        return cmd;
    }

    private static string ViewLine(GuestViewInfo v) => string.Create(CultureInfo.InvariantCulture,
        $"nproc {v.Nproc}  sched_getaffinity {v.Affinity}  online {v.Online}  present {v.Present}  MemTotal {v.MemTotalKiB} kB  MemAvailable {v.MemAvailableKiB} kB");
}
