using System.Globalization;
using Microsoft.Data.Sqlite;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Json;

namespace Virtlab.Engine.Store;

/// <summary>
/// The daemon's state in SQLite: domain definitions (JSON) and runtime records of running VMs.
/// One connection per call, taken from Microsoft.Data.Sqlite's pool: opening the file afresh each
/// time (file, WAL index, schema) cost ~0.5 ms of every request (bench/cli). SQLite serializes
/// writers. The file is owner-only (0600). The definitions are also kept in memory, read once and
/// read again after every change to them, so that list and dominfo neither query nor parse JSON: this
/// daemon is the only writer of its database.
/// </summary>
public sealed class StateStore
{
    private readonly string _connectionString;
    private readonly string _path;
    private readonly Lock _cacheLock = new();
    private IReadOnlyList<DomainDefinition>? _definitions;
    private long _generation;

    /// <summary>Default of how long a statement waits for another process's lock on the file before it fails: 10 s.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _busyTimeout;

    /// <param name="busyTimeout">How long a statement waits for another process's lock (whole seconds, at least 1); default 10 s.</param>
    public StateStore(string databasePath, TimeSpan? busyTimeout = null)
    {
        _path = databasePath;
        _busyTimeout = TimeSpan.FromSeconds(Math.Max(1, (int)(busyTimeout ?? DefaultBusyTimeout).TotalSeconds));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)_busyTimeout.TotalSeconds,
        }.ToString();

        using var c = Open();
        Execute(c, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS domains(
                name TEXT PRIMARY KEY,
                uuid TEXT NOT NULL UNIQUE,
                definition TEXT NOT NULL,
                created_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS runtime(
                name TEXT PRIMARY KEY REFERENCES domains(name),
                pid INTEGER NOT NULL,
                pid_start_ticks INTEGER NOT NULL,
                run_dir TEXT NOT NULL,
                accel TEXT NOT NULL,
                accel_reason TEXT NOT NULL,
                qemu_version TEXT NOT NULL,
                started_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS settings(
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL);
            """);
        File.SetUnixFileMode(databasePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Every definition, by name.</summary>
    public IReadOnlyList<DomainDefinition> ListDomains()
    {
        if (Volatile.Read(ref _definitions) is { } cached)
        {
            return cached;
        }

        // A change that lands while this reads bumps the generation, and then what was read is not kept.
        var generation = Interlocked.Read(ref _generation);
        var list = ReadDomains();
        lock (_cacheLock)
        {
            if (_generation == generation)
            {
                _definitions = list;
            }
        }

        return list;
    }

    public DomainDefinition? FindDomain(string name) =>
        ListDomains().FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal));

    /// <summary>Inserts a new definition; false when the name or UUID is taken.</summary>
    public bool TryAddDomain(DomainDefinition def)
    {
        return Guard("store the definition", () =>
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT OR IGNORE INTO domains(name, uuid, definition, created_at) VALUES($name, $uuid, $def, $at)";
            cmd.Parameters.AddWithValue("$name", def.Name);
            cmd.Parameters.AddWithValue("$uuid", def.Uuid.ToString());
            cmd.Parameters.AddWithValue("$def", Serialize(def));
            cmd.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            var added = cmd.ExecuteNonQuery() == 1;
            DefinitionsChanged();
            return added;
        });
    }

    public void UpdateDomain(DomainDefinition def)
    {
        Guard("store the definition", () =>
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE domains SET definition = $def WHERE name = $name";
            cmd.Parameters.AddWithValue("$name", def.Name);
            cmd.Parameters.AddWithValue("$def", Serialize(def));
            cmd.ExecuteNonQuery();
            DefinitionsChanged();
        });
    }

    public bool RemoveDomain(string name)
    {
        return Guard("remove the definition", () =>
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DELETE FROM runtime WHERE name = $name; DELETE FROM domains WHERE name = $name";
            cmd.Parameters.AddWithValue("$name", name);
            var removed = cmd.ExecuteNonQuery() > 0;
            DefinitionsChanged();
            return removed;
        });
    }

    public IReadOnlyList<RuntimeRecord> ListRuntime() =>
        ReadAll(
            "SELECT name, pid, pid_start_ticks, run_dir, accel, accel_reason, qemu_version, started_at FROM runtime",
            r => new RuntimeRecord(
                r.GetString(0), r.GetInt32(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                DateTimeOffset.Parse(r.GetString(7), CultureInfo.InvariantCulture)));

    public void SaveRuntime(RuntimeRecord rec)
    {
        Guard("record that the VM runs", () =>
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                INSERT OR REPLACE INTO runtime(name, pid, pid_start_ticks, run_dir, accel, accel_reason, qemu_version, started_at)
                VALUES($name, $pid, $ticks, $dir, $accel, $reason, $qv, $at)
                """;
            cmd.Parameters.AddWithValue("$name", rec.Name);
            cmd.Parameters.AddWithValue("$pid", rec.Pid);
            cmd.Parameters.AddWithValue("$ticks", rec.PidStartTicks);
            cmd.Parameters.AddWithValue("$dir", rec.RunDir);
            cmd.Parameters.AddWithValue("$accel", rec.Accel);
            cmd.Parameters.AddWithValue("$reason", rec.AccelReason);
            cmd.Parameters.AddWithValue("$qv", rec.QemuVersion);
            cmd.Parameters.AddWithValue("$at", rec.StartedAt.ToString("O", CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
        });
    }

    public void RemoveRuntime(string name)
    {
        Guard("forget the VM's runtime record", () =>
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DELETE FROM runtime WHERE name = $name";
            cmd.Parameters.AddWithValue("$name", name);
            cmd.ExecuteNonQuery();
        });
    }

    /// <summary>A small piece of this host's own state (e.g. its cluster membership), or null.</summary>
    public string? GetSetting(string key)
    {
        return Guard("read a setting", () =>
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT value FROM settings WHERE key = $key";
            cmd.Parameters.AddWithValue("$key", key);
            return cmd.ExecuteScalar() as string;
        });
    }

    public void SetSetting(string key, string value)
    {
        Guard("store a setting", () =>
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT OR REPLACE INTO settings(key, value) VALUES($key, $value)";
            cmd.Parameters.AddWithValue("$key", key);
            cmd.Parameters.AddWithValue("$value", value);
            cmd.ExecuteNonQuery();
        });
    }

    /// <summary>
    /// Proves that the database takes a write now (a timestamp under <c>last-write-check</c>): before an operation
    /// whose end must be recorded (a migration forgets its domain here), so that a locked file or a full disk refuses
    /// it up front instead of leaving it half recorded. Throws <see cref="ErrorKind.StateUnavailable"/> with the cause.
    /// </summary>
    public void CheckWritable() =>
        SetSetting("last-write-check", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    public void RemoveSetting(string key)
    {
        Guard("remove a setting", () =>
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DELETE FROM settings WHERE key = $key";
            cmd.Parameters.AddWithValue("$key", key);
            cmd.ExecuteNonQuery();
        });
    }

    private List<DomainDefinition> ReadDomains() =>
        ReadAll("SELECT definition FROM domains ORDER BY name", r => Deserialize(r.GetString(0)));

    private List<T> ReadAll<T>(string sql, Func<SqliteDataReader, T> row)
    {
        return Guard("read", () =>
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            using var r = cmd.ExecuteReader();
            var list = new List<T>();
            while (r.Read())
            {
                list.Add(row(r));
            }

            return list;
        });
    }

    private void DefinitionsChanged()
    {
        lock (_cacheLock)
        {
            _generation++;
            _definitions = null;
        }
    }

    private static string Serialize(DomainDefinition def) =>
        DomainJson.Serialize(def);

    private static DomainDefinition Deserialize(string json) =>
        DomainJson.Deserialize(json);

    private static void Execute(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Runs one statement; SQLite's failures become a <see cref="VirtlabException"/> (<see cref="ErrorKind.StateUnavailable"/>)
    /// that names the file and the cause (locked by another process, disk full, corrupt), never an "internal error".
    /// </summary>
    private T Guard<T>(string doing, Func<T> body)
    {
        try
        {
            return body();
        }
        catch (SqliteException e)
        {
            var why = e.SqliteErrorCode switch
            {
                5 or 6 => $"it is locked by another process (waited {_busyTimeout.TotalSeconds:0} s)",
                13 => "the disk is full",
                11 or 26 => "the file is corrupt",
                8 => "it is read-only",
                10 => "an I/O error",
                _ => e.Message,
            };
            throw new VirtlabException(ErrorKind.StateUnavailable, $"could not {doing} in the state database {_path}: {why} (SQLite: {e.Message})", e);
        }
    }

    private void Guard(string doing, Action body) => Guard(doing, () =>
    {
        body();
        return 0;
    });

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }
}
