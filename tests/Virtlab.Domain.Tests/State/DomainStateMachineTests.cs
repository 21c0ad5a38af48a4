using Virtlab.Domain.State;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Tests.State;

public sealed class DomainStateMachineTests
{
    public static TheoryData<DomainState, DomainAction> EveryPair()
    {
        var data = new TheoryData<DomainState, DomainAction>();
        foreach (var state in Enum.GetValues<DomainState>())
        {
            foreach (var action in Enum.GetValues<DomainAction>())
            {
                data.Add(state, action);
            }
        }

        return data;
    }

    [Theory]
    [InlineData(DomainState.ShutOff, DomainState.Starting)]
    [InlineData(DomainState.Starting, DomainState.Running)]
    [InlineData(DomainState.Starting, DomainState.Paused)]
    [InlineData(DomainState.Starting, DomainState.ShutOff)]
    [InlineData(DomainState.Running, DomainState.Paused)]
    [InlineData(DomainState.Running, DomainState.ShuttingDown)]
    [InlineData(DomainState.Running, DomainState.ShutOff)]
    [InlineData(DomainState.Running, DomainState.Crashed)]
    [InlineData(DomainState.Running, DomainState.Migrating)]
    [InlineData(DomainState.Paused, DomainState.Running)]
    [InlineData(DomainState.Paused, DomainState.Migrating)]
    [InlineData(DomainState.ShuttingDown, DomainState.ShutOff)]
    [InlineData(DomainState.ShuttingDown, DomainState.Running)]
    [InlineData(DomainState.Crashed, DomainState.ShutOff)]
    [InlineData(DomainState.Crashed, DomainState.Starting)]
    [InlineData(DomainState.Migrating, DomainState.Running)]
    [InlineData(DomainState.Migrating, DomainState.ShutOff)]
    public void These_transitions_are_valid(DomainState from, DomainState to)
    {
        Assert.True(DomainStateMachine.IsValidTransition(from, to));
    }

    [Theory]
    [InlineData(DomainState.ShutOff, DomainState.Running)]
    [InlineData(DomainState.ShutOff, DomainState.Paused)]
    [InlineData(DomainState.Paused, DomainState.ShuttingDown)]
    [InlineData(DomainState.ShuttingDown, DomainState.Paused)]
    [InlineData(DomainState.Crashed, DomainState.Running)]
    [InlineData(DomainState.Migrating, DomainState.ShuttingDown)]
    [InlineData(DomainState.ShutOff, DomainState.Migrating)]
    public void These_transitions_are_not(DomainState from, DomainState to)
    {
        Assert.False(DomainStateMachine.IsValidTransition(from, to));
    }

    [Fact]
    public void Staying_in_a_state_is_not_a_transition()
    {
        foreach (var state in Enum.GetValues<DomainState>())
        {
            Assert.False(DomainStateMachine.IsValidTransition(state, state));
        }
    }

    [Fact]
    public void Every_state_can_be_left_and_shut_off_can_be_reached_from_every_other()
    {
        var states = Enum.GetValues<DomainState>();
        foreach (var state in states)
        {
            Assert.Contains(states, to => DomainStateMachine.IsValidTransition(state, to));
            if (state != DomainState.ShutOff)
            {
                Assert.True(DomainStateMachine.IsValidTransition(state, DomainState.ShutOff), $"{state} → ShutOff");
            }
        }
    }

    [Fact]
    public void Starting_a_running_domain_is_refused()
    {
        Assert.Equal(
            new ValidationError("start", "domain 't1' is already running"),
            DomainStateMachine.Check("t1", DomainState.Running, DomainAction.Start));
    }

    [Fact]
    public void Undefining_a_running_domain_says_to_destroy_it_first()
    {
        Assert.Equal(
            new ValidationError("undefine", "domain is running: destroy it before undefine"),
            DomainStateMachine.Check(DomainState.Running, DomainAction.Undefine));
    }

    [Theory]
    [InlineData(DomainAction.Shutdown)]
    [InlineData(DomainAction.Suspend)]
    [InlineData(DomainAction.AgentCommand)]
    [InlineData(DomainAction.Migrate)]
    public void Acting_on_a_shut_off_domain_says_to_start_it_first(DomainAction action)
    {
        var error = DomainStateMachine.Check("t1", DomainState.ShutOff, action);

        Assert.Equal("domain 't1' is not running: start it first", error?.Message);
        Assert.Equal(action.ToVirshCommand(), error?.Path);
    }

    [Fact]
    public void Hot_plug_on_a_shut_off_domain_points_at_the_definition()
    {
        Assert.Contains("--config", DomainStateMachine.Check("t1", DomainState.ShutOff, DomainAction.SetVcpus)?.Message);
    }

    [Theory]
    [InlineData(DomainAction.SetVcpus)]
    [InlineData(DomainAction.SetMem)]
    [InlineData(DomainAction.Shutdown)]
    public void Live_changes_on_a_paused_domain_say_to_resume_it(DomainAction action)
    {
        Assert.StartsWith("domain 't1' is paused: resume it first", DomainStateMachine.Check("t1", DomainState.Paused, action)?.Message);
    }

    [Theory]
    [InlineData(DomainAction.SetVcpus)]
    [InlineData(DomainAction.Suspend)]
    [InlineData(DomainAction.Shutdown)]
    public void During_a_migration_other_jobs_wait(DomainAction action)
    {
        Assert.Contains("is being migrated", DomainStateMachine.Check("t1", DomainState.Migrating, action)?.Message);
    }

    [Theory]
    [InlineData(DomainAction.MigrateCancel)]
    [InlineData(DomainAction.MigrateSetSpeed)]
    [InlineData(DomainAction.MigrateSetMaxDowntime)]
    [InlineData(DomainAction.Destroy)]
    [InlineData(DomainAction.AgentCommand)]
    public void During_a_migration_its_controls_destroy_and_the_guest_agent_are_allowed(DomainAction action)
    {
        Assert.Null(DomainStateMachine.Check(DomainState.Migrating, action));
    }

    [Fact]
    public void Cancelling_a_migration_that_is_not_running_is_refused()
    {
        Assert.Equal(
            new ValidationError("domjobabort", "domain 't1' is not being migrated: there is no migration to control"),
            DomainStateMachine.Check("t1", DomainState.Running, DomainAction.MigrateCancel));
    }

    [Theory]
    [InlineData(DomainState.ShutOff, DomainAction.Start)]
    [InlineData(DomainState.Crashed, DomainAction.Start)]
    [InlineData(DomainState.Running, DomainAction.Shutdown)]
    [InlineData(DomainState.Running, DomainAction.SetVcpus)]
    [InlineData(DomainState.Running, DomainAction.SetMem)]
    [InlineData(DomainState.Running, DomainAction.Migrate)]
    [InlineData(DomainState.Paused, DomainAction.Migrate)]
    [InlineData(DomainState.Paused, DomainAction.Resume)]
    [InlineData(DomainState.Paused, DomainAction.Destroy)]
    [InlineData(DomainState.ShuttingDown, DomainAction.Destroy)]
    [InlineData(DomainState.Crashed, DomainAction.Destroy)]
    [InlineData(DomainState.ShutOff, DomainAction.Undefine)]
    public void These_actions_are_allowed(DomainState state, DomainAction action)
    {
        Assert.Null(DomainStateMachine.Check("t1", state, action));
        Assert.True(DomainStateMachine.IsAllowed(state, action));
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Every_refusal_names_the_domain_and_has_a_specific_message(DomainState state, DomainAction action)
    {
        var error = DomainStateMachine.Check("t1", state, action);

        Assert.Equal(DomainStateMachine.IsAllowed(state, action), error is null);
        if (error is not null)
        {
            Assert.StartsWith("domain 't1' ", error.Message);
            Assert.DoesNotContain("is not possible now", error.Message);
            Assert.Equal(action.ToVirshCommand(), error.Path);
        }
    }

    [Fact]
    public void Destroy_is_allowed_in_every_state_but_shut_off()
    {
        foreach (var state in Enum.GetValues<DomainState>())
        {
            Assert.Equal(state != DomainState.ShutOff, DomainStateMachine.IsAllowed(state, DomainAction.Destroy));
        }
    }
}
