namespace Virtlab.Api;

// Live migration between Virtlab hosts: the CLI → source daemon request, the source → destination
// daemon calls, and the job statistics (virsh domjobinfo / QEMU's info migrate). Times in ms, sizes in bytes.

/// <summary>CLI → source daemon: migrate NAME to another Virtlab host.</summary>
public sealed record MigrateRequest(
    string Destination,
    string Token,
    bool Live = true,
    bool AutoConverge = false,
    long? XbzrleCacheBytes = null,
    int? MaxDowntimeMs = null,
    int? BandwidthMiBs = null,
    int? TimeoutSeconds = null,
    string? TimeoutAction = null,
    bool Postcopy = false,
    bool Measure = false,
    bool PostcopyAfterPrecopy = false,
    bool Force = false,
    int? VerifyMiB = null,
    bool NoTls = false);

/// <summary>What a finished migration reports.</summary>
public sealed record MigrateResult(
    string Name,
    string Destination,
    JobInfo Job,
    bool AgentAnswered,
    ClockReport? Clock,
    GuestGapReport? GuestGap,
    IReadOnlyList<JobSample> Samples,
    PingReport? Ping = null,
    ConvergenceReport? Convergence = null,
    IReadOnlyList<SteeringDecision>? Steps = null,
    IntegrityReport? Integrity = null,
    string? Transport = null);

/// <summary>The guest's wall clock minus the host's: on the source before migrating, on the destination
/// right after the switch-over (before the correction) and after the correction.</summary>
public sealed record ClockReport(double OffsetBeforeMs, double OffsetAfterMs, bool Corrected, double? SourceOffsetMs = null);

/// <summary>The guest-visible stall: the largest gap between consecutive heartbeat stamps written in the guest.</summary>
public sealed record GuestGapReport(double LargestGapMs, double LargestGapRealtimeMs, int Stamps, double? GapAtUnixMs, IReadOnlyList<HeartbeatGap>? Gaps = null);

/// <summary>One heartbeat gap of 20 ms or more: the guest's CLOCK_REALTIME at the stamp before it (Unix ms) and its length (monotonic ms).</summary>
public sealed record HeartbeatGap(double AtUnixMs, double Ms);

/// <summary>One progress sample of a running migration (plot-ready).</summary>
public sealed record JobSample(double TimeSeconds, string Status, long RemainingBytes, long TransferredBytes, long DirtyPagesRate, long Iteration, int ThrottlePercent, double Mbps);

/// <summary>
/// A migration job as virsh domjobinfo shows it, from QEMU's query-migrate. <c>JobType</c> is
/// None, Unbounded (running), Completed, Failed or Cancelled.
/// </summary>
public sealed record JobInfo(
    string JobType,
    string Operation,
    string Status,
    long? TimeElapsedMs = null,
    long? DowntimeMs = null,
    long? ExpectedDowntimeMs = null,
    long? SetupTimeMs = null,
    long? DataProcessed = null,
    long? DataRemaining = null,
    long? DataTotal = null,
    long? MemoryProcessed = null,
    long? MemoryRemaining = null,
    long? MemoryTotal = null,
    double? MemoryBandwidthMbps = null,
    long? DirtyPagesRate = null,
    long? Iteration = null,
    long? PageSize = null,
    long? ConstantPages = null,
    long? SkippedPages = null,
    long? NormalPages = null,
    long? NormalBytes = null,
    int? CpuThrottlePercent = null,
    long? XbzrleCacheSize = null,
    long? XbzrleBytes = null,
    long? XbzrlePages = null,
    long? XbzrleCacheMisses = null,
    double? XbzrleCacheMissRate = null,
    long? XbzrleOverflow = null,
    string? Error = null,
    string? Peer = null,
    DateTimeOffset? FinishedAt = null);

/// <summary>Source daemon → destination daemon: prepare an incoming VM from this definition.
/// <c>Tls</c>: the destination's QEMU takes the stream only over TLS (tls-creds-x509, endpoint=server, verify-peer).</summary>
public sealed record IncomingRequest(string DefinitionJson, string SourceQemuVersion, HostCpuInfo SourceCpu, bool Postcopy = false, LiveDevices? Devices = null, bool Tls = false);

/// <summary>
/// Destination → source: where its incoming QEMU listens (a QEMU migration URI), and the destination's host id when it
/// is in a cluster (the switch-over hands the VM's ownership to that host), and the <c>tls-creds</c> its QEMU reports.
/// </summary>
public sealed record IncomingReply(string Name, string MigrationUri, int Pid, string? ClusterHost = null, string? TlsCreds = null);

/// <summary>Source → destination after QEMU reported completed: wait for RESUME, check the agent, fix the clock.</summary>
public sealed record IncomingFinishRequest(JobInfo Job, int AgentTimeoutSeconds = 60, bool Measure = false, bool Verify = false);

/// <summary>Destination → source: the guest runs here now.</summary>
public sealed record IncomingFinishReply(bool Running, bool AgentAnswered, ClockReport? Clock, GuestGapReport? GuestGap, string? Problem, IntegrityReport? Integrity = null);

/// <summary>
/// Devices hot-plugged into the running source that its definition does not list: the destination
/// starts with them on its command line (QEMU's migration stream needs the same devices on both sides).
/// </summary>
public sealed record LiveDevices(IReadOnlyList<PluggedVcpu> Vcpus, IReadOnlyList<PluggedDimm> Dimms)
{
    public static LiveDevices None { get; } = new([], []);

    public bool IsEmpty => Vcpus.Count == 0 && Dimms.Count == 0;
}

/// <summary>A vCPU plugged with device_add: its id, QEMU driver and topology slot.</summary>
public sealed record PluggedVcpu(string Id, string Driver, int? SocketId, int? DieId, int? ClusterId, int? CoreId, int? ThreadId);

/// <summary>A pc-dimm plugged with device_add over a memory-backend-ram named <c>mem-ID</c>.</summary>
public sealed record PluggedDimm(string Id, long SizeBytes, long Addr, int Slot);

/// <summary>Destination → source: what this host holds of NAME. <c>State</c> is <c>incoming</c> (prepared by a
/// migration that has not finished here), <c>running</c> (a domain of this host) or <c>absent</c>.</summary>
public sealed record IncomingStatus(string Name, string State);

/// <summary>What the source persists while a migration runs, so a restarted daemon can settle it
/// (hand the guest over, or take it back) and never leave two running copies or none.</summary>
public sealed record OutgoingMigrationRecord(string Destination, string Token, bool WasPaused, DateTimeOffset StartedAt, bool PostcopyStarted = false);

/// <summary>
/// The talk's external view of downtime: ICMP echo requests sent to the guest's address every <c>IntervalMs</c> across
/// the lab network while it migrates. <c>LargestGapMs</c> is the longest time between two consecutive replies;
/// <c>GapAfterSeq</c> is the sequence number of the reply before it. Times in the trace are seconds from the start
/// of the migration (negative: before it).
/// </summary>
public sealed record PingReport(
    string Target,
    int IntervalMs,
    int Sent,
    int Received,
    double LargestGapMs,
    int? GapAfterSeq,
    double MaxRttMs,
    IReadOnlyList<PingSample> Trace);

/// <summary>One echo request: when it was sent and its round-trip time, or null when no reply came.</summary>
public sealed record PingSample(int Seq, double SentAtSeconds, double? RttMs);

/// <summary>
/// The closed loop's account of a migration with --max-downtime: what it measured before starting, its plan and
/// prediction, and whether the limit was met (its steps are the migration's <c>Steps</c>).
/// </summary>
public sealed record ConvergenceReport(
    double DirtyMiBs,
    double LinkMiBs,
    bool LinkMeasured,
    int DowntimeLimitMs,
    string Plan,
    double? PredictedSeconds,
    long? DowntimeMs = null,
    bool? Met = null,
    int? MaxThrottle = null,
    GuestStalls? Stalls = null);

/// <summary>
/// What --max-downtime is judged on: the longest time the guest stopped, as the guest and the network saw it, split
/// into the stalls before the switch-over (the throttle's sleeps and TCG's contention with the migration thread), the
/// gap at and after it (the stop-and-copy's resume, or post-copy's page faults), and the external ping's largest gap;
/// QEMU's stop-and-copy downtime is the job's. Null where not measured (no guest agent, no lab address).
/// </summary>
public sealed record GuestStalls(double? BeforeSwitchOverMs, double? AfterSwitchOverMs, double? HeartbeatMs, double? PingGapMs, double LargestMs, string Basis);

/// <summary>One step taken while a migration ran (the closed loop's, or the switch to post-copy): when (seconds from
/// the start of the migration), what, and why.</summary>
public sealed record SteeringDecision(double TimeSeconds, string Action, string Reason);

/// <summary>migrate --verify: the pattern the guest kept rewriting, checked page by page on the destination, and
/// the kernel log's oopses/panics (none is clean).</summary>
public sealed record IntegrityReport(int MiB, long Pages, long BadPages, long Passes, IReadOnlyList<string> KernelProblems, string? Problem)
{
    public bool Clean => Problem is null && BadPages == 0 && KernelProblems.Count == 0 && Passes > 0;
}
