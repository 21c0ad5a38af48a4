using Virtlab.Domain.Definitions;

namespace Virtlab.Engine.Domains;

/// <summary>
/// Who may run a VM. On a single host (no cluster joined) this host may run any VM it defines. In a cluster
/// (docs/CLUSTER.md) a host runs a VM only while it holds the VM's ownership key in etcd under its live lease: the
/// cluster feature implements this, the lifecycle and migration features ask it, and neither knows about etcd.
/// </summary>
public interface IVmOwnership
{
    /// <summary>This host's id in the cluster, or null when it is not in one.</summary>
    string? HostId { get; }

    /// <summary>Before QEMU starts <paramref name="def"/> here: takes the VM's ownership, or throws why this host may not run it.</summary>
    Task AcquireAsync(DomainDefinition def, CancellationToken cancellationToken);

    /// <summary>
    /// The switch-over of a migration, before the destination runs the guest: hands the ownership to
    /// <paramref name="destinationHost"/> (null: a host outside the cluster) in one transaction, or throws, and then
    /// the guest must not run there.
    /// </summary>
    Task HandOverAsync(string name, string? destinationHost, CancellationToken cancellationToken);

    /// <summary>A switch-over that failed after <see cref="HandOverAsync"/>: the guest runs here again, so the ownership comes back.</summary>
    Task TakeBackAsync(string name, string? destinationHost, CancellationToken cancellationToken);
}

/// <summary>No cluster: this host may run every VM it defines.</summary>
public sealed class SingleHostOwnership : IVmOwnership
{
    public static readonly SingleHostOwnership Instance = new();

    private SingleHostOwnership()
    {
    }

    public string? HostId => null;

    public Task AcquireAsync(DomainDefinition def, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task HandOverAsync(string name, string? destinationHost, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task TakeBackAsync(string name, string? destinationHost, CancellationToken cancellationToken) => Task.CompletedTask;
}
