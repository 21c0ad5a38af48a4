using Virtlab.Domain.State;

namespace Virtlab.Domain.Tests.State;

public sealed class DomainStateExtensionsTests
{
    [Theory]
    [InlineData(DomainState.Running, "running")]
    [InlineData(DomainState.Paused, "paused")]
    [InlineData(DomainState.ShutOff, "shut off")]
    [InlineData(DomainState.Crashed, "crashed")]
    [InlineData(DomainState.ShuttingDown, "in shutdown")]
    [InlineData(DomainState.Starting, "starting")]
    [InlineData(DomainState.Migrating, "migrating")]
    public void States_are_shown_with_virshs_words(DomainState state, string expected)
    {
        Assert.Equal(expected, state.ToVirshString());
    }

    [Fact]
    public void A_new_domain_is_shut_off_by_default()
    {
        Assert.Equal(DomainState.ShutOff, default(DomainState));
    }

    [Fact]
    public void An_undefined_state_value_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((DomainState)99).ToVirshString());
    }
}
