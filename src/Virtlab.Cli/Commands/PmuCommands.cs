using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Virtlab.Api;

namespace Virtlab.Cli.Commands;

/// <summary>guest-pmu: the virtual PMU as the guest kernel sees it.</summary>
internal static class PmuCommands
{
    public static Command GuestPmu()
    {
        var name = new Argument<string>("NAME");
        var json = CommandRunner.JsonOption();
        var cmd = new Command("guest-pmu", "what the guest sees of a PMU: its driver, arch_perfmon, event sources, and which perf events open") { name, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var r = await client.GetAsync($"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/guest-pmu", ApiJsonContext.Default.PmuReport, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(r, ApiJsonContext.Default.PmuReport));
                return;
            }

            Console.WriteLine($"Accelerator:     {r.Accel} (pmu {r.PmuSetting})");
            Console.WriteLine($"Kernel:          {(r.Driver.Length == 0 ? "(no 'Performance Events:' line)" : r.Driver)}");
            Console.WriteLine($"arch_perfmon:    {(r.ArchPerfmon ? "yes" : "no")}");
            Console.WriteLine($"Event sources:   {string.Join(' ', r.EventSources)} ({(r.CpuPmu ? "a 'cpu' PMU is present" : "no 'cpu' PMU")})");
            Console.WriteLine($"perf_event_paranoid: {r.PerfEventParanoid}");
            foreach (var e in r.Events)
            {
                var result = e.Ok ? string.Create(CultureInfo.InvariantCulture, $"counts ({e.Count})") : $"cannot open: {e.Error}";
                Console.WriteLine($"  {e.Name,-44} {e.Kind,-18} {result}");
            }

            Console.WriteLine($"Verdict:         {r.Verdict}");
            Console.WriteLine($"On KVM:          {r.OnKvm}");
        });
        return cmd;
    }
}
