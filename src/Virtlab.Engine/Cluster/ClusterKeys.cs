namespace Virtlab.Engine.Cluster;

/// <summary>
/// The key layout in etcd (docs/CLUSTER.md). Every key is under <see cref="Root"/>:
/// <list type="bullet">
/// <item><c>/virtlab/cluster</c>: written once by cluster init (no lease); join requires it.</item>
/// <item><c>/virtlab/members/HOST-ID</c>: a host joined and has not left (no lease): an expired host still has one.</item>
/// <item><c>/virtlab/hosts/HOST-ID</c>: the host's facts, attached to its lease: gone when the lease is.</item>
/// <item><c>/virtlab/vms/NAME/owner</c> = HOST-ID: the host that runs the VM, attached to that host's lease.</item>
/// </list>
/// </summary>
public static class ClusterKeys
{
    public const string Root = "/virtlab/";

    public const string Cluster = "/virtlab/cluster";

    public const string MembersPrefix = "/virtlab/members/";

    public const string HostsPrefix = "/virtlab/hosts/";

    public const string VmsPrefix = "/virtlab/vms/";

    private const string OwnerSuffix = "/owner";

    public static string Member(string hostId) => MembersPrefix + hostId;

    public static string Host(string hostId) => HostsPrefix + hostId;

    public static string VmOwner(string name) => VmsPrefix + name + OwnerSuffix;

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
    public static string? VmOfOwnerKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.StartsWith(VmsPrefix, StringComparison.Ordinal) || !key.EndsWith(OwnerSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        var name = key[VmsPrefix.Length..^OwnerSuffix.Length];
        return name.Length == 0 || name.Contains('/', StringComparison.Ordinal) ? null : name;
    }

    /// <summary>A new host id: the machine's name and a random part, since several hosts ($VIRTLAB_HOME) share a machine.</summary>
    public static string NewHostId()
    {
        var machine = new string(Environment.MachineName.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-').ToArray());
        return $"{(machine.Length == 0 ? "host" : machine)}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";
    }
}
