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

    [Fact]
    public void Given_another_process_holds_the_file_exclusively_When_a_definition_is_stored_Then_it_fails_saying_the_database_is_locked_and_nothing_is_stored()
    {
        var path = Path.Combine(_dir.FullName, "state.db");
        var store = new StateStore(path, TimeSpan.FromSeconds(1));
        using var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        holder.Open();
        using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE";
            begin.ExecuteNonQuery();
        }

        var e = Assert.Throws<VirtlabException>(() => store.TryAddDomain(new DomainDefinition { Name = "a", Uuid = Guid.NewGuid(), Vcpus = 1 }));

        Assert.Equal(ErrorKind.StateUnavailable, e.Kind);
        Assert.Contains("could not store the definition in the state database " + path, e.Message, StringComparison.Ordinal);
        Assert.Contains("locked by another process", e.Message, StringComparison.Ordinal);
        holder.Close();
        Assert.Empty(store.ListDomains());
    }

    [Fact]
    public void Given_a_file_that_is_not_a_database_When_the_store_reads_it_Then_it_fails_saying_the_file_is_corrupt()
    {
        var path = Path.Combine(_dir.FullName, "state.db");
        var store = new StateStore(path);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.WriteAllBytes(path, Enumerable.Repeat((byte)0x5a, 8192).ToArray());
        File.Delete(path + "-wal");
        File.Delete(path + "-shm");

        var e = Assert.Throws<VirtlabException>(() => store.ListRuntime());

        Assert.Equal(ErrorKind.StateUnavailable, e.Kind);
        Assert.Contains("the file is corrupt", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
