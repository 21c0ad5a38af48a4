using System.Diagnostics;
using System.Globalization;
using CsCheck;

namespace Virtlab.Fuzz.Tests.Harness;

/// <summary>
/// Feeds a parser its generated inputs one after another on a thread of its own and classifies each outcome:
/// accepted, rejected with the documented error (by message class), a crash (any other exception, or the
/// documented one with an empty message), a hang (one input over <see cref="HangBound"/>; a watchdog notices one
/// that never returns and abandons the thread), or a memory overrun (one input allocating over <see cref="MemoryBound"/>).
/// </summary>
public static class FuzzRunner
{
    /// <summary>
    /// The most one input may take: 2 s in make fuzz (VIRTLAB_FUZZ_HANG_SECONDS=2); 10 s by default, for the share that
    /// runs in make test beside other work on a shared 2-core machine (a hang is unbounded either way).
    /// </summary>
    public static readonly TimeSpan HangBound = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("VIRTLAB_FUZZ_HANG_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 10);

    /// <summary>The most one input may allocate (the largest generated input is about 200 KB).</summary>
    public const long MemoryBound = 256L * 1024 * 1024;

    /// <summary>The unit tests' share per parser; <c>make fuzz</c> sets VIRTLAB_FUZZ_ITER=100000.</summary>
    public const int DefaultIterations = 2000;

    /// <summary>The fixed seed of the unit tests; VIRTLAB_FUZZ_SEED overrides it (e.g. to replay a report's failure).</summary>
    public const ulong DefaultSeed = 20261207;

    public static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("VIRTLAB_FUZZ_ITER"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : DefaultIterations;

    public static ulong Seed =>
        ulong.TryParse(Environment.GetEnvironmentVariable("VIRTLAB_FUZZ_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? s
            : DefaultSeed;

    public static FuzzResult Run<T>(FuzzTarget<T> target, CancellationToken cancellationToken) =>
        Run(target, Seed, Iterations, cancellationToken);

    public static FuzzResult Run<T>(FuzzTarget<T> target, ulong seed, int iterations, CancellationToken cancellationToken)
    {
        var result = new FuzzResult(target.Name, seed);
        var progress = new Progress();
        var worker = new Thread(() => Loop(target, seed, iterations, result, progress, cancellationToken))
        {
            IsBackground = true,
            Name = "fuzz " + target.Name,
        };
        var clock = Stopwatch.StartNew();
        worker.Start();
        while (!worker.Join(TimeSpan.FromMilliseconds(200)))
        {
            var started = Interlocked.Read(ref progress.Started);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > HangBound * 2)
            {
                // Never returned: report it and leave the thread behind (a background thread ends with the process).
                lock (result)
                {
                    result.Hangs++;
                    result.Fail(result.Tried, $"no result after {HangBound * 2} (abandoned)", "(the input in progress)");
                    result.Elapsed = clock.Elapsed;
                }

                return result;
            }
        }

        result.Elapsed = clock.Elapsed;
        return result;
    }

    private static void Loop<T>(FuzzTarget<T> target, ulong seed, int iterations, FuzzResult result, Progress progress, CancellationToken cancellationToken)
    {
        var pcg = new PCG(1, seed);
        for (var i = 0; i < iterations && !cancellationToken.IsCancellationRequested; i++)
        {
            var input = target.Inputs.Generate(pcg, null, out _);
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref progress.Started, start);
            string? crash = null;
            string? rejection = null;
            try
            {
                target.Parse(input);
            }
            catch (Exception e) when (target.IsDocumented(e))
            {
                rejection = string.IsNullOrWhiteSpace(e.Message) ? null : MessageClass.Of(e);
                crash = rejection is null ? $"{e.GetType().Name} with an empty message" : null;
            }
            catch (Exception e)
            {
                crash = $"{e.GetType().FullName}: {e.Message}\n    {Where(e)}";
            }

            var elapsed = Stopwatch.GetElapsedTime(start);
            Interlocked.Exchange(ref progress.Started, 0);
            var used = GC.GetAllocatedBytesForCurrentThread() - allocated;
            lock (result)
            {
                result.Tried++;
                if (elapsed > result.Slowest)
                {
                    result.Slowest = elapsed;
                }

                if (crash is not null)
                {
                    result.Crashes++;
                    result.Fail(i, crash, target.Show(input));
                }
                else if (rejection is not null)
                {
                    result.Reject(rejection);
                }
                else
                {
                    result.Accepted++;
                }

                if (elapsed > HangBound)
                {
                    result.Hangs++;
                    result.Fail(i, $"took {elapsed.TotalSeconds:F1} s (bound {HangBound.TotalSeconds} s)", target.Show(input));
                }

                if (used > MemoryBound)
                {
                    result.MemoryOverruns++;
                    result.Fail(i, $"allocated {used / (1024 * 1024)} MiB (bound {MemoryBound / (1024 * 1024)} MiB)", target.Show(input));
                }
            }
        }
    }

    /// <summary>The first frame of Virtlab's own code in the stack (the parser's line, not the library's).</summary>
    private static string Where(Exception e)
    {
        var frames = (e.StackTrace ?? string.Empty).Split('\n').Select(f => f.Trim()).ToList();
        return frames.FirstOrDefault(f => f.Contains(" Virtlab.", StringComparison.Ordinal) && !f.Contains("Virtlab.Fuzz.Tests", StringComparison.Ordinal))
            ?? frames.FirstOrDefault()
            ?? "(no stack)";
    }

    /// <summary>The start timestamp of the input in progress, 0 between inputs (read by the watchdog).</summary>
    private sealed class Progress
    {
        public long Started;
    }
}
