namespace Virtlab.Engine.Peers;

/// <summary>Files that carry a secret (a token, a private key): created owner-only (0600) and kept so.</summary>
public static class SecretFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Writes <paramref name="text"/> to a new file of mode 0600 beside <paramref name="path"/>, then renames it into place.</summary>
    public static void Write(string path, string text) => WriteFile(path, text, OwnerOnly);

    /// <summary>A file anyone may read (a certificate), written the same way.</summary>
    public static void WritePublic(string path, string text) =>
        WriteFile(path, text, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

    /// <summary>Creates <paramref name="dir"/> (0700) if it is missing, and makes it 0700 if it is ours.</summary>
    public static void EnsureDirectory(string dir)
    {
        Directory.CreateDirectory(dir, OwnerOnlyDirectory);
        File.SetUnixFileMode(dir, OwnerOnlyDirectory);
    }

    private static void WriteFile(string path, string text, UnixFileMode mode)
    {
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        using (var f = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = mode,
        }))
        {
            f.Write(System.Text.Encoding.ASCII.GetBytes(text));
            f.Flush(flushToDisk: true);
        }

        File.SetUnixFileMode(temp, mode);
        File.Move(temp, path, overwrite: true);
    }
}
