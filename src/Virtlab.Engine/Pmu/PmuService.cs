using System.Text.Json;
using System.Text.Json.Nodes;
using Virtlab.Api;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Guest;

namespace Virtlab.Engine.Pmu;

/// <summary>
/// guest-pmu: what the guest kernel sees of a PMU, from the image's static probe
/// (<c>virtlab-probe pmu</c>: its PMU driver line, arch_perfmon, event sources, and a
/// perf_event_open of each architectural event). See docs/PMU.md.
/// </summary>
public sealed class PmuService(EngineContext context)
{
    private const string ProbePath = "/usr/bin/virtlab-probe";

    public async Task<PmuReport> GuestPmuAsync(string name, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        var run = await GuestAgent.RunAsync(domain, ProbePath, ["pmu"], context.Options.AgentCommandTimeout, cancellationToken).ConfigureAwait(false);
        if (run.ExitCode == 2)
        {
            throw new VirtlabException(
                ErrorKind.Unsupported,
                $"the guest image of '{name}' has a probe without the 'pmu' check (it predates it): rebuild it with 'make image', then start the domain again");
        }

        JsonNode? j;
        try
        {
            j = JsonNode.Parse(run.Stdout.Trim());
        }
        catch (JsonException e)
        {
            throw new VirtlabException(ErrorKind.AgentError, $"virtlab-probe pmu in '{name}' printed no JSON ({e.Message}): {run.Stdout}{run.Stderr}");
        }

        if (j?["error"] is { } err)
        {
            throw new VirtlabException(ErrorKind.AgentError, $"virtlab-probe pmu in '{name}' failed: {err}");
        }

        var events = (j?["events"] as JsonArray ?? []).Select(e => new PmuEventResult(
            e!["name"]!.GetValue<string>(), e["kind"]!.GetValue<string>(), e["ok"]!.GetValue<bool>(),
            e["count"]?.GetValue<long>(), e["error"]?.GetValue<string>())).ToList();
        var devices = (j?["devices"] as JsonArray ?? []).Select(d => d!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        var cpuPmu = j?["cpu_pmu"]?.GetValue<bool>() ?? false;
        var arch = events.Where(e => e.Kind == "architectural").ToList();
        var archOk = arch.Count(e => e.Ok);
        var setting = domain.Definition.Pmu switch { true => "on", false => "off", null => "QEMU default" };
        var verdict = (cpuPmu, archOk, domain.Accel.IsKvm) switch
        {
            (false, 0, false) => $"no vPMU: {domain.Accel.Name.ToUpperInvariant()} emulates no performance counters, so the guest kernel has no 'cpu' PMU and runs with software events only; none of the {arch.Count} architectural events can be opened (the pmu setting, {setting}, changes nothing here)",
            (false, 0, true) => $"no vPMU: the guest kernel found no PMU (pmu={setting}; the CPU model may lack arch_perfmon)",
            _ => $"vPMU present: {archOk} of {arch.Count} architectural events count in the guest (pmu={setting})",
        };
        const string onKvm =
            "on KVM with pmu=on and a CPU that has arch_perfmon (host-passthrough), the kernel loads its PMU driver, 'cpu' appears under " +
            "/sys/bus/event_source/devices and the eight architectural events open; non-architectural events are the host model's own, " +
            "so such a guest migrates only to an identical CPU model";
        return new PmuReport(
            name, domain.Accel.Name, setting, j?["driver"]?.GetValue<string>() ?? string.Empty, j?["arch_perfmon"]?.GetValue<bool>() ?? false,
            devices, cpuPmu, j?["perf_event_paranoid"]?.GetValue<string>() ?? string.Empty, events, verdict, onKvm);
    }
}
