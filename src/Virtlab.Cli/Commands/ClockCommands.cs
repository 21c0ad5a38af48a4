using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Virtlab.Api;

namespace Virtlab.Cli.Commands;

/// <summary>suspend, resume, domtime (as virsh) and guest-clock.</summary>
internal static class ClockCommands
{
    public static Command Suspend()
    {
        var name = new Argument<string>("NAME");
        var cmd = new Command("suspend", "pause a domain's vCPUs (its clocks stop with them)") { name };
        cmd.Handle(async (p, client, ct) =>
        {
            var n = p.GetValue(name)!;
            await client.PostAsync($"v1/domains/{Uri.EscapeDataString(n)}/suspend", ct).ConfigureAwait(false);
            Console.WriteLine($"Domain '{n}' suspended");
        });
        return cmd;
    }

    public static Command Resume()
    {
        var name = new Argument<string>("NAME");
        var sync = new Option<bool>("--sync-time") { Description = "then set the guest clock from the host's (guest-set-time), correcting the lag the pause left" };
        var cmd = new Command("resume", "resume a paused domain") { name, sync };
        cmd.Handle(async (p, client, ct) =>
        {
            var n = p.GetValue(name)!;
            var r = await client.PostAsync($"v1/domains/{Uri.EscapeDataString(n)}/resume", new ResumeRequest(p.GetValue(sync)), ApiJsonContext.Default.ResumeRequest, ApiJsonContext.Default.ResumeReply, ct).ConfigureAwait(false);
            Console.WriteLine($"Domain '{n}' resumed");
            if (r.PausedSeconds is { } s)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"It was paused for {s:0.0} s; its clock stopped meanwhile"));
            }

            if (r.OffsetBeforeSyncSeconds is { } before && r.OffsetSeconds is { } after)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Guest clock synced: offset {Signed.Seconds(before)} -> {Signed.Seconds(after)} (guest minus host)"));
            }
            else if (r.PausedSeconds is not null)
            {
                Console.WriteLine($"Its wall clock now lags the host: 'virtlab domtime {n} --sync' corrects it (or resume with --sync-time)");
            }
        });
        return cmd;
    }

    public static Command DomTime()
    {
        var name = new Argument<string>("NAME");
        var sync = new Option<bool>("--sync") { Description = "set the guest clock from the host's clock" };
        var time = new Option<long?>("--time") { Description = "set the guest clock to this time (seconds since the epoch)" };
        var pretty = new Option<bool>("--pretty") { Description = "print the time as a date" };
        var json = CommandRunner.JsonOption();
        var cmd = new Command("domtime", "the guest's wall clock (guest agent), as virsh domtime; --sync or --time set it") { name, sync, time, pretty, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var n = p.GetValue(name)!;
            var r = await client.PostAsync($"v1/domains/{Uri.EscapeDataString(n)}/domtime", new DomTimeRequest(p.GetValue(sync), p.GetValue(time)), ApiJsonContext.Default.DomTimeRequest, ApiJsonContext.Default.DomTimeReply, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(r, ApiJsonContext.Default.DomTimeReply));
                return;
            }

            var guest = DateTimeOffset.FromUnixTimeMilliseconds(r.GuestNs / 1_000_000);
            Console.WriteLine(p.GetValue(pretty)
                ? $"Time: {guest.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}"
                : string.Create(CultureInfo.InvariantCulture, $"Time: {r.GuestNs / 1_000_000_000}"));
            if (r.OffsetBeforeSeconds is { } before)
            {
                Console.WriteLine($"Offset before: {Signed.Seconds(before)} (guest minus host)");
            }

            Console.WriteLine($"Offset: {Signed.Seconds(r.OffsetSeconds)} (guest minus host)");
        });
        return cmd;
    }

    public static Command GuestClock()
    {
        var name = new Argument<string>("NAME");
        var json = CommandRunner.JsonOption();
        var cmd = new Command("guest-clock", "the guest's clocksource, TSC flags, kvm-clock and its offset from the host") { name, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var c = await client.GetAsync($"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/guest-clock", ApiJsonContext.Default.GuestClockInfo, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(c, ApiJsonContext.Default.GuestClockInfo));
                return;
            }

            Console.WriteLine($"Clocksource:     {c.Clocksource} (available: {string.Join(' ', c.AvailableClocksources)})");
            Console.WriteLine($"kvm-clock:       {(c.KvmClock ? "yes" : $"no{(c.Accel == "kvm" ? string.Empty : $" ({c.Accel} has no paravirtual clock)")}")}");
            Console.WriteLine($"TSC flags:       constant_tsc {YesNo(c.ConstantTsc)}, nonstop_tsc {YesNo(c.NonstopTsc)}, tsc_known_freq {YesNo(c.TscKnownFreq)}, invtsc {YesNo(c.Invtsc)}");
            Console.WriteLine($"Offset:          {Signed.Seconds(c.OffsetSeconds)} (guest minus host)");
            foreach (var l in c.KernelLines)
            {
                Console.WriteLine($"Kernel:          {l}");
            }
        });
        return cmd;
    }

    private static string YesNo(bool b) => b ? "yes" : "no";
}
