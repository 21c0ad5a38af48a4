using System.Text.Json.Nodes;
using Virtlab.Api;
using Virtlab.Domain.State;
using Virtlab.Engine;
using Virtlab.Engine.Accel;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Host;
using Virtlab.Engine.Lifecycle;
using Virtlab.Engine.Process;
using Virtlab.Engine.Qemu;
using Virtlab.Engine.Store;
using Virtlab.Qmp;

namespace Virtlab.Engine.Tests.Services;

/// <summary>
/// A running domain made of fakes, so that a feature service is tested without booting a guest: the monitor is a
/// <see cref="FakeQmpServer"/> answering with QEMU 10.0.2's recorded replies, the agent a <see cref="FakeGuestAgent"/>,
/// and "QEMU" a <c>sleep</c> process (a fake too: it only has to live and die). The state store is real SQLite in a
/// temporary home.
/// </summary>
internal sealed class FakeDomainHost : IAsyncDisposable
{
    private readonly DirectoryInfo _home;

    private FakeDomainHost(DirectoryInfo home, FakeQmpServer qmp, FakeGuestAgent agent, EngineContext context, DomainObject domain)
    {
        _home = home;
        Qmp = qmp;
        Agent = agent;
        Context = context;
        Domain = domain;
    }

    public FakeQmpServer Qmp { get; }

    public FakeGuestAgent Agent { get; }

    public EngineContext Context { get; }

    public DomainObject Domain { get; }

    /// <summary>Every feature service, on this host's context.</summary>
    public VirtlabEngine Engine => _engine ??= new VirtlabEngine(Context);

    /// <summary>The scripted guest behind the fake agent.</summary>
    public FakeGuest Guest => _guest ??= new FakeGuest(Agent);

    private VirtlabEngine? _engine;
    private FakeGuest? _guest;

    /// <summary>Answers <paramref name="command"/> with <c>{"return": value}</c>.</summary>
    public void Reply(string command, JsonNode value) =>
        Qmp.On(command, r => r.ReplyAsync(new JsonObject { ["return"] = value.DeepClone() }));

    public static async Task<FakeDomainHost> StartAsync(string vcpus = "1,maxvcpus=4", string memory = "256M,maxmemory=1G")
    {
        var home = Directory.CreateTempSubdirectory("vl-fake-");
        var qmpServer = FakeQmpServer.Start();
        var agent = FakeGuestAgent.Start();
        var paths = new VirtlabPaths(home.FullName, Path.Combine(home.FullName, "cache"));
        paths.EnsureCreated();
        var context = new EngineContext(
            paths, new StateStore(paths.Database), new AcceleratorSelector(),
            qemu: () => throw new VirtlabException(ErrorKind.Unsupported, "no QEMU binary behind a fake domain"), log: _ => { });
        var def = CreateRequestParser.Parse(new CreateRequest("t1", vcpus, memory));
        context.Store.TryAddDomain(def);
        var process = ChildProcess.Spawn(["/bin/sleep", "600"], Path.Combine(home.FullName, "sleep.log"));
        var qmp = await QmpClient.ConnectAsync(qmpServer.SocketPath, null, CancellationToken.None);
        var run = new VmRunPaths(Path.GetDirectoryName(agent.SocketPath)!);
        var runtime = new DomainRuntime(1, run, new Accelerator("kvm", "a fake domain (no accelerator behind it)"), "10.0.2", DateTimeOffset.UtcNow);
        var domain = new DomainObject(runtime, def, process, qmp, DomainState.Starting);
        domain.Transition(DomainState.Running, "fake QEMU started");
        context.Domains.Add(domain);
        return new FakeDomainHost(home, qmpServer, agent, context, domain);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Domain.Process.HasExited)
        {
            Domain.Process.Signal(9);
            await Domain.Process.Exited;
        }

        await Context.Domains.DisposeAsync();
        await Qmp.DisposeAsync();
        await Agent.DisposeAsync();
        _home.Delete(recursive: true);
    }
}
