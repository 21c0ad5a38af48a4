using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CsCheck;
using Virtlab.Api;
using Virtlab.Engine;
using Virtlab.Engine.Lifecycle;
using Virtlab.Engine.Migration;
using Virtlab.Engine.Passthrough;
using Virtlab.Engine.Peers;
using Virtlab.Fuzz.Tests.Harness;
using Virtlab.Fuzz.Tests.Seeds;

namespace Virtlab.Fuzz.Tests.Targets;

/// <summary>
/// The daemon's JSON request bodies: bound the way ASP.NET Core binds them (web defaults, Virtlab's source-generated
/// contract first in the resolver chain, as DaemonHost configures it), then checked the way the endpoints check them
/// before anything touches a domain: create → CreateRequestParser, define → DefineRequestParser, migrate → the URI and
/// MigrateRequestCheck, monitor/agent commands → the command's JSON. Documented (ErrorMapping's 4xx answers):
/// <see cref="JsonException"/>, <see cref="VirtlabException"/>, and a null body (ASP.NET's 400 for a missing body).
/// Anything else would be a 500.
/// </summary>
public static class ApiRequestTarget
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    private static readonly (string Endpoint, IReadOnlyList<string> Seeds)[] Endpoints =
    [
        ("POST /domains", RequestBodies.Create),
        ("POST /domains/define", RequestBodies.Define),
        ("POST /domains/{name}/migrate", RequestBodies.Migrate),
        ("POST /domains/{name}/monitor-command", RequestBodies.Command),
        ("other bodies", RequestBodies.Other),
    ];

    private static readonly Gen<(int Endpoint, byte[] Body)> Inputs =
        Gen.Int[0, Endpoints.Length - 1].SelectMany(e => Gen.Frequency(
                (12, Mutations.Mutated(Endpoints[e].Seeds.Select(s => Encoding.UTF8.GetBytes(s)).ToList())),
                (2, Mutations.Mutated(Endpoints.SelectMany(x => x.Seeds).Select(s => Encoding.UTF8.GetBytes(s)).ToList())),
                (1, Mutations.RandomBytes),
                (1, Mutations.DeepJson))
            .Select(body => (e, body)));

    public static FuzzTarget<(int Endpoint, byte[] Body)> Target { get; } = new(
        "daemon JSON request bodies",
        Inputs,
        input => Bind(input.Endpoint, input.Body),
        e => e is JsonException or VirtlabException or FuzzRejection,
        input => Endpoints[input.Endpoint].Endpoint + " " + Show.Bytes(input.Body));

    public static void Bind(int endpoint, byte[] body)
    {
        switch (endpoint)
        {
            case 0:
                CreateRequestParser.Parse(Read<CreateRequest>(body));
                break;
            case 1:
                DefineRequestParser.Parse(Read<DefineRequest>(body));
                break;
            case 2:
                var migrate = Read<MigrateRequest>(body);
                _ = VirtlabUri.Parse(migrate.Destination);
                MigrateRequestCheck.Check(migrate);
                break;
            case 3:
                _ = PassthroughService.ParseCommand(Read<JsonCommandRequest>(body).Command, "qemu-monitor-command");
                break;
            default:
                ReadAny(body);
                break;
        }
    }

    /// <summary>The other bodies (setvcpus, guestvcpus, setmem, autoballoon, domtime, start, shutdown, cpu-compare): bound
    /// as each type in turn; rejected when no type takes it.</summary>
    private static void ReadAny(byte[] body)
    {
        JsonException? first = null;
        foreach (var read in OtherBodies)
        {
            try
            {
                read(body);
                return;
            }
            catch (JsonException e)
            {
                first ??= e;
            }
        }

        throw first!;
    }

    private static readonly Action<byte[]>[] OtherBodies =
    [
        b => Read<SetVcpusRequest>(b), b => Read<GuestVcpusRequest>(b), b => Read<SetMemRequest>(b), b => Read<AutoBalloonRequest>(b),
        b => Read<DomTimeRequest>(b), b => Read<StartRequest>(b), b => Read<ShutdownRequest>(b), b => Read<CpuCompareRequest>(b),
    ];

    private static T Read<T>(byte[] body)
        where T : class =>
        JsonSerializer.Deserialize(body, (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T)))
        ?? throw new FuzzRejection($"the {typeof(T).Name} body is null (ASP.NET answers 400: required parameter not provided)");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        options.MakeReadOnly();
        return options;
    }
}
