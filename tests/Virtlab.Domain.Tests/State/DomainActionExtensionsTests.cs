using Virtlab.Domain.State;

namespace Virtlab.Domain.Tests.State;

public sealed class DomainActionExtensionsTests
{
    [Theory]
    [InlineData(DomainAction.Start, "start")]
    [InlineData(DomainAction.Undefine, "undefine")]
    [InlineData(DomainAction.SetVcpus, "setvcpus")]
    [InlineData(DomainAction.SetMem, "setmem")]
    [InlineData(DomainAction.MigrateCancel, "domjobabort")]
    [InlineData(DomainAction.AgentCommand, "qemu-agent-command")]
    public void Actions_are_named_after_virsh_commands(DomainAction action, string expected)
    {
        Assert.Equal(expected, action.ToVirshCommand());
    }

    [Fact]
    public void Every_action_has_a_distinct_command()
    {
        var commands = Enum.GetValues<DomainAction>().Select(a => a.ToVirshCommand()).ToList();

        Assert.Equal(commands.Count, commands.Distinct().Count());
    }
}
