using System.Text.Json;
using Virtlab.Lab.Console;
using Virtlab.Lab.Results;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Running;

/// <summary>What a lab run is asked to do: where to write, how many worlds at once, what to keep from an earlier run.</summary>
internal sealed record LabOptions(string ReportDirectory, int Jobs, string? ResumeDirectory);

/// <summary>
/// <c>virtlab lab run</c>: builds the application once, starts the lab hosts it needs, runs every world of the
/// matrix (<see cref="LabOptions.Jobs"/> at a time) with <see cref="WorldRunner"/>, keeps what <c>--resume</c> already has,
/// and writes the reports. Every VM and daemon it started is gone when it returns, also on Ctrl-C or an error.
/// </summary>
internal sealed class LabRunner(Scenario scenario, LabOptions options, ILabProgress progress)
{
    public async Task<LabRun> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var worlds = WorldMatrix.Expand(scenario.Worlds);
        var report = options.ReportDirectory;
        Directory.CreateDirectory(Path.Combine(report, "runs"));
        var kept = await KeptAsync(worlds, ct).ConfigureAwait(false);
        var todo = worlds.Where(w => !kept.ContainsKey(w.Id)).ToList();
        progress.Start(worlds, kept);

        var results = new Dictionary<string, WorldRun>(kept);
        var session = new LabSession(scenario, progress);
        MachineInfo machine;
        try
        {
            await session.StartAsync(todo.Any(w => w.Kind == WorldKind.Vm), ct).ConfigureAwait(false);
            using var slots = new SemaphoreSlim(Math.Max(1, options.Jobs));
            var tasks = todo.Select(async w =>
            {
                await slots.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    return await session.RunWorldAsync(w, scenario.Events, report, ct).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            }).ToList();
            foreach (var r in await Task.WhenAll(tasks).ConfigureAwait(false))
            {
                results[r.Id] = r;
            }

            machine = await session.MachineAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
            progress.Stop();
        }

        return new LabRun(
            scenario.Name,
            scenario.Description,
            scenario.Expect,
            scenario.SourcePath,
            started,
            DateTimeOffset.UtcNow,
            machine,
            scenario.Checks.Select(c => c.Name).ToList(),
            worlds.Select(w => results[w.Id]).ToList());
    }

    /// <summary>--resume DIR: every world of DIR with a runs/ID/result.json, copied into this report.</summary>
    private async Task<Dictionary<string, WorldRun>> KeptAsync(IReadOnlyList<WorldSpec> worlds, CancellationToken ct)
    {
        var kept = new Dictionary<string, WorldRun>();
        if (options.ResumeDirectory is not { } from)
        {
            return kept;
        }

        foreach (var w in worlds)
        {
            var file = Path.Combine(from, "runs", w.Id, "result.json");
            if (!File.Exists(file))
            {
                continue;
            }

            try
            {
                var run = JsonSerializer.Deserialize(await File.ReadAllTextAsync(file, ct).ConfigureAwait(false), LabJsonContext.Default.WorldRun);
                if (run is not null)
                {
                    kept[w.Id] = run;
                    CopyRun(Path.Combine(from, "runs", w.Id), Path.Combine(options.ReportDirectory, "runs", w.Id));
                }
            }
            catch (JsonException)
            {
                // A result cut by the interruption: that world runs again.
            }
        }

        return kept;
    }

    private static void CopyRun(string from, string to)
    {
        if (Path.GetFullPath(from) == Path.GetFullPath(to))
        {
            return;
        }

        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from))
        {
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
        }
    }
}
