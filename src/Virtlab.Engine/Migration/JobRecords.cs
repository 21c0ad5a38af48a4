using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Virtlab.Api;

namespace Virtlab.Engine.Migration;

/// <summary>
/// Migration records in $VIRTLAB_HOME/jobs (0700, files 0600 under the daemon's umask), kept across daemon restarts:
/// the last finished job per domain name (<c>NAME.json</c>, domjobinfo --completed, on both hosts); on the source, the
/// migration in flight (<c>NAME.outgoing.json</c>, with the destination's token); on the destination, a marker for an
/// incoming migration that has not finished (<c>NAME.incoming</c>).
/// </summary>
public sealed class JobRecords(string directory)
{
    public void Save(string name, JobInfo job) => Write(name + ".json", job, ApiJsonContext.Default.JobInfo);

    public JobInfo? Last(string name) => Read(name + ".json", ApiJsonContext.Default.JobInfo);

    public void SaveOutgoing(string name, OutgoingMigrationRecord record) => Write(name + ".outgoing.json", record, ApiJsonContext.Default.OutgoingMigrationRecord);

    public OutgoingMigrationRecord? Outgoing(string name) => Read(name + ".outgoing.json", ApiJsonContext.Default.OutgoingMigrationRecord);

    public void DeleteOutgoing(string name) => Delete(name + ".outgoing.json");

    public void MarkIncoming(string name)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name + ".incoming"), string.Empty);
    }

    public bool IsIncoming(string name) => File.Exists(Path.Combine(directory, name + ".incoming"));

    public void UnmarkIncoming(string name) => Delete(name + ".incoming");

    /// <summary>Removes a record; one that was never written (nor its directory) is no error.</summary>
    private void Delete(string file)
    {
        if (Directory.Exists(directory))
        {
            File.Delete(Path.Combine(directory, file));
        }
    }

    private void Write<T>(string file, T value, JsonTypeInfo<T> type)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, file);
        try
        {
            File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(value, type));
            File.Move(path + ".tmp", path, overwrite: true);
        }
        catch (IOException)
        {
            // A full disk: no half-written file is left behind; the record keeps its previous content.
            File.Delete(path + ".tmp");
            throw;
        }
    }

    private T? Read<T>(string file, JsonTypeInfo<T> type)
        where T : class
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
