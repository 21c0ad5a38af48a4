namespace Virtlab.Testing.Fakes;

/// <summary>A private temp directory for unix sockets (short path: sun_path holds 108 bytes).</summary>
public sealed class TempSocketDirectory : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("vl-");

    public string PathOf(string name) => Path.Combine(_directory.FullName, name);

    public void Dispose()
    {
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
