namespace Virtlab.Domain.Definitions;

public enum CpuFeaturePolicy
{
    Force,
    Require,
    Optional,
    Disable,
    Forbid,
}
