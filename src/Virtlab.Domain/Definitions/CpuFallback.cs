namespace Virtlab.Domain.Definitions;

public enum CpuFallback
{
    Allow,
    Forbid,
}
