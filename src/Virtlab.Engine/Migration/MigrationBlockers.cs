namespace Virtlab.Engine.Migration;

/// <summary>The reasons a QEMU process is marked as not migratable (<see cref="Domains.DomainObject.BlockMigration"/>).</summary>
internal static class MigrationBlockers
{
    public const string StuckCancelling = "an earlier migration of this QEMU process is stuck inside QEMU ('cancelling')";
}
