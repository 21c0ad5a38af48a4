using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;
using Virtlab.Engine;

namespace Virtlab.Engine.Tests;

/// <summary>
/// The shape docs/ARCHITECTURE.md promises, held by tests: each feature is a namespace of its own whose types never
/// use another feature's types (read from the IL of every method, lambdas and async state machines included); the
/// shared infrastructure uses no feature; no source file is over 400 lines; no class is split across files.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string[] Features =
        ["Lifecycle", "Passthrough", "Capabilities", "Hotplug", "Cpu", "Clock", "Pmu", "Migration", "Cluster"];

    private static readonly string[] Infrastructure =
        ["Domains", "Guest", "Qemu", "Process", "Store", "Host", "Accel", "Images", "Network", "Peers"];

    public static TheoryData<string> FeatureNames => [.. Features];

    public static TheoryData<string> InfrastructureNames => [.. Infrastructure];

    [Theory]
    [MemberData(nameof(FeatureNames))]
    public void A_feature_uses_no_other_feature(string feature)
    {
        var offending = References($"Virtlab.Engine.{feature}")
            .Where(r => Features.Any(f => f != feature && r.Target.StartsWith($"Virtlab.Engine.{f}.", StringComparison.Ordinal)))
            .Select(r => $"{r.From} -> {r.Target}")
            .Distinct()
            .ToList();

        Assert.True(offending.Count == 0, string.Join("\n", offending));
    }

    [Theory]
    [MemberData(nameof(InfrastructureNames))]
    public void The_shared_infrastructure_uses_no_feature(string area)
    {
        var offending = References($"Virtlab.Engine.{area}")
            .Where(r => Features.Any(f => r.Target.StartsWith($"Virtlab.Engine.{f}.", StringComparison.Ordinal)))
            .Select(r => $"{r.From} -> {r.Target}")
            .Distinct()
            .ToList();

        Assert.True(offending.Count == 0, string.Join("\n", offending));
    }

    [Fact]
    public void Every_engine_type_lives_in_a_feature_or_in_the_shared_infrastructure()
    {
        var known = Features.Concat(Infrastructure).Select(n => $"Virtlab.Engine.{n}").Append("Virtlab.Engine").ToHashSet(StringComparer.Ordinal);
        var strays = EngineTypes().Select(t => t.Namespace ?? string.Empty).Where(n => !known.Contains(n)).Distinct().ToList();

        Assert.True(strays.Count == 0, "namespaces outside the layout: " + string.Join(", ", strays));
    }

    [Fact]
    public void No_source_file_is_over_400_lines()
    {
        var big = SourceFiles().Select(f => (File: f, Lines: File.ReadAllLines(f).Length)).Where(f => f.Lines >= 400)
            .Select(f => $"{Path.GetRelativePath(RepoRoot, f.File)}: {f.Lines}").ToList();

        Assert.True(big.Count == 0, string.Join("\n", big));
    }

    /// <summary>
    /// Where features live (the driver, the daemon, the CLI, the lab) a class is one file. The protocol clients and the
    /// definition reader keep Spectre.Console's Type.Concern.cs partials (QmpClient.Migration.cs, ...): one type whose
    /// one job is large, not several jobs in one type.
    /// </summary>
    [Fact]
    public void No_class_of_the_driver_daemon_cli_or_lab_is_split_across_files()
    {
        string[] layers = ["Virtlab.Engine", "Virtlab.Daemon", "Virtlab.Cli", "Virtlab.Lab", "Virtlab.Client"];
        var declarations = SourceFiles()
            .Where(f => layers.Any(l => f.Contains($"{Path.DirectorySeparatorChar}src{Path.DirectorySeparatorChar}{l}{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            .SelectMany(f => PartialDeclaration().Matches(File.ReadAllText(f)).Select(m => (Type: $"{Namespace(f)}.{m.Groups[1].Value}", File: f)))
            .GroupBy(d => d.Type)
            .Where(g => g.Select(d => d.File).Distinct().Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(d => Path.GetFileName(d.File)))}")
            .ToList();

        Assert.True(declarations.Count == 0, string.Join("\n", declarations));
    }

    [GeneratedRegex(@"\bpartial\s+(?:class|record|struct)\s+(\w+)")]
    private static partial Regex PartialDeclaration();

    [GeneratedRegex(@"^namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    private static string Namespace(string file) => NamespaceDeclaration().Match(File.ReadAllText(file)).Groups[1].Value;

    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Virtlab.slnx")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("no Virtlab.slnx above the test's directory");
        }
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepoRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static IEnumerable<Type> EngineTypes() =>
        typeof(VirtlabEngine).Assembly.GetTypes().Where(t => !t.Name.StartsWith('<') && t.DeclaringType is null && t.Namespace?.StartsWith("Virtlab.Engine", StringComparison.Ordinal) == true);

    /// <summary>Every type the types of <paramref name="ns"/> (and their nested, compiler-made types) name in signatures and IL.</summary>
    private static IEnumerable<(string From, string Target)> References(string ns)
    {
        var assembly = typeof(VirtlabEngine).Assembly;
        foreach (var type in assembly.GetTypes().Where(t => Outermost(t).Namespace == ns))
        {
            var from = Outermost(type).FullName!;
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var named = new List<Type?> { type.BaseType };
            named.AddRange(type.GetInterfaces());
            named.AddRange(type.GetFields(all).Select(f => f.FieldType));
            named.AddRange(type.GetProperties(all).Select(p => p.PropertyType));
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                named.AddRange(method.GetParameters().Select(p => p.ParameterType));
                if (method is MethodInfo mi)
                {
                    named.Add(mi.ReturnType);
                }

                named.AddRange(IlReferences(method));
            }

            foreach (var t in named.Where(t => t is not null).SelectMany(t => Flatten(t!)))
            {
                if (t.FullName is { } name)
                {
                    yield return (from, name);
                }
            }
        }
    }

    private static Type Outermost(Type t) => t.DeclaringType is null ? t : Outermost(t.DeclaringType);

    private static IEnumerable<Type> Flatten(Type t)
    {
        var element = t.HasElementType ? t.GetElementType()! : t;
        yield return element.IsGenericType ? element.GetGenericTypeDefinition() : element;
        if (element.IsGenericType)
        {
            foreach (var a in element.GetGenericArguments().SelectMany(Flatten))
            {
                yield return a;
            }
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The types the method's IL names through a metadata token (calls, fields, new objects, casts).</summary>
    private static IEnumerable<Type> IlReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var module = method.Module;
        var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            short value = il[i];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[i + 1]));
                i += 2;
            }
            else
            {
                i++;
            }

            var op = OpCodesByValue[value];
            var size = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (BitConverter.ToInt32(il, i) * 4),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                MemberInfo? member = null;
                try
                {
                    member = module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                }
                catch (ArgumentException)
                {
                }

                if (member is Type t)
                {
                    yield return t;
                }
                else if (member?.DeclaringType is { } d)
                {
                    yield return d;
                }
            }

            i += size;
        }
    }
}
