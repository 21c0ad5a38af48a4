using CsCheck;
using Virtlab.Api;
using Virtlab.Domain.Cpu;
using Virtlab.Engine;
using Virtlab.Engine.Lifecycle;
using Virtlab.Fuzz.Tests.Harness;
using Virtlab.Fuzz.Tests.Seeds;

namespace Virtlab.Fuzz.Tests.Targets;

/// <summary>
/// The CLI's option values as the daemon parses them (<c>virtlab create NAME --memory SIZE --cpu SPEC --network SPEC</c>
/// reaches <see cref="CreateRequestParser"/> as strings): sizes, CPU specs, network specs and VM names, one target each.
/// Documented: <see cref="VirtlabException"/> listing every problem. An accepted one must give QEMU argv that reads back
/// as meant (<see cref="QemuArgv"/>); an accepted CPU spec must also survive <see cref="CpuSpec.Format"/> and back.
/// </summary>
public static class CreateOptionTargets
{
    public static FuzzTarget<string> Size { get; } = Target("size (--memory SIZE[,maxmemory=SIZE])", Specs.Sizes.Concat(Specs.Memories).ToList(), s => new CreateRequest("t1", Memory: s));

    public static FuzzTarget<string> Cpu { get; } = Target("CPU spec (--cpu MODEL[,+f,-f,f=on])", Specs.Cpus, s => new CreateRequest("t1", Cpu: s));

    public static FuzzTarget<string> Network { get; } = Target("network spec (--network bridge=,ip=,mac=)", Specs.Networks, s => new CreateRequest("t1", Network: s));

    public static FuzzTarget<string> Name { get; } = Target("VM name (create NAME)", Specs.Names, s => new CreateRequest(s));

    public static FuzzTarget<string> Vcpus { get; } = Target("vCPU spec (--vcpus N[,maxvcpus=M])", Specs.Vcpus, s => new CreateRequest("t1", Vcpus: s));

    private static FuzzTarget<string> Target(string name, IReadOnlyList<string> seeds, Func<string, CreateRequest> request) => new(
        name,
        Gen.Frequency(
            (8, Mutations.MutatedText(seeds)),
            (2, Mutations.RandomText),
            (1, Gen.Select(Gen.OneOf<string>([.. seeds]), Gen.OneOf<string>([.. seeds])).Select((a, b) => a + "," + b))),
        s => Create(request(s)),
        e => e is VirtlabException,
        Show.Text);

    public static void Create(CreateRequest request)
    {
        var def = CreateRequestParser.Parse(request);
        QemuArgv.Check(def);
        if (request.Cpu is not null)
        {
            var text = CpuSpec.Format(def.Cpu);
            var again = CpuSpec.Format(CpuSpec.Parse(text));
            if (again != text)
            {
                throw new InvalidOperationException($"CPU spec round trip: '{request.Cpu}' formats as '{text}', which parses and formats as '{again}'");
            }
        }
    }
}
