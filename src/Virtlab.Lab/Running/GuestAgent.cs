using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Virtlab.Api;
using Virtlab.Client;

namespace Virtlab.Lab.Running;

/// <summary>
/// The guest agent calls the lab needs (guest-exec, guest-exec-status, guest-file-*), sent through the daemon's
/// agent passthrough (<c>POST /domains/NAME/agent-command</c>, virsh qemu-agent-command). Arguments travel as JSON
/// values in an argv: no user string is ever put into a shell line.
/// </summary>
internal sealed class GuestAgent(DaemonClient daemon, string domain)
{
    public string Domain { get; } = domain;

    public DaemonClient Daemon { get; } = daemon;

    /// <summary>Starts PATH ARGS in the guest; returns its pid. Output is captured only when asked.</summary>
    public async Task<long> ExecAsync(string path, IReadOnlyList<string> args, bool capture, IReadOnlyDictionary<string, string>? env, CancellationToken ct)
    {
        var arguments = new JsonObject
        {
            ["path"] = path,
            ["arg"] = new JsonArray(args.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
            ["capture-output"] = capture,
        };
        if (env is { Count: > 0 })
        {
            arguments["env"] = new JsonArray(env.Select(kv => (JsonNode?)JsonValue.Create($"{kv.Key}={kv.Value}")).ToArray());
        }

        var reply = await CallAsync("guest-exec", arguments, ct).ConfigureAwait(false);
        return reply["pid"]!.GetValue<long>();
    }

    /// <summary>guest-exec-status: null while it runs.</summary>
    public async Task<GuestExit?> ExecStatusAsync(long pid, CancellationToken ct)
    {
        var r = await CallAsync("guest-exec-status", new JsonObject { ["pid"] = pid }, ct).ConfigureAwait(false);
        if (!r["exited"]!.GetValue<bool>())
        {
            return null;
        }

        return new GuestExit(
            r["exitcode"]?.GetValue<int>(),
            r["signal"]?.GetValue<int>(),
            Decode(r["out-data"]),
            Decode(r["err-data"]));
    }

    /// <summary>Runs a program to its end (at most <paramref name="timeout"/>) and returns what it did.</summary>
    public async Task<GuestExit> RunAsync(string path, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken ct)
    {
        var pid = await ExecAsync(path, args, capture: true, env: null, ct).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await ExecStatusAsync(pid, ct).ConfigureAwait(false) is { } done)
            {
                return done;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new LabWorldException($"'{path} {string.Join(' ', args)}' did not finish in the guest within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(40, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a guest file from <paramref name="offset"/> to its current end (at most 16 MiB).</summary>
    public async Task<byte[]> ReadFileAsync(string path, long offset, CancellationToken ct)
    {
        var handle = (await CallAsync("guest-file-open", new JsonObject { ["path"] = path, ["mode"] = "r" }, ct).ConfigureAwait(false)).GetValue<long>();
        try
        {
            if (offset > 0)
            {
                await CallAsync("guest-file-seek", new JsonObject { ["handle"] = handle, ["offset"] = offset, ["whence"] = "set" }, ct).ConfigureAwait(false);
            }

            using var all = new MemoryStream();
            while (all.Length < 16 << 20)
            {
                var r = await CallAsync("guest-file-read", new JsonObject { ["handle"] = handle, ["count"] = 1 << 20 }, ct).ConfigureAwait(false);
                var chunk = Convert.FromBase64String(r["buf-b64"]!.GetValue<string>());
                all.Write(chunk);
                if (r["eof"]!.GetValue<bool>() || chunk.Length == 0)
                {
                    break;
                }
            }

            return all.ToArray();
        }
        finally
        {
            await CallAsync("guest-file-close", new JsonObject { ["handle"] = handle }, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async Task WriteFileAsync(string path, byte[] content, CancellationToken ct)
    {
        var handle = (await CallAsync("guest-file-open", new JsonObject { ["path"] = path, ["mode"] = "w" }, ct).ConfigureAwait(false)).GetValue<long>();
        try
        {
            for (var at = 0; at < content.Length || at == 0; at += 1 << 20)
            {
                var n = Math.Min(1 << 20, content.Length - at);
                await CallAsync("guest-file-write", new JsonObject { ["handle"] = handle, ["buf-b64"] = Convert.ToBase64String(content, at, n) }, ct).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
            }
        }
        finally
        {
            await CallAsync("guest-file-close", new JsonObject { ["handle"] = handle }, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<JsonNode> CallAsync(string command, JsonObject arguments, CancellationToken ct)
    {
        var request = new JsonObject { ["execute"] = command, ["arguments"] = arguments }.ToJsonString();
        var reply = await Daemon.PostAsync(
            $"v1/domains/{Uri.EscapeDataString(Domain)}/agent-command",
            new JsonCommandRequest(request, 30),
            ApiJsonContext.Default.JsonCommandRequest,
            ApiJsonContext.Default.JsonCommandReply,
            ct).ConfigureAwait(false);
        var node = JsonNode.Parse(reply.Reply) ?? throw new LabWorldException($"the guest agent sent an empty answer to {command}");
        if (node["error"] is { } error)
        {
            throw new LabWorldException($"the guest agent refused {command}: {error["desc"]?.GetValue<string>() ?? error.ToJsonString()}");
        }

        return node["return"] ?? throw new LabWorldException($"the guest agent's answer to {command} has no 'return': {reply.Reply}");
    }

    private static string Decode(JsonNode? b64) =>
        b64 is null ? string.Empty : Encoding.UTF8.GetString(Convert.FromBase64String(b64.GetValue<string>()));

    public static string Invariant(long v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>How a program run through guest-exec ended.</summary>
internal sealed record GuestExit(int? Code, int? Signal, string Stdout, string Stderr);

/// <summary>The lab could not run a world (VM did not start, agent did not answer): the world's verdict is error.</summary>
internal sealed class LabWorldException(string message, Exception? inner = null) : Exception(message, inner);
