using System.Collections.Concurrent;

namespace Virtlab.Engine.Migration;

/// <summary>The outgoing migrations in flight, by domain name: what domjobinfo, domjobabort and migrate-postcopy act on.</summary>
internal sealed class OutgoingMigrations
{
    private readonly ConcurrentDictionary<string, OutgoingMigration> _byName = new(StringComparer.Ordinal);

    public void Add(OutgoingMigration m) => _byName[m.Name] = m;

    public void Remove(string name) => _byName.TryRemove(name, out _);

    public bool TryGet(string name, out OutgoingMigration migration) => _byName.TryGetValue(name, out migration!);
}
