namespace Virtlab.Engine.Cluster;

/// <summary>How this daemon takes part in a cluster (docs/CLUSTER.md); the TTL itself is chosen at init/join (--lease-ttl).</summary>
public sealed class ClusterOptions
{
    /// <summary>The address other hosts reach this daemon at (virtlab+tcp://HOST:PORT), when it listens on TCP.</summary>
    public string? Address { get; init; }

    /// <summary>The argv of the fence agent (<see cref="Cluster.FenceAgent"/>) started while this host is a member; null: none.</summary>
    public IReadOnlyList<string>? FenceAgent { get; init; }

    /// <summary>The deadline of each etcd call.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Keep-alives per TTL: at 3, a lease survives two lost rounds.</summary>
    public int KeepAlivesPerTtl { get; init; } = 3;

    /// <summary>The host record (free memory, VM list) is rewritten at least this often, and at once when the VM list changes.</summary>
    public TimeSpan HostRecordRefresh { get; init; } = TimeSpan.FromSeconds(30);
}
