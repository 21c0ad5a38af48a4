namespace Virtlab.Api;

// cluster init / join / leave / status: this host's membership of a Virtlab cluster kept in etcd (docs/CLUSTER.md).

/// <summary>CLI → daemon: cluster init|join --etcd ENDPOINTS [--lease-ttl T].</summary>
public sealed record ClusterJoinRequest(string Etcd, string? LeaseTtl = null);

/// <summary>What init, join and leave did.</summary>
public sealed record ClusterJoinReply(string HostId, IReadOnlyList<string> Endpoints, int LeaseTtlSeconds, string? LeaseId, string Message);

/// <summary>
/// The value of <c>/virtlab/hosts/HOST-ID</c> (attached to the host's lease): what this host is and has, refreshed by its
/// keep-alive loop.
/// </summary>
public sealed record ClusterHostRecord(
    string HostId,
    string? Address,
    string CpuModel,
    IReadOnlyList<string> CpuFlags,
    long FreeMemoryKiB,
    int Cores,
    string? QemuVersion,
    string Accelerator,
    IReadOnlyList<string> Vms,
    DateTimeOffset UpdatedAt);

/// <summary>The value of <c>/virtlab/members/HOST-ID</c> (no lease): a host joined and has not left.</summary>
public sealed record ClusterMemberRecord(string HostId, string? Address, DateTimeOffset JoinedAt);

/// <summary>
/// The value of <c>/virtlab/cluster</c>, written once by cluster init. <see cref="Token"/> is the bearer token the
/// hosts accept from each other (placement, evacuation, migration), next to each host's own.
/// </summary>
public sealed record ClusterRecord(string CreatedBy, DateTimeOffset CreatedAt, string? Token = null);

/// <summary>CLI → daemon: host evacuate HOST [--max-downtime MS].</summary>
public sealed record HostEvacuateRequest(int? MaxDowntimeMs = null);

/// <summary>What evacuate did with each VM the host ran.</summary>
public sealed record HostEvacuateReply(string HostId, IReadOnlyList<EvacuatedVm> Vms);

/// <summary>One VM of an evacuation: where it went, its downtime, whether its agent answered there; or why it stayed.</summary>
public sealed record EvacuatedVm(string Name, string? ToHost, long? DowntimeMs, long? TotalMs, bool AgentAnswered, string? Error);

/// <summary>
/// host evacuate's progress, asked while it runs (GET v1/cluster/hosts/H/evacuation): each VM of the evacuation in its
/// order, with the live migration job of the one being moved. <see cref="Running"/> is false once it finished (the last
/// evacuation stays readable) or when none ran since the daemon started.
/// </summary>
public sealed record HostEvacuationProgress(string HostId, bool Running, IReadOnlyList<EvacuationVmProgress> Vms);

/// <summary>
/// One VM of an evacuation in progress: <see cref="Phase"/> is <c>waiting</c>, <c>migrating</c> (to
/// <see cref="ToHost"/>, <see cref="Job"/> is the migration's job info), <c>moved</c> (with the downtime) or
/// <c>stayed</c> (with the reason).
/// </summary>
public sealed record EvacuationVmProgress(string Name, string Phase, string? ToHost, JobInfo? Job, long? DowntimeMs, long? TotalMs, string? Error);

/// <summary>cluster baseline: every live host's CPU, and the CPU every one of them can run (cpu-baseline over their flags).</summary>
public sealed record ClusterBaselineReply(IReadOnlyList<ClusterBaselineHost> Hosts, CpuBaselineReply Baseline);

/// <summary>A host of cluster baseline: its id, CPU model and how many CPU flags it has.</summary>
public sealed record ClusterBaselineHost(string HostId, string CpuModel, int Flags, string Accelerator);

/// <summary>One row of cluster status: a member, whether its lease is alive, and what it runs.</summary>
public sealed record ClusterHostStatus(
    string HostId,
    string Health,
    long? LeaseTtlRemainingSeconds,
    string? Address,
    string? CpuModel,
    int? Cores,
    long? FreeMemoryKiB,
    string? QemuVersion,
    string? Accelerator,
    IReadOnlyList<string> Vms,
    IReadOnlyList<string> OwnedVms,
    bool Self);

/// <summary>An ownership key <c>/virtlab/vms/NAME/owner</c>.</summary>
public sealed record ClusterVmOwner(string Name, string Owner);

/// <summary>cluster status: this host's view of its membership, then the cluster as etcd has it.</summary>
public sealed record ClusterStatusInfo(
    bool Member,
    string? HostId,
    IReadOnlyList<string> Endpoints,
    int LeaseTtlSeconds,
    string Lease,
    string? Fenced,
    IReadOnlyList<ClusterHostStatus> Hosts,
    IReadOnlyList<ClusterVmOwner> Owners,
    string? EtcdProblem,
    IReadOnlyList<ClusterEvent>? Events = null,
    IReadOnlyList<ClusterVmStatus>? VmStates = null);

/// <summary>A VM's state key <c>/virtlab/vms/NAME/state</c> in cluster status: <c>running</c> on HOST, <c>shut off</c> (defined there), ...</summary>
public sealed record ClusterVmStatus(string Name, string State, string? Host, DateTimeOffset Since, string? Note);

/// <summary>
/// The value of <c>/virtlab/vms/NAME/state</c> (no lease): what the cluster wants of the VM. <see cref="State"/> is
/// <c>running</c> while some host should run it (with no live owner key, it is restarted elsewhere), <c>shut off</c> once
/// its host saw it stop, <c>failed</c> when a restart elsewhere did not work.
/// </summary>
public sealed record ClusterVmState(string State, string? Host, DateTimeOffset Since, string? Note = null);

/// <summary>A key under <c>/virtlab/events/</c>: something the cluster did by itself (a restart of a dead host's VM).</summary>
public sealed record ClusterEvent(DateTimeOffset At, string Host, string Vm, string Kind, string Message);

/// <summary>What a daemon keeps in its own state to rejoin after a restart (not in etcd).</summary>
public sealed record ClusterMembershipRecord(string HostId, IReadOnlyList<string> Endpoints, int LeaseTtlSeconds, long? LeaseId);
