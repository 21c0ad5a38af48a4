namespace Virtlab.Engine.Qemu;

/// <summary>QEMU's option-list syntax: <c>key=value,key=value</c>, where a comma inside a value is written <c>,,</c>.</summary>
public static class QemuOpts
{
    public static string Escape(string value) => value.Replace(",", ",,", StringComparison.Ordinal);

    /// <summary>Joins a head (e.g. a driver or backend name) and key=value pairs, escaping every value.</summary>
    public static string Join(string? head, params (string Key, string Value)[] pairs)
    {
        var parts = new List<string>(pairs.Length + 1);
        if (!string.IsNullOrEmpty(head))
        {
            parts.Add(Escape(head));
        }

        parts.AddRange(pairs.Select(p => $"{p.Key}={Escape(p.Value)}"));
        return string.Join(',', parts);
    }
}
