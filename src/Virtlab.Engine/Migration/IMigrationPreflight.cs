using Virtlab.Api;
using Virtlab.Domain.Definitions;

namespace Virtlab.Engine.Migration;

/// <summary>
/// Checks run on the destination before it prepares an incoming VM: each returns the problems
/// that make the migration unsafe (empty when it may go ahead). The CPU-models work plugs its
/// stricter CPU compatibility (model features, PMU, invtsc) in here.
/// </summary>
public interface IMigrationPreflight
{
    IReadOnlyList<string> Check(MigrationPreflightContext context);
}

/// <summary>What a preflight check sees: the definition, both hosts' CPUs and QEMUs, and the destination's lookups.</summary>
public sealed record MigrationPreflightContext(
    DomainDefinition Definition,
    HostCpuInfo SourceCpu,
    HostCpuInfo DestinationCpu,
    string SourceQemuVersion,
    string DestinationQemuVersion,
    Func<string, bool> NameTaken,
    Func<DomainDefinition, string?> ImageProblem);
