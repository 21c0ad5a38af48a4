using System.Xml.Linq;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Xml;

internal sealed partial class LibvirtXmlReader
{
    /// <summary>One serial or console element: pty (Virtlab's default log) or a file.</summary>
    private sealed record ConsoleSource(XElement Element, string? Path);

    private void ReadDevices(XElement devices)
    {
        AllowAttributes(devices);
        NoText(devices);
        ConsoleSource? serial = null;
        ConsoleSource? console = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in devices.Elements())
        {
            switch (LocalName(child))
            {
                case "serial" when FirstOfItsName(child, seen, " (Virtlab gives a guest one serial port)"):
                    serial = ReadSerial(child, "serial");
                    break;
                case "console" when FirstOfItsName(child, seen, " (Virtlab's console is the serial port)"):
                    console = ReadSerial(child, "console");
                    break;
                case "channel" when FirstOfItsName(child, seen, " (Virtlab supports only the guest agent channel)"):
                    ReadChannel(child);
                    break;
                case "memballoon" when FirstOfItsName(child, seen):
                    ReadBalloon(child);
                    break;
                case "interface" when FirstOfItsName(child, seen, " (Virtlab gives a guest at most one NIC)"):
                    ReadInterface(child);
                    break;
                case "serial" or "console" or "channel" or "memballoon" or "interface":
                    break;
                default:
                    Unsupported(child);
                    break;
            }
        }

        if (serial is not null && console is not null && serial.Path != console.Path)
        {
            Error(console.Element, "the console is the serial port: give <console> the same type and source path as <serial>");
        }

        var log = serial ?? console;
        _builder.ConsoleLog = log?.Path;
        if (log?.Path is not null)
        {
            SourcePaths[DomainPaths.ConsoleLog] = PathOf(log.Element) + "/source/@path";
        }
    }

    private ConsoleSource? ReadSerial(XElement element, string kind)
    {
        AllowAttributes(element, "type");
        NoText(element);
        var type = element.Attribute("type")?.Value;
        if (type is not ("file" or "pty"))
        {
            Error(type is null ? PathOf(element) : PathOf(element.Attribute("type")!), type is null
                ? $"<{kind}> has no type: use type='file' with <source path='...'/>, or type='pty' for Virtlab's default console log"
                : $"'{type}' is not supported by Virtlab: use type='file' with <source path='...'/>, or type='pty' for Virtlab's default console log");
            return null;
        }

        string? path = null;
        var hasSource = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in element.Elements())
        {
            switch (LocalName(child))
            {
                case "source" when type == "file" && FirstOfItsName(child, seen):
                    hasSource = true;
                    AllowAttributes(child, "path", "append");
                    Empty(child);
                    Choice(child, "append", "Virtlab always appends to the console log, so a migration does not truncate it", "on");
                    path = child.Attribute("path")?.Value;
                    if (path is null)
                    {
                        Error(child, "the source has no path: add path='/absolute/file.log'");
                    }

                    break;
                case "source" when type == "pty":
                    Error(child, $"<source> of a pty {kind} is live state from virsh dumpxml: remove it");
                    break;
                case "target" when FirstOfItsName(child, seen):
                    ReadSerialTarget(child, kind);
                    break;
                case "source" or "target":
                    break;
                default:
                    Unsupported(child);
                    break;
            }
        }

        if (type == "file" && !hasSource)
        {
            Error(element, $"a file {kind} needs a <source path='/absolute/file.log' append='on'/>");
        }

        return new ConsoleSource(element, path);
    }

    private void ReadSerialTarget(XElement target, string kind)
    {
        AllowAttributes(target, "type", "port");
        NoText(target);
        Choice(target, "port", "Virtlab gives a guest one serial port, port 0", "0");
        if (kind == "console")
        {
            Choice(target, "type", "Virtlab's console is the serial port", "serial");
            foreach (var child in target.Elements())
            {
                Unsupported(child);
            }

            return;
        }

        Choice(target, "type", "Virtlab's serial port is the pc machine's ISA serial port", "isa-serial");
        foreach (var child in target.Elements())
        {
            if (LocalName(child) == "model")
            {
                AllowAttributes(child, "name");
                Empty(child);
                Choice(child, "name", "Virtlab's serial port is the pc machine's ISA serial port", "isa-serial");
            }
            else
            {
                Unsupported(child);
            }
        }
    }

    private void ReadChannel(XElement channel)
    {
        AllowAttributes(channel, "type");
        NoText(channel);
        var type = Choice(channel, "type", "the guest agent channel is a unix socket", "unix");
        if (channel.Attribute("type") is null)
        {
            Error(channel, "the channel has no type: write <channel type='unix'>");
        }

        var named = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in channel.Elements())
        {
            switch (LocalName(child))
            {
                case "source" when FirstOfItsName(child, seen):
                    AllowAttributes(child, "mode", "path");
                    Empty(child);
                    Choice(child, "mode", "QEMU listens on the agent socket", "bind");
                    if (child.Attribute("path") is { } path)
                    {
                        Error(path, "a socket path is not supported by Virtlab: remove it (the daemon keeps the agent socket in the domain's run directory and talks to the agent itself; use qemu-agent-command)");
                    }

                    break;
                case "target" when FirstOfItsName(child, seen):
                    AllowAttributes(child, "type", "name");
                    Empty(child);
                    Choice(child, "type", "the guest agent is a virtio-serial port", "virtio");
                    named = Choice(child, "name", "Virtlab supports only the guest agent channel", "org.qemu.guest_agent.0") is not null;
                    if (child.Attribute("name") is null)
                    {
                        Error(child, "the target has no name: write <target type='virtio' name='org.qemu.guest_agent.0'/>");
                    }

                    break;
                case "address" when FirstOfItsName(child, seen):
                    const string placement = "Virtlab puts the agent at virtio-serial controller 0, bus 0, port 1";
                    AllowAttributes(child, "type", "controller", "bus", "port");
                    Empty(child);
                    Choice(child, "type", placement, "virtio-serial");
                    Choice(child, "controller", placement, "0");
                    Choice(child, "bus", placement, "0");
                    Choice(child, "port", placement, "1");
                    break;
                case "source" or "target" or "address":
                    break;
                default:
                    Unsupported(child);
                    break;
            }
        }

        if (!seen.Contains("target"))
        {
            Error(channel, "the channel has no target: add <target type='virtio' name='org.qemu.guest_agent.0'/>");
        }

        _builder.GuestAgent = type is not null && named;
    }

    private void ReadBalloon(XElement balloon)
    {
        AllowAttributes(balloon, "model", "autodeflate");
        NoText(balloon);
        var model = balloon.Attribute("model")?.Value;
        if (model == "none")
        {
            _builder.Balloon = null;
            if (balloon.Attribute("autodeflate") is { } a)
            {
                Error(a, "a memballoon with model='none' takes no settings: remove it");
            }

            foreach (var child in balloon.Elements())
            {
                Error(child, "a memballoon with model='none' takes no settings: remove it");
            }

            return;
        }

        if (model != "virtio")
        {
            Error(model is null ? PathOf(balloon) : PathOf(balloon.Attribute("model")!), model is null
                ? "the memballoon has no model: write model='virtio', or model='none' for no balloon"
                : $"'{model}' is not supported by Virtlab: use model='virtio', or model='none' for no balloon");
        }

        var autodeflate = OnOff(balloon, "autodeflate");
        bool? driverDeflate = null;
        var period = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in balloon.Elements())
        {
            switch (LocalName(child))
            {
                case "stats" when FirstOfItsName(child, seen):
                    AllowAttributes(child, "period");
                    Empty(child);
                    if (child.Attribute("period") is not { } p)
                    {
                        Error(child, "<stats> needs a period: write <stats period='2'/> (seconds; 0 turns statistics off)");
                    }
                    else if (TryCount(PathOf(p), p.Value, "a period in seconds", 0, out var seconds))
                    {
                        period = seconds;
                    }

                    break;
                case "driver" when FirstOfItsName(child, seen):
                    AllowAttributes(child, "deflate_on_oom");
                    Empty(child);
                    driverDeflate = OnOff(child, "deflate_on_oom");
                    break;
                case "stats" or "driver":
                    break;
                default:
                    Unsupported(child);
                    break;
            }
        }

        if (autodeflate is { } x && driverDeflate is { } y && x != y)
        {
            Error(balloon, "autodeflate and <driver deflate_on_oom> disagree: keep autodeflate='on|off' only");
        }

        _builder.Balloon = new BalloonDefinition
        {
            StatsPeriodSeconds = period,
            DeflateOnOom = autodeflate ?? driverDeflate ?? false,
        };
    }
}
