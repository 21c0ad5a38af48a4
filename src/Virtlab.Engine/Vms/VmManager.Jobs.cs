using Virtlab.Engine.Hotplug;

namespace Virtlab.Engine.Vms;

public sealed partial class VmManager
{
    /// <summary>Bounds of hot-plug and ballooning.</summary>
    public HotplugOptions Hotplug { get; init; } = new();

    /// <summary>Takes the VM's one job slot (waiting at most <see cref="HotplugOptions.JobWaitTimeout"/>); dispose to release.</summary>
    private async Task<IDisposable> TakeJobAsync(VmInstance vm, string what, CancellationToken cancellationToken)
    {
        if (!await vm.Job.WaitAsync(Hotplug.JobWaitTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new VirtlabException(
                ErrorKind.Busy,
                $"domain '{vm.Definition.Name}' is busy with another job: {what} waited {Hotplug.JobWaitTimeout.TotalSeconds:0} s; try again");
        }

        return new JobRelease(vm.Job);
    }

    private sealed class JobRelease(SemaphoreSlim job) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                job.Release();
            }
        }
    }
}
