using Virtlab.Api;
using Virtlab.Engine.Vms;

namespace Virtlab.Daemon;

/// <summary>Thin handlers for vCPU hot-plug, guest on/offlining, ballooning, memory hot-plug and automatic ballooning.</summary>
internal static class HotplugEndpoints
{
    public static void Map(RouteGroupBuilder v1, VmManager vms)
    {
        v1.MapPost("/domains/{name}/setvcpus", (string name, SetVcpusRequest req, CancellationToken ct) =>
            req.Guest ? vms.SetVcpusGuestAsync(name, req.Count, ct) : vms.SetVcpusLiveAsync(name, req.Count, ct));

        v1.MapGet("/domains/{name}/vcpucount", (string name, CancellationToken ct) => vms.VcpuCountAsync(name, ct));

        v1.MapGet("/domains/{name}/guestvcpus", (string name, CancellationToken ct) => vms.GuestVcpusAsync(name, ct));

        v1.MapPost("/domains/{name}/guestvcpus", (string name, GuestVcpusRequest req, CancellationToken ct) =>
            vms.SetGuestVcpusAsync(name, req.CpuList, req.Enable, ct));

        v1.MapPost("/domains/{name}/setmem", (string name, SetMemRequest req, CancellationToken ct) =>
            vms.SetMemLiveAsync(name, req.Size, ct));

        v1.MapGet("/domains/{name}/dommemstat", (string name, CancellationToken ct) => vms.MemStatAsync(name, ct));

        v1.MapPost("/domains/{name}/autoballoon", (string name, AutoBalloonRequest req, CancellationToken ct) =>
            vms.AutoBalloonAsync(name, req, ct));

        v1.MapGet("/domains/{name}/guest-view", (string name, CancellationToken ct) => vms.GuestViewAsync(name, ct));
    }
}
