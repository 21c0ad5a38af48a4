using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Tests.Scenarios;

/// <summary>Every rule of docs/LAB.md's "Rules the reader enforces": a bad snippet gives a problem at its line, with its key path.</summary>
public sealed class ScenarioProblemTests
{
    /// <summary>The smallest valid scenario (5 lines) and a newline: what is appended starts on line 6.</summary>
    private const string M = ScenarioTexts.Minimal + "\n";

    /// <summary>A valid scenario whose app section ends on line 3: app keys appended start on line 4 (checks follow).</summary>
    private static string App(string keys) => "name: t\napp:\n  run: ./a\n" + keys + "\nchecks: [{exit: 0}]\n";

    /// <summary>A valid scenario whose single check is the given mapping, on line 4.</summary>
    private static string Check(string check) => "name: t\napp: {run: ./a}\nchecks:\n  - " + check + "\n";

    /// <summary>A valid scenario (timeout 20s, 2 hosts) whose single event is the given mapping, on line 5.</summary>
    private static string Event(string e) => "name: t\napp: {run: ./a, timeout: 20s}\nchecks: [{exit: 0}]\nevents:\n  - " + e + "\nhosts: 2\n";

    /// <summary>A valid scenario whose worlds.vm mapping is the given keys, from line 6.</summary>
    private static string Vm(string keys) => M + "worlds:\n  vm:\n" + keys + "\n";

    public static TheoryData<string, string, int, string> BadSnippets => new()
    {
        // unknown keys, at every level, with the keys that are allowed
        { M + "world: {}", "world", 6, "the keys here are name, description, expect, app, checks, worlds, hosts, events, downtime" },
        { App("  tiemout: 3s"), "app.tiemout", 4, "the keys here are build, files, run, timeout, ready, env" },
        { Check("{exit: 0, max_gap: 1s}"), "checks[0].max_gap", 4, "the keys here are name, exit" },
        { Check("{heartbeat: x, max_gap: 1s, interval: 1s}"), "checks[0].interval", 4, "name, heartbeat, max_gap, clock" },
        { Event("{at: 1s, setvcpus: 2, when: now}"), "events[0].when", 5, "at, on, delay, setvcpus" },
        { Event("{at: 1s, setvcpus: {count: 2, live: true}}"), "events[0].setvcpus.live", 5, "count, guest" },
        { Event("{at: 1s, migrate: {downtime: 1s}}"), "events[0].migrate.downtime", 5, "max_downtime, auto_converge, postcopy, bandwidth" },
        { M + "worlds:\n  vm: {cpus: [max]}", "worlds.vm.cpus", 7, "cpu, vcpus, memory, accel, exclude, include" },
        { M + "worlds: {hosts: true}", "worlds.hosts", 6, "host, vm" },
        { M + "downtime: {pauses: {}}", "downtime.pauses", 6, "world, at, pause, migrate" },
        { M + "downtime:\n  pause: {min: 0s, step: 1s}", "downtime.pause.step", 7, "min, max, resolution" },

        // wrong types
        { "name: [a]\napp: {run: ./a}\nchecks: [{exit: 0}]", "name", 1, "expected a string, found a list" },
        { M + "hosts: two", "hosts", 6, "'two' is not a whole number from 1 to 2" },
        { M + "hosts: 3", "hosts", 6, "from 1 to 2" },
        { M + "worlds: {host: yes}", "worlds.host", 6, "'yes' is not true or false" },
        { M + "worlds: [host]", "worlds", 6, "expected a mapping" },
        { M + "events: {at: 1s}", "events", 6, "expected a list, found a mapping" },
        { "name: t\napp: ./a\nchecks: [{exit: 0}]", "app", 2, "expected a mapping" },
        { App("  files: a.out"), "app.files", 4, "expected a list" },
        { App("  files: [dir/]"), "app.files[0]", 4, "is not a file" },
        { App("  files: [a, sub/a]"), "app.files[1]", 4, "already copied by app.files[0]" },
        { App("  env: [A]"), "app.env", 4, "expected a mapping of NAME: value" },
        { App("  env: {1A: x}"), "app.env", 4, "is not a variable name" },
        { App("  env:\n    A: [x]"), "app.env.A", 5, "expected a string, found a list" },
        { Check("exit: abc"), "checks[0].exit", 4, "'abc' is not a whole number from 0 to 255" },
        { Check("exit: [0, 300]"), "checks[0].exit[1]", 4, "from 0 to 255" },
        { Check("{metric: m, min: low}"), "checks[0].min", 4, "'low' is not a number" },
        { Check("{tcp_echo: 70000, max_gap: 1s}"), "checks[0].tcp_echo", 4, "from 1 to 65535" },
        { Check("a check"), "checks[0]", 4, "expected a check" },
        { Event("{at: 1s, domtime_sync: yes}"), "events[0].domtime_sync", 5, "not true or false" },
        { Event("{at: 1s, setvcpus: 0}"), "events[0].setvcpus", 5, "from 1 to 4096" },
        { Event("{at: 1s, setvcpus: }"), "events[0].setvcpus", 5, "expected a whole number, found nothing" },

        // durations and sizes
        { App("  timeout: 3"), "app.timeout", 4, "'3' has no unit" },
        { App("  timeout: 3h"), "app.timeout", 4, "'h' is not a unit of time" },
        { App("  timeout: 0s"), "app.timeout", 4, "must be longer than zero" },
        { Event("{at: -2s, setvcpus: 2}"), "events[0].at", 5, "only clock_step takes one" },
        { Event("{at: 1.5.5s, setvcpus: 2}"), "events[0].at", 5, "is not a duration" },
        { Event("{at: 1s, clock_step: 2x}"), "events[0].clock_step", 5, "not a unit of time" },
        { Event("{at: 1s, suspend: 0ms}"), "events[0].suspend", 5, "must be longer than zero" },
        { Event("{at: 1s, migrate: {max_downtime: fast}}"), "events[0].migrate.max_downtime", 5, "is not a duration" },
        { Event("{at: 1s, setmem: 256Q}"), "events[0].setmem", 5, "'256Q' is not a size" },
        { Event("{at: 1s, autoballoon: {min: 200M, max: lots}}"), "events[0].autoballoon.max", 5, "is not a size" },
        { Event("{at: 1s, autoballoon: {min: 200M, max: 100M}}"), "events[0].autoballoon.max", 5, "below min" },
        { Event("{at: 1s, autoballoon: {min: 200M, target_free: 20}}"), "events[0].autoballoon.max", 5, "is required" },
        { Event("{at: 1s, autoballoon: {min: 1M, max: 2M, target_free: 100}}"), "events[0].autoballoon.target_free", 5, "from 1 to 99" },
        { Check("{heartbeat: x, max_gap: 5}"), "checks[0].max_gap", 4, "has no unit" },
        { M + "downtime:\n  migrate: [1s, x]", "downtime.migrate[1]", 7, "is not a duration" },
        { M + "downtime:\n  pause: {min: 5s, max: 1s}", "downtime.pause.max", 7, "below min" },
        { M + "downtime:\n  at: 2m", "downtime.at", 7, "is not before app.timeout (1 min)" },

        // events: when and what
        { Event("{at: 20s, setvcpus: 2}"), "events[0].at", 5, "20 s is not before app.timeout (20 s)" },
        { Event("{on: x, delay: 30s, setvcpus: 2}"), "events[0].delay", 5, "not shorter than app.timeout" },
        { M + "events:\n  - {at: 1s, migrate: {}}", "events[0].migrate", 7, "a migrate event needs hosts: 2" },
        { Event("{setvcpus: 2}"), "events[0]", 5, "an event needs at: (a time after the start) or on:" },
        { Event("{at: 1s, on: x, setvcpus: 2}"), "events[0].on", 5, "not both" },
        { Event("{at: 1s, delay: 1s, setvcpus: 2}"), "events[0].delay", 5, "delay goes with on:" },
        { Event("{at: 1s}"), "events[0]", 5, "an event needs one action: setvcpus, setmem, autoballoon, suspend, clock_step, domtime_sync, migrate" },
        { Event("{at: 1s, setvcpus: 2, setmem: 1G}"), "events[0].setmem", 5, "this one has setvcpus and setmem" },
        { Event("{at: 1s, domtime_sync: false}"), "events[0].domtime_sync", 5, "write domtime_sync: true" },
        { Event("{on: '(', setvcpus: 2}"), "events[0].on", 5, "not a regular expression" },

        // checks
        { Check("{name: x}"), "checks[0]", 4, "a check needs one kind: exit, present, absent, metric, heartbeat, tcp_echo" },
        { Check("{exit: 0, absent: x}"), "checks[0].absent", 4, "this one has exit and absent" },
        { "name: t\napp: {run: ./a}\nchecks: []", "checks", 3, "at least one check is required" },
        { "name: t\napp: {run: ./a}\nchecks:\n  - {exit: 0}\n  - {name: exit 0, absent: x}", "checks[1].name", 5, "'exit 0' is already the name of checks[0]" },
        { Check("absent: '('"), "checks[0].absent", 4, "not a regular expression" },
        { Check("{metric: m}"), "checks[0].metric", 4, "a metric check needs min, max or equals_probe" },
        { Check("{metric: m, equals_probe: cpus}"), "checks[0].equals_probe", 4, "use nproc, affinity, online, memtotal, memavailable" },
        { Check("{metric: m, max: 1, pattern: 'm=[0-9]+'}"), "checks[0].pattern", 4, "needs one group" },
        { Check("{metric: m, min: 5, max: 1}"), "checks[0].max", 4, "below min" },
        { Check("{heartbeat: x}"), "checks[0].max_gap", 4, "is required" },
        { Check("{heartbeat: x, max_gap: 1s, clock: wall}"), "checks[0].clock", 4, "use monotonic or realtime" },
        { Check("{tcp_echo: 7, interval: 0s, max_gap: 1s}"), "checks[0].interval", 4, "longer than zero" },

        // required keys and the app
        { "app: {run: ./a}\nchecks: [{exit: 0}]", "name", 1, "is required" },
        { "name:\napp: {run: ./a}\nchecks: [{exit: 0}]", "name", 1, "is required" },
        { "name: t\napp: {build: make}\nchecks: [{exit: 0}]", "app.run", 2, "is required" },
        { "name: t\napp: {run: ./a}", "checks", 1, "is required" },
        { "name: t\nchecks: [{exit: 0}]", "app", 1, "is required" },
        { App("  ready: '[a'"), "app.ready", 4, "not a regular expression" },
        { "name: t\napp:\n  run: ./a 'b\nchecks: [{exit: 0}]", "app.run", 3, "the single quote at character 5 is not closed" },
        { "name: t\napp:\n  run: '  '\nchecks: [{exit: 0}]", "app.run", 3, "the command is empty" },
        { "name: t\napp:\n  run: []\nchecks: [{exit: 0}]", "app.run", 3, "the command is empty" },
        { "name: t\napp:\n  run: [./a, {x: 1}]\nchecks: [{exit: 0}]", "app.run[1]", 3, "expected a string, found a mapping" },

        // the matrix
        { M + "worlds:\n  vm: {cpu: []}", "worlds.vm", 7, "the matrix is empty (and host is false)" },
        { Vm("    exclude: [{cpus: max}]"), "worlds.vm.exclude[0].cpus", 8, "not an axis: the axes are cpu, vcpus, memory, accel" },
        { Vm("    include:\n      - {cpu: max, ram: 1G}"), "worlds.vm.include[0].ram", 9, "not an axis" },
        { Vm("    exclude: [{}]"), "worlds.vm.exclude[0]", 8, "an empty row" },
        { Vm("    exclude: [max]"), "worlds.vm.exclude[0]", 8, "expected a mapping" },
        { Vm("    accel: [auto, xen]"), "worlds.vm.accel[1]", 8, "'xen' is not an accelerator: use auto, kvm or tcg" },
        { Vm("    vcpus: ['4,maxvcpus=2']"), "worlds.vm.vcpus[0]", 8, "maxvcpus must be a whole number at least 4" },
        { Vm("    vcpus: ['0']"), "worlds.vm.vcpus[0]", 8, "'0' is not a vCPU count" },
        { Vm("    vcpus: ['2,max=4']"), "worlds.vm.vcpus[0]", 8, "is not understood: the form is N or N,maxvcpus=M" },
        { Vm("    memory: ['256M,maxmemory=128M']"), "worlds.vm.memory[0]", 8, "maxmemory is below the memory" },
        { Vm("    memory: [lots]"), "worlds.vm.memory[0]", 8, "'lots' is not a size" },
        { Vm("    memory: ['1G,maxmemory=x']"), "worlds.vm.memory[0]", 8, "maxmemory: 'x' is not a size" },
        { Vm("    include: [{vcpus: '2,maxvcpus=1'}]"), "worlds.vm.include[0].vcpus", 8, "maxvcpus must be" },
        { Vm("    cpu: [Nehalem, nehalem]"), "worlds.vm", 8, "2 worlds would have the id 'vm-nehalem-1-256m-auto'" },
        { M + "downtime:\n  world: {cpus: max}", "downtime.world.cpus", 7, "not an axis" },
        { M + "downtime:\n  world: {accel: hvf}", "downtime.world.accel", 7, "not an accelerator" },

        // the document
        { "name: t\napp: [\n", "yaml", 3, "not valid YAML" },
        { "name: t\n  bad: indent\n", "yaml", 2, "not valid YAML" },
        { "- a\n- b\n", "yaml", 1, "a scenario is a mapping" },
        { "", "name", 1, "the file is empty" },
        { M + "---\nname: u\n", "yaml", 7, "one scenario per file" },
        { "name: t\nname: u\napp: {run: ./a}\nchecks: [{exit: 0}]", "yaml", 2, "not valid YAML" },
    };

    [Theory]
    [MemberData(nameof(BadSnippets))]
    public void Given_a_bad_snippet_then_the_problem_names_its_line_and_key(string yaml, string key, int line, string message)
    {
        var problems = ScenarioTexts.Problems(yaml);

        var found = problems.FirstOrDefault(p => p.Key == key && p.Message.Contains(message, StringComparison.Ordinal));
        Assert.True(found is not null, $"no problem at {key} saying \"{message}\"; got:\n{string.Join("\n", problems)}");
        Assert.Equal(line, found.Line);
        Assert.Equal("/lab/s.yaml", found.File);
    }

    [Fact]
    public void Given_the_minimal_scenario_and_the_docs_example_then_there_is_no_problem()
    {
        Assert.Empty(ScenarioTexts.Problems(ScenarioTexts.Minimal));
        Assert.Empty(ScenarioTexts.Problems(ScenarioTexts.FromDocs()));
    }

    [Fact]
    public void Given_several_problems_then_all_are_reported_at_once_in_file_order_with_file_line_column_and_key()
    {
        var yaml = """
            name: t
            app:
              run: ./a
              timeout: 10
            checks:
              - {exit: 0, absent: x}
              - heartbeat: '^beat'
            worlds:
              vm:
                accel: [xen]
            events:
              - {at: 1s, migrate: {}}
            """;

        var e = Assert.Throws<ScenarioException>(() => ScenarioReader.Parse(yaml, "w.yaml"));

        Assert.Equal(
            ["w.yaml:4:12: app.timeout", "w.yaml:6:15: checks[0].absent", "w.yaml:7:5: checks[1].max_gap", "w.yaml:10:13: worlds.vm.accel[0]", "w.yaml:12:14: events[0].migrate"],
            e.Problems.Select(p => $"{p.File}:{p.Line}:{p.Column}: {p.Key}"));
        Assert.Equal(string.Join(Environment.NewLine, e.Problems), e.Message);
        Assert.StartsWith("w.yaml:4:12: app.timeout: '10' has no unit", e.Message, StringComparison.Ordinal);
    }
}
