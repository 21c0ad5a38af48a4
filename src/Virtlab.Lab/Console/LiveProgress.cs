using System.Diagnostics;
using Spectre.Console;
using Virtlab.Lab.Results;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Console;

/// <summary>The lab's progress on a terminal: a Spectre.Console live table, one row per world (state, time), and the last note.</summary>
internal sealed class LiveProgress : ILabProgress
{
    private readonly Lock _lock = new();
    private readonly List<Row> _rows = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private string _note = string.Empty;
    private Task? _display;

    public void Start(IReadOnlyList<WorldSpec> worlds, IReadOnlyDictionary<string, WorldRun> kept)
    {
        lock (_lock)
        {
            foreach (var w in worlds)
            {
                _rows.Add(kept.TryGetValue(w.Id, out var run)
                    ? new Row(w.Id, w.Label) { State = $"{VerdictText.Markup(run.Verdict)} [grey](kept)[/]", Done = true }
                    : new Row(w.Id, w.Label));
            }
        }

        _display = AnsiConsole.Live(Render()).AutoClear(false).StartAsync(async ctx =>
        {
            while (!_stop.IsCancellationRequested)
            {
                ctx.UpdateTarget(Render());
                try
                {
                    await Task.Delay(250, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            ctx.UpdateTarget(Render());
        });
    }

    public void Note(string message)
    {
        lock (_lock)
        {
            _note = message;
        }
    }

    public void Update(string worldId, string state)
    {
        lock (_lock)
        {
            var row = Find(worldId);
            row.Started ??= _clock.Elapsed;
            row.State = $"[yellow]{Markup.Escape(state)}[/]";
        }
    }

    public void Done(string worldId, WorldRun run)
    {
        lock (_lock)
        {
            var row = Find(worldId);
            row.State = VerdictText.Markup(run.Verdict) + (run.Error is { } e ? $" [grey]{Markup.Escape(e)}[/]" : string.Empty);
            row.Took = _clock.Elapsed - (row.Started ?? _clock.Elapsed);
            row.Done = true;
        }
    }

    public void Stop()
    {
        _stop.Cancel();
        _display?.GetAwaiter().GetResult();
        _stop.Dispose();
    }

    /// <summary>The row of a world; one the run did not announce (the downtime search's trials) is added.</summary>
    private Row Find(string id)
    {
        var row = _rows.FirstOrDefault(r => r.Id == id);
        if (row is null)
        {
            row = new Row(id, id);
            _rows.Add(row);
        }

        return row;
    }

    private Table Render()
    {
        lock (_lock)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("world").AddColumn("state").AddColumn(new TableColumn("time").RightAligned());
            foreach (var r in _rows)
            {
                var took = r.Took ?? (r.Started is { } s && !r.Done ? _clock.Elapsed - s : null);
                table.AddRow(new Markup(Markup.Escape(r.Label)), new Markup(r.State), new Markup(took is { } t ? $"{t.TotalSeconds:0} s" : string.Empty));
            }

            table.Caption(Markup.Escape(_note));
            return table;
        }
    }

    private sealed class Row(string id, string label)
    {
        public string Id { get; } = id;

        public string Label { get; } = label;

        public string State { get; set; } = "[grey]waiting[/]";

        public TimeSpan? Started { get; set; }

        public TimeSpan? Took { get; set; }

        public bool Done { get; set; }
    }
}
