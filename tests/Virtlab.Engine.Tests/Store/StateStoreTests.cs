using Virtlab.Domain.Definitions;
using Virtlab.Engine.Store;

namespace Virtlab.Engine.Tests.Store;

/// <summary>The store keeps the definitions in memory: every change must be what the next read returns.</summary>
public sealed class StateStoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("vlstore-");

    [Fact]
    public void Given_a_read_list_when_a_definition_is_added_updated_and_removed_then_each_next_read_sees_it()
    {
        var store = new StateStore(Path.Combine(_dir.FullName, "state.db"));
        Assert.Empty(store.ListDomains());

        Assert.True(store.TryAddDomain(new DomainDefinition { Name = "b", Uuid = Guid.NewGuid(), Vcpus = 1 }));
        Assert.True(store.TryAddDomain(new DomainDefinition { Name = "a", Uuid = Guid.NewGuid(), Vcpus = 1 }));
        Assert.False(store.TryAddDomain(new DomainDefinition { Name = "a", Uuid = Guid.NewGuid(), Vcpus = 3 }));
        Assert.Equal(["a", "b"], store.ListDomains().Select(d => d.Name));

        store.UpdateDomain(store.FindDomain("a")! with { Vcpus = 2, MaxVcpus = 2 });
        Assert.Equal(2, store.FindDomain("a")!.Vcpus);
        Assert.Equal(2, store.ListDomains()[0].Vcpus);
        Assert.Null(store.FindDomain("A"));

        Assert.True(store.RemoveDomain("b"));
        Assert.Equal(["a"], store.ListDomains().Select(d => d.Name));
        Assert.Null(store.FindDomain("b"));

        // A second store on the same file (the next daemon) reads what the first wrote.
        Assert.Equal(2, new StateStore(Path.Combine(_dir.FullName, "state.db")).FindDomain("a")!.Vcpus);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
