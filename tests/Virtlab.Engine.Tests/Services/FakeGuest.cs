using System.Text;
using System.Text.Json.Nodes;

namespace Virtlab.Engine.Tests.Services;

/// <summary>
/// A scripted guest behind a <see cref="FakeGuestAgent"/> (a fake: it keeps a table of logical CPUs for
/// guest-get-vcpus/guest-set-vcpus and answers guest-exec with a program's output chosen by path).
/// </summary>
internal sealed class FakeGuest
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, bool> _cpus = new() { [0] = true };
    private readonly Dictionary<int, (int Exit, string Stdout)> _finished = [];
    private readonly Dictionary<string, Func<IReadOnlyList<string>, (int Exit, string Stdout)>> _programs = new(StringComparer.Ordinal);
    private int _nextPid = 100;

    public FakeGuest(FakeGuestAgent agent)
    {
        agent.On("guest-get-vcpus", _ => Task.FromResult<JsonObject?>(new JsonObject { ["return"] = Vcpus() }));
        agent.On("guest-set-vcpus", request =>
        {
            var list = request["arguments"]!["vcpus"]!.AsArray();
            lock (_gate)
            {
                foreach (var v in list)
                {
                    _cpus[v!["logical-id"]!.GetValue<long>()] = v["online"]!.GetValue<bool>();
                }
            }

            return Task.FromResult<JsonObject?>(new JsonObject { ["return"] = list.Count });
        });
        agent.On("guest-exec", request =>
        {
            var path = request["arguments"]!["path"]!.GetValue<string>();
            var args = (request["arguments"]!["arg"] as JsonArray ?? []).Select(a => a!.GetValue<string>()).ToList();
            (int, string) result;
            lock (_gate)
            {
                result = _programs.TryGetValue(path, out var program) ? program(args) : (127, string.Empty);
            }

            var pid = Interlocked.Increment(ref _nextPid);
            lock (_gate)
            {
                _finished[pid] = result;
            }

            return Task.FromResult<JsonObject?>(new JsonObject { ["return"] = new JsonObject { ["pid"] = pid } });
        });
        agent.On("guest-exec-status", request =>
        {
            var pid = request["arguments"]!["pid"]!.GetValue<int>();
            (int Exit, string Stdout) r;
            lock (_gate)
            {
                r = _finished[pid];
            }

            return Task.FromResult<JsonObject?>(new JsonObject
            {
                ["return"] = new JsonObject
                {
                    ["exited"] = true,
                    ["exitcode"] = r.Exit,
                    ["out-data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(r.Stdout)),
                },
            });
        });
    }

    /// <summary>Logical CPUs the guest lists (a hot-plugged CPU appears offline).</summary>
    public void AddCpu(long logicalId)
    {
        lock (_gate)
        {
            _cpus.TryAdd(logicalId, false);
        }
    }

    public int OnlineCpus
    {
        get
        {
            lock (_gate)
            {
                return _cpus.Count(c => c.Value);
            }
        }
    }

    /// <summary>What guest-exec of <paramref name="path"/> prints and exits with.</summary>
    public void Program(string path, Func<IReadOnlyList<string>, (int Exit, string Stdout)> run)
    {
        lock (_gate)
        {
            _programs[path] = run;
        }
    }

    private JsonArray Vcpus()
    {
        lock (_gate)
        {
            return [.. _cpus.OrderBy(c => c.Key).Select(c => (JsonNode)new JsonObject
            {
                ["online"] = c.Value,
                ["can-offline"] = c.Key != 0,
                ["logical-id"] = c.Key,
            })];
        }
    }
}
