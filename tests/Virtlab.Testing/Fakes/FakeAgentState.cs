namespace Virtlab.Testing.Fakes;

/// <summary>What the fake guest agent does with its input.</summary>
public enum FakeAgentState
{
    /// <summary>Answers in order, like a running qemu-ga.</summary>
    Running,

    /// <summary>The guest has not started the agent yet: input stays queued in the chardev and is answered, in
    /// order, once <see cref="FakeGuestAgent.StartAgent"/> is called.</summary>
    NotStarted,

    /// <summary>Reads and never answers.</summary>
    Hung,
}
