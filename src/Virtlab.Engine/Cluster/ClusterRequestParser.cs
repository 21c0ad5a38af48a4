using System.Globalization;
using Virtlab.Domain.Validation;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// <c>--etcd ENDPOINTS</c> and <c>--lease-ttl T</c>: etcd client URLs as etcdctl takes them (<c>HOST:PORT</c> or
/// <c>http://HOST:PORT</c>, comma-separated) and a lease TTL in whole seconds (<c>5</c>, <c>5s</c>, <c>2m</c>).
/// Every problem is reported, on the option it belongs to.
/// </summary>
public static class ClusterRequestParser
{
    public const int DefaultLeaseTtlSeconds = 10;

    // etcd refuses a TTL under its minimum (1.5 election timeouts; 1.5 s by default) by silently raising it; keep a margin.
    public const int MinLeaseTtlSeconds = 2;

    public const int MaxLeaseTtlSeconds = 3600;

    /// <summary>Both options, or a <see cref="VirtlabException"/> listing every problem.</summary>
    public static (IReadOnlyList<string> Endpoints, int LeaseTtlSeconds) Parse(string? etcd, string? leaseTtl)
    {
        var errors = new List<ValidationError>();
        var endpoints = ParseEndpoints(etcd, errors);
        var ttl = ParseLeaseTtl(leaseTtl, errors);
        if (errors.Count > 0)
        {
            throw new VirtlabException(errors);
        }

        return (endpoints, ttl);
    }

    /// <summary>The endpoints as <c>http://HOST:PORT</c>, in the order given, without duplicates.</summary>
    public static IReadOnlyList<string> ParseEndpoints(string? etcd, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var list = new List<string>();
        if (string.IsNullOrWhiteSpace(etcd))
        {
            errors.Add(new("--etcd", "give the etcd client URLs, e.g. --etcd 127.0.0.1:2379 or --etcd http://10.0.0.1:2379,http://10.0.0.2:2379"));
            return list;
        }

        foreach (var raw in etcd.Split(',', StringSplitOptions.TrimEntries))
        {
            if (raw.Length == 0)
            {
                errors.Add(new("--etcd", $"'{etcd}' has an empty endpoint: separate HOST:PORT entries with single commas"));
                continue;
            }

            if (raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("unix", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new("--etcd", $"'{raw}': only plain http:// client URLs are supported in this version (no TLS, no unix sockets)"));
                continue;
            }

            var text = raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? raw : "http://" + raw;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0
                || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0
                || !HasExplicitPort(text))
            {
                errors.Add(new("--etcd", $"'{raw}' is not HOST:PORT (e.g. 127.0.0.1:2379)"));
                continue;
            }

            if (uri.Port is < 1 or > 65535)
            {
                errors.Add(new("--etcd", $"'{raw}': the port must be 1 to 65535"));
                continue;
            }

            var normal = string.Create(CultureInfo.InvariantCulture, $"http://{uri.Authority}");
            if (!list.Contains(normal, StringComparer.OrdinalIgnoreCase))
            {
                list.Add(normal);
            }
        }

        return list;
    }

    /// <summary>Whole seconds from <c>N</c>, <c>Ns</c> or <c>Nm</c>; the default when none is given.</summary>
    public static int ParseLeaseTtl(string? text, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultLeaseTtlSeconds;
        }

        var t = text.Trim();
        var scale = 1;
        if (t.EndsWith('s'))
        {
            t = t[..^1];
        }
        else if (t.EndsWith('m'))
        {
            t = t[..^1];
            scale = 60;
        }

        if (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > MaxLeaseTtlSeconds)
        {
            errors.Add(new("--lease-ttl", $"'{text}' is not a duration in whole seconds or minutes (e.g. 10s, 2m)"));
            return DefaultLeaseTtlSeconds;
        }

        var seconds = n * scale;
        if (seconds is < MinLeaseTtlSeconds or > MaxLeaseTtlSeconds)
        {
            errors.Add(new("--lease-ttl", $"{seconds} s is outside {MinLeaseTtlSeconds} s to {MaxLeaseTtlSeconds} s"));
            return DefaultLeaseTtlSeconds;
        }

        return seconds;
    }

    // Uri fills in port 80 for "http://host": an etcd endpoint always names its port.
    private static bool HasExplicitPort(string text)
    {
        var authority = text["http://".Length..].TrimEnd('/');
        var colon = authority.LastIndexOf(':');
        var bracket = authority.LastIndexOf(']');
        return colon > bracket && colon < authority.Length - 1;
    }
}
