using System.Text.Json;
using Virtlab.Api;

namespace Virtlab.Engine.Migration;

/// <summary>
/// The last finished migration job per domain name (domjobinfo --completed), kept on both hosts
/// in $VIRTLAB_HOME/jobs/NAME.json so that it outlives the domain on the source and a daemon restart.
/// </summary>
public sealed class JobRecords(string directory)
{
    public void Save(string name, JobInfo job)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".json");
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(job, ApiJsonContext.Default.JobInfo));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public JobInfo? Last(string name)
    {
        var path = Path.Combine(directory, name + ".json");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), ApiJsonContext.Default.JobInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
