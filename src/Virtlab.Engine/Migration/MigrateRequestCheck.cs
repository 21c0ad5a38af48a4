using Virtlab.Api;

namespace Virtlab.Engine.Migration;

/// <summary>A migrate request's own consistency, checked before anything is asked of either host.</summary>
internal static class MigrateRequestCheck
{
    public static void Check(MigrateRequest r)
    {
        if (!r.Live)
        {
            throw new VirtlabException(ErrorKind.Unsupported, "only live migration is implemented: add --live");
        }

        if (!r.Postcopy && (r.TimeoutAction == "postcopy" || r.PostcopyAfterPrecopy))
        {
            throw new VirtlabException(ErrorKind.InvalidInput, "switching to post-copy needs --postcopy (post-copy cannot fall back: once switched, the guest needs both hosts until it completes)");
        }

        if (r.TimeoutAction is not (null or "abort"))
        {
            throw new VirtlabException(ErrorKind.InvalidInput, $"--timeout-action '{r.TimeoutAction}': give abort or postcopy");
        }

        if (r.TimeoutAction is not null && r.TimeoutSeconds is null)
        {
            throw new VirtlabException(ErrorKind.InvalidInput, "--timeout-action needs --timeout S");
        }

        if (r.VerifyMiB is < 1 or > 4096)
        {
            throw new VirtlabException(ErrorKind.InvalidInput, $"--verify {r.VerifyMiB}: give the MiB the guest keeps rewriting during the migration, 1 to 4096 (and well below its RAM)");
        }

        if (r.TimeoutSeconds is <= 0 || r.MaxDowntimeMs is <= 0 || r.BandwidthMiBs is <= 0 || r.XbzrleCacheBytes is < 4096)
        {
            throw new VirtlabException(ErrorKind.InvalidInput, "--timeout, --max-downtime and --bandwidth must be positive, --xbzrle's cache at least 4 KiB");
        }
    }
}
