using CsCheck;
using Virtlab.Domain.Xml;
using Virtlab.Fuzz.Tests.Harness;
using Virtlab.Fuzz.Tests.Seeds;

namespace Virtlab.Fuzz.Tests.Targets;

/// <summary>
/// The libvirt domain XML reader (<c>virtlab define</c>, <c>POST v1/domains/define</c>). Documented: it never throws;
/// a rejection is a <see cref="LibvirtParseResult"/> with errors at XML paths. An accepted domain must give QEMU argv
/// that reads back as meant (<see cref="QemuArgv"/>).
/// </summary>
public static class LibvirtXmlTarget
{
    private static readonly Gen<string> Inputs = Gen.Frequency(
        (24, Mutations.MutatedText(DomainXml.Seeds)),
        (2, Mutations.RandomText),
        (1, Mutations.RandomBytes.Select(b => System.Text.Encoding.UTF8.GetString(b))),
        (1, Mutations.DeepXml),
        (1, Mutations.WideXml));

    public static FuzzTarget<string> Target { get; } = new(
        "libvirt domain XML reader",
        Inputs,
        Read,
        e => e is FuzzRejection,
        Show.Text);

    public static void Read(string xml)
    {
        var result = LibvirtDomainXml.Parse(xml);
        if (!result.IsValid)
        {
            throw new FuzzRejection(result.Errors.Count == 0 ? string.Empty : result.Errors[0].ToString());
        }

        QemuArgv.Check(result.Definition);
    }
}
