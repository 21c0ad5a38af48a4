namespace Virtlab.Engine.Cluster;

/// <summary>
/// The key layout in etcd (docs/CLUSTER.md). Every key is under <see cref="Root"/>:
/// <list type="bullet">
/// <item><c>/virtlab/cluster</c>: written once by cluster init (no lease); join requires it.</item>
/// <item><c>/virtlab/members/HOST-ID</c>: a host joined and has not left (no lease): an expired host still has one.</item>
/// <item><c>/virtlab/hosts/HOST-ID</c>: the host's facts, attached to its lease: gone when the lease is.</item>
/// <item><c>/virtlab/vms/NAME/owner</c> = HOST-ID: the host that runs the VM, attached to that host's lease.</item>
/// <item><c>/virtlab/vms/NAME/definition</c>: the VM's definition (Virtlab's JSON), written when a host takes it (no lease).</item>
/// <item><c>/virtlab/vms/NAME/state</c>: what the cluster wants of it (<see cref="Api.ClusterVmState"/>, no lease).</item>
/// <item><c>/virtlab/events/TIME-HOST</c>: what the cluster did by itself (<see cref="Api.ClusterEvent"/>, no lease).</item>
/// </list>
/// </summary>
public static class ClusterKeys
{
    public const string Root = "/virtlab/";

    public const string Cluster = "/virtlab/cluster";

    public const string MembersPrefix = "/virtlab/members/";

    public const string HostsPrefix = "/virtlab/hosts/";

    public const string VmsPrefix = "/virtlab/vms/";

    public const string EventsPrefix = "/virtlab/events/";

    private const string OwnerSuffix = "/owner";

    public static string Member(string hostId) => MembersPrefix + hostId;

    public static string Host(string hostId) => HostsPrefix + hostId;

    public static string VmOwner(string name) => VmsPrefix + name + OwnerSuffix;

    public static string VmDefinition(string name) => VmsPrefix + name + "/definition";

    public static string VmState(string name) => VmsPrefix + name + "/state";

    /// <summary>An event key that sorts by time: milliseconds since the epoch, zero-padded, then the host.</summary>
    public static string Event(DateTimeOffset at, string hostId) =>
        EventsPrefix + at.ToUnixTimeMilliseconds().ToString("D15", System.Globalization.CultureInfo.InvariantCulture) + "-" + hostId;

    /// <summary>The host id of a members/ or hosts/ key, or null for any other key.</summary>
    public static string? HostIdOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var prefix in new[] { MembersPrefix, HostsPrefix })
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length && !key.AsSpan(prefix.Length).Contains('/'))
            {
                return key[prefix.Length..];
            }
        }

        return null;
    }

    /// <summary>The VM name of an ownership key, or null for any other key.</summary>
    public static string? VmOfOwnerKey(string key) => VmOf(key, OwnerSuffix);

    /// <summary>The VM name of a state key, or null for any other key.</summary>
    public static string? VmOfStateKey(string key) => VmOf(key, "/state");

    private static string? VmOf(string key, string suffix)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.StartsWith(VmsPrefix, StringComparison.Ordinal) || !key.EndsWith(suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var name = key[VmsPrefix.Length..^suffix.Length];
        return name.Length == 0 || name.Contains('/', StringComparison.Ordinal) ? null : name;
    }

    /// <summary>A new host id: the machine's name and a random part, since several hosts ($VIRTLAB_HOME) share a machine.</summary>
    public static string NewHostId()
    {
        var machine = new string(Environment.MachineName.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-').ToArray());
        return $"{(machine.Length == 0 ? "host" : machine)}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";
    }
}
