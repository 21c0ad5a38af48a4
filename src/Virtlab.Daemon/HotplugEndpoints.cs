using Virtlab.Api;
using Virtlab.Engine.Hotplug;

namespace Virtlab.Daemon;

/// <summary>setvcpus, vcpucount, guestvcpus, setmem, dommemstat, autoballoon, guest-view.</summary>
internal static class HotplugEndpoints
{
    public static void Map(RouteGroupBuilder v1, VcpuHotplugService vcpus, GuestVcpusService guestVcpus, MemoryService memory, AutoBalloonService autoBalloon, GuestViewService guestView)
    {
        v1.MapPost("/domains/{name}/setvcpus", (string name, SetVcpusRequest req, CancellationToken ct) =>
            req.Guest ? guestVcpus.SetVcpusGuestAsync(name, req.Count, ct) : vcpus.SetVcpusLiveAsync(name, req.Count, ct));

        v1.MapGet("/domains/{name}/vcpucount", (string name, CancellationToken ct) => vcpus.VcpuCountAsync(name, ct));

        v1.MapGet("/domains/{name}/guestvcpus", (string name, CancellationToken ct) => guestVcpus.GuestVcpusAsync(name, ct));

        v1.MapPost("/domains/{name}/guestvcpus", (string name, GuestVcpusRequest req, CancellationToken ct) =>
            guestVcpus.SetGuestVcpusAsync(name, req.CpuList, req.Enable, ct));

        v1.MapPost("/domains/{name}/setmem", (string name, SetMemRequest req, CancellationToken ct) =>
            memory.SetMemLiveAsync(name, req.Size, ct));

        v1.MapGet("/domains/{name}/dommemstat", (string name, CancellationToken ct) => memory.MemStatAsync(name, ct));

        v1.MapPost("/domains/{name}/autoballoon", (string name, AutoBalloonRequest req, CancellationToken ct) =>
            autoBalloon.AutoBalloonAsync(name, req, ct));

        v1.MapGet("/domains/{name}/guest-view", (string name, CancellationToken ct) => guestView.GuestViewAsync(name, ct));
    }
}
