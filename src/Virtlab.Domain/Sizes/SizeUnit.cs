namespace Virtlab.Domain.Sizes;

/// <summary>
/// A unit for sizes. The binary units (KiB, MiB, ...) are powers of 1024; KB, MB, ... are powers
/// of 1000, as in virsh and libvirt's XML.
/// </summary>
public enum SizeUnit
{
    Bytes,
    KiB,
    MiB,
    GiB,
    TiB,
    PiB,
    EiB,
    KB,
    MB,
    GB,
    TB,
    PB,
    EB,
}
