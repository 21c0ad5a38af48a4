using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Virtlab.Domain.Definitions;

namespace Virtlab.Domain.Validation;

public static partial class DomainValidator
{
    private const string BridgeNameRule = "a bridge name is a Linux interface name: 1 to 15 letters, digits, '.', '_' and '-', e.g. vlab0";

    private static void ValidateInterface(InterfaceDefinition? nic, List<ValidationError> errors)
    {
        if (nic is null)
        {
            return;
        }

        if (ValidateBridgeName(nic.Bridge) is { } bridgeError)
        {
            errors.Add(new(DomainPaths.InterfaceBridge, bridgeError));
        }

        if (ValidateMac(nic.Mac) is { } macError)
        {
            errors.Add(new(DomainPaths.InterfaceMac, macError));
        }

        if (nic.Prefix is < 1 or > 32)
        {
            errors.Add(new(DomainPaths.InterfacePrefix, Invariant(
                $"/{nic.Prefix} is not an IPv4 prefix length: use 1 to 32, e.g. 24 for a /24 network")));
        }

        if (nic.Address is null)
        {
            if (nic.Prefix != DomainLimits.DefaultPrefixLength && nic.Prefix is >= 1 and <= 32)
            {
                errors.Add(new(DomainPaths.InterfacePrefix, Invariant(
                    $"a prefix length (/{nic.Prefix}) without an address: give the address too, or leave the prefix out")));
            }
        }
        else if (ValidateAddress(nic.Address, nic.Prefix) is { } addressError)
        {
            errors.Add(new(DomainPaths.InterfaceAddress, addressError));
        }
    }

    /// <summary>Null when <paramref name="bridge"/> is a valid Linux interface name of Virtlab's safe characters; else why not.</summary>
    private static string? ValidateBridgeName(string? bridge)
    {
        if (string.IsNullOrEmpty(bridge))
        {
            return "the bridge name is missing: give the host bridge the NIC joins, e.g. vlab0";
        }

        for (var i = 0; i < bridge.Length; i++)
        {
            var c = bridge[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return Invariant($"'{ShowName(bridge)}' has {DescribeNameChar(c)} at position {i + 1}: {BridgeNameRule}");
            }
        }

        if (bridge is "." or "..")
        {
            return $"'{bridge}' is not an interface name: {BridgeNameRule}";
        }

        if (bridge.Length > DomainLimits.MaxInterfaceNameLength)
        {
            return Invariant($"'{ShowName(bridge)}' is {bridge.Length} characters long: Linux interface names have at most {DomainLimits.MaxInterfaceNameLength}");
        }

        return null;
    }

    /// <summary>Null when <paramref name="mac"/> is six colon-separated hex pairs of a unicast address; else why not.</summary>
    private static string? ValidateMac(string? mac)
    {
        const string Form = "write six hex pairs separated by ':', e.g. 52:54:00:12:34:56, or leave the MAC out to get a random one";
        if (string.IsNullOrEmpty(mac))
        {
            return "the MAC address is missing: leave it out to get a random one (52:54:00:xx:xx:xx)";
        }

        var parts = mac.Split(':');
        if (parts.Length != 6 || parts.Any(p => p.Length != 2 || !p.All(char.IsAsciiHexDigit)))
        {
            return $"'{ShowName(mac)}' is not a MAC address: {Form}";
        }

        var first = byte.Parse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if ((first & 1) != 0)
        {
            return $"{mac} is a multicast address (the first octet is odd): a NIC needs a unicast MAC, e.g. 52:54:00:12:34:56";
        }

        if (parts.All(p => p == "00"))
        {
            return "00:00:00:00:00:00 is not a NIC's address: leave the MAC out to get a random one (52:54:00:xx:xx:xx)";
        }

        return null;
    }

    /// <summary>Null when <paramref name="address"/> is a dotted IPv4 address a guest can have on a /<paramref name="prefix"/> network; else why not.</summary>
    private static string? ValidateAddress(string address, int prefix)
    {
        const string Form = "write a dotted IPv4 address such as 10.77.0.100";
        if (address.Length == 0)
        {
            return $"the address is empty: {Form}, or leave it out for no address";
        }

        // IPAddress.TryParse also takes "10.1", "0x0a.0.0.1" and "010.0.0.1" (octal: 8.0.0.1): insist on four plain decimal parts.
        var parts = address.Split('.');
        if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit)))
        {
            return $"'{ShowName(address)}' is not an IPv4 address: {Form}";
        }

        if (parts.Any(p => p.Length > 1 && p[0] == '0'))
        {
            var plain = string.Join('.', parts.Select(p => p.TrimStart('0') is { Length: > 0 } digits ? digits : "0"));
            return $"'{address}' has a leading zero, which many tools read as octal: write the parts without leading zeros ({plain})";
        }

        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork)
        {
            return $"'{address}' is not an IPv4 address (each part is 0 to 255): {Form}";
        }

        var bytes = ip.GetAddressBytes();
        var value = (uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3];
        var problem = value switch
        {
            0 => "the unspecified address 0.0.0.0",
            uint.MaxValue => "the broadcast address",
            _ when bytes[0] == 127 => "a loopback address",
            _ when bytes[0] is >= 224 and <= 239 => "a multicast address",
            _ => null,
        };
        if (problem is not null)
        {
            return $"{address} is {problem}, not a guest's: give the guest an address on the lab network, e.g. 10.77.0.100";
        }

        if (prefix is >= 1 and <= 30)
        {
            var hostMask = uint.MaxValue >> prefix;
            var network = value & ~hostMask;
            var networkText = new IPAddress([(byte)(network >> 24), (byte)(network >> 16), (byte)(network >> 8), (byte)network]);
            if ((value & hostMask) == 0)
            {
                return Invariant($"{address} is the address of the network {networkText}/{prefix} itself, not of a host on it: use another address, or another prefix length");
            }

            if ((value & hostMask) == hostMask)
            {
                return Invariant($"{address} is the broadcast address of {networkText}/{prefix}, not of a host on it: use another address, or another prefix length");
            }
        }

        return null;
    }

    private static string DescribeNameChar(char c) => c switch
    {
        ' ' => "a space",
        '/' => "'/'",
        ',' => "',' (which would break QEMU's option syntax)",
        _ when char.IsControl(c) => Invariant($"the control character U+{(int)c:X4}"),
        _ when c > '\u007e' => Invariant($"'{c}' (U+{(int)c:X4})"),
        _ => $"'{c}'",
    };

    /// <summary>A value as it can be shown in a message: control characters replaced, long values cut.</summary>
    private static string ShowName(string value) =>
        value.Length > 40
            ? new string(value.Take(37).Select(c => char.IsControl(c) ? '?' : c).ToArray()) + "..."
            : new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
