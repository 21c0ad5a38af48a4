using System.Text;

namespace Virtlab.Fuzz.Tests.Seeds;

/// <summary>The lines recorded from QEMU 10.0.2 and qemu-ga 10.0.2 (tests/Virtlab.Testing/Recorded), the seeds of
/// the protocol readers, plus lines seen in the transcripts of docs and notes that the recordings lack.</summary>
public static class Recorded
{
    public static IReadOnlyList<byte[]> Qmp { get; } = Load("qmp",
        // From the hot-plug and balloon sessions (docs/HOTPLUG.md, the QEMU 10.0 transcripts).
        """{"timestamp": {"seconds": 1795626100, "microseconds": 5123}, "event": "ACPI_DEVICE_OST", "data": {"info": {"device": "vcpu1", "source": 1, "status": 0, "slot": "1", "slot-type": "CPU"}}}""",
        """{"timestamp": {"seconds": 1795626101, "microseconds": 77}, "event": "DEVICE_DELETED", "data": {"path": "/machine/peripheral/vcpu1", "device": "vcpu1"}}""",
        """{"timestamp": {"seconds": 1795626102, "microseconds": 900001}, "event": "BALLOON_CHANGE", "data": {"actual": 268435456}}""",
        """{"timestamp": {"seconds": 1795626103, "microseconds": 1}, "event": "MIGRATION", "data": {"status": "completed"}}""",
        """{"return": {"qemu": {"micro": 2, "minor": 0, "major": 10}, "package": "Debian 1:10.0.2+ds-2+deb13u1~bpo12+1"}, "id": "vl-1"}""");

    public static IReadOnlyList<byte[]> Qga { get; } = Load("qga",
        """{"return": [{"online": true, "can-offline": false, "logical-id": 0}, {"online": false, "can-offline": true, "logical-id": 1}], "id": "vl-2"}""",
        """{"return": {"total": 262144, "free": 131072}, "id": "vl-3"}""");

    /// <summary>The greeting, always the first line QEMU sends.</summary>
    public static byte[] QmpGreeting => Qmp[0];

    private static List<byte[]> Load(string folder, params string[] extra)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Recorded", folder);
        var files = Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal).ToList();
        var greeting = files.FindIndex(f => f.EndsWith("greeting.json", StringComparison.Ordinal));
        if (greeting > 0)
        {
            (files[0], files[greeting]) = (files[greeting], files[0]);
        }

        var lines = files
            .SelectMany(File.ReadAllLines)
            .Where(l => l.Trim().Length > 0)
            .Concat(extra)
            .Select(l => Encoding.UTF8.GetBytes(l))
            .ToList();
        if (lines.Count < 10)
        {
            throw new InvalidOperationException($"only {lines.Count} recorded lines in {dir}: are the Recorded files copied to the output?");
        }

        return lines;
    }
}
