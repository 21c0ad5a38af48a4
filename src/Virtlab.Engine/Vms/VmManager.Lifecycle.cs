using System.Text.Json.Nodes;
using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.State;
using Virtlab.Domain.Validation;
using Virtlab.Engine.Images;
using Virtlab.Engine.Process;
using Virtlab.Engine.Qemu;
using Virtlab.Engine.Store;
using Virtlab.Qmp;

namespace Virtlab.Engine.Vms;

public sealed partial class VmManager
{
    /// <summary>Stores a new definition after validating it; nothing is stored when anything is wrong.</summary>
    public DomainDefinition Define(DomainDefinition def)
    {
        var errors = DomainValidator.Validate(def);
        if (errors.Count > 0)
        {
            throw new VirtlabException(errors);
        }

        ValidateAgainstHost(def);
        if (!Store.TryAddDomain(def))
        {
            throw new VirtlabException(
                ErrorKind.AlreadyExists,
                Store.FindDomain(def.Name) is not null
                    ? $"domain '{def.Name}' already exists: pick another name, or 'virtlab undefine {def.Name}' first"
                    : $"a domain with UUID {def.Uuid} already exists: remove the <uuid> to get a fresh one");
        }

        return def;
    }

    /// <summary>virt-install's define-and-start; a start that fails leaves no definition behind.</summary>
    public async Task<VmInstance> CreateAsync(DomainDefinition def, TimeSpan? waitAgent, CancellationToken cancellationToken)
    {
        Define(def);
        try
        {
            return await StartAsync(def.Name, waitAgent, cancellationToken).ConfigureAwait(false);
        }
        catch (VirtlabException e) when (e.Kind is not ErrorKind.AgentUnresponsive)
        {
            // Nothing half-done: the VM did not start, so the definition goes too.
            if (!IsRunning(def.Name))
            {
                Store.RemoveDomain(def.Name);
            }

            throw;
        }
    }

    public async Task<VmInstance> StartAsync(string name, TimeSpan? waitAgent, CancellationToken cancellationToken)
    {
        var gate = DomainLock(name);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        VmInstance vm;
        try
        {
            var def = GetDefinition(name);
            if (_running.ContainsKey(name))
            {
                throw new VirtlabException(ErrorKind.InvalidState, $"domain '{name}' is already running");
            }

            vm = await LaunchAsync(def, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }

        if (waitAgent is { } wait)
        {
            await WaitForAgentAsync(vm, wait, cancellationToken).ConfigureAwait(false);
        }

        return vm;
    }

    public async Task WaitForAgentAsync(VmInstance vm, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var agent = await vm.AgentAsync(cancellationToken).ConfigureAwait(false);
            await agent.WaitForAgentAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Virtlab.Qga.GuestAgentException e)
        {
            throw new VirtlabException(
                ErrorKind.AgentUnresponsive,
                $"domain '{vm.Definition.Name}' is running, but its guest agent did not answer within {timeout.TotalSeconds:0} s ({e.Message}); " +
                $"see its console with 'virtlab console {vm.Definition.Name} --log'",
                e);
        }
    }

    /// <summary>
    /// ACPI power button, then a bounded wait for the guest to power off. The button is pressed
    /// again every second: a guest still booting (before its acpid runs, ~3 s here) ignores it.
    /// </summary>
    public async Task ShutdownAsync(string name, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var vm = GetRunning(name);
        var wait = timeout ?? Options.ShutdownTimeout;
        var deadline = Task.Delay(wait, cancellationToken);
        while (!vm.Process.HasExited)
        {
            try
            {
                await vm.Qmp.SystemPowerdownAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (QmpException) when (vm.Process.HasExited || !vm.Qmp.IsConnected)
            {
                // QEMU went away between two presses: that is the outcome we wanted.
                break;
            }

            var done = await Task.WhenAny(vm.Process.Exited, deadline, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
            if (done == deadline)
            {
                throw new VirtlabException(
                    ErrorKind.Timeout,
                    $"domain '{name}' did not power off within {wait.TotalSeconds:0} s of the ACPI power button; it is still running: use 'virtlab destroy {name}' to stop it at once");
            }
        }

        await vm.Process.Exited.ConfigureAwait(false);
        await ForgetAsync(vm).ConfigureAwait(false);
    }

    /// <summary>Stops QEMU at once: QMP quit, then SIGTERM, then SIGKILL, each bounded; always reaped.</summary>
    public async Task DestroyAsync(string name, CancellationToken cancellationToken)
    {
        var vm = GetRunning(name);
        try
        {
            await vm.Qmp.QuitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            Log?.Invoke($"destroy {name}: QMP quit failed ({e.Message}); sending SIGTERM");
        }

        if (!await ExitedWithin(vm, Options.DestroyStepTimeout).ConfigureAwait(false))
        {
            vm.Process.Signal(15);
            if (!await ExitedWithin(vm, Options.DestroyStepTimeout).ConfigureAwait(false))
            {
                vm.Process.Signal(9);
                await ExitedWithin(vm, Options.DestroyStepTimeout).ConfigureAwait(false);
            }
        }

        await ForgetAsync(vm).ConfigureAwait(false);
    }

    public void Undefine(string name)
    {
        _ = GetDefinition(name);
        if (_running.ContainsKey(name))
        {
            throw new VirtlabException(ErrorKind.InvalidState, $"domain '{name}' is running: 'virtlab destroy {name}' (or shutdown) before undefine");
        }

        Store.RemoveDomain(name);
        TryDeleteRunDir(Paths.VmRunDir(name));
    }

    public string ConsoleLog(string name, int maxBytes = 256 * 1024)
    {
        var def = GetDefinition(name);
        var path = def.ConsoleLog ?? new VmRunPaths(Paths.VmRunDir(name)).ConsoleLog;
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (f.Length > maxBytes)
        {
            f.Seek(-maxBytes, SeekOrigin.End);
        }

        using var r = new StreamReader(f);
        return r.ReadToEnd();
    }

    private static async Task<bool> ExitedWithin(VmInstance vm, TimeSpan timeout) =>
        await Task.WhenAny(vm.Process.Exited, Task.Delay(timeout)).ConfigureAwait(false) == vm.Process.Exited;

    private void ValidateAgainstHost(DomainDefinition def)
    {
        var problems = new List<ValidationError>();
        if (def.Os.Kernel is { } k && !File.Exists(k))
        {
            problems.Add(new("/domain/os/kernel", $"kernel '{k}' does not exist"));
        }

        if (def.Os.Initrd is { } i && !File.Exists(i))
        {
            problems.Add(new("/domain/os/initrd", $"initrd '{i}' does not exist"));
        }

        if (def.Os.Image is { } img && img != "default" && !Directory.Exists(img))
        {
            problems.Add(new("--image", $"image '{img}' does not exist: give a directory with vmlinux or vmlinuz and initrd.img, or use --image default"));
        }

        if (def.Cpu.Mode == CpuMode.Custom && def.Cpu.Model is { } model)
        {
            var models = CpuModels();
            if (models.Count > 0 && !models.Contains(model))
            {
                var near = Suggest(model, models);
                problems.Add(new("/domain/cpu/model", $"unknown CPU model '{model}'{(near is null ? string.Empty : $": did you mean '{near}'?")} ('virtlab capabilities' lists the models)"));
            }
        }

        ValidateCpuAgainstQemu(def, problems);

        if (problems.Count > 0)
        {
            throw new VirtlabException(problems);
        }
    }

    /// <param name="incoming">Start the destination of a migration: the same argv plus the devices hot-plugged into the
    /// source, and <c>-incoming defer</c> (QEMU waits, vCPUs stopped, for <c>migrate-incoming</c>).</param>
    private async Task<VmInstance> LaunchAsync(DomainDefinition def, CancellationToken cancellationToken, LiveDevices? incoming = null)
    {
        var qemu = Qemu;
        qemu.EnsureCanStart();
        var accel = Accel.Select(def.Accel);
        var image = def.Os.Kernel is null ? GuestImage.Resolve(def.Os.Image, Paths.ImagesDir) : null;
        var run = new VmRunPaths(Paths.VmRunDir(def.Name));
        if (def.Interface is { } nic)
        {
            Network.LabNetwork.EnsureBridge(nic.Bridge);
        }

        PrepareRunDir(run);
        var argv = QemuCommandLine.Build(qemu.Path, def, accel, image, run);
        if (incoming is not null)
        {
            argv = [.. argv, .. QemuCommandLine.LiveDeviceArguments(incoming), "-incoming", "defer"];
        }

        File.WriteAllText(Path.Combine(run.Directory, "qemu.argv"), string.Join('\n', argv) + "\n");

        var process = ChildProcess.Spawn(argv, run.QemuLog);
        QmpClient qmp;
        try
        {
            qmp = await ConnectQmpAsync(run, process, cancellationToken).ConfigureAwait(false);
            if (def.Interface is { } attached)
            {
                // QEMU has created the tap by the time its monitor answers; the guest's first packets wait for this.
                await Network.LabNetwork.AttachAsync(run.TapName, attached.Bridge, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            process.Signal(9);
            await process.Exited.ConfigureAwait(false);
            throw;
        }

        RestrictSockets(run);
        var startedAt = DateTimeOffset.UtcNow;
        var id = NextId();
        var vm = new VmInstance(id, def, run, process, qmp, accel, qemu.Version.ToString(), startedAt) { Paused = incoming is not null };
        Store.SaveRuntime(new RuntimeRecord(def.Name, process.Pid, process.StartTicks, run.Directory, accel.Name, accel.Reason, vm.QemuVersion, startedAt));
        Track(vm);
        Log?.Invoke($"started '{def.Name}' pid {process.Pid} on {accel.Name} ({accel.Reason})");
        return vm;
    }

    private async Task<QmpClient> ConnectQmpAsync(VmRunPaths run, ChildProcess process, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Options.QmpReadyTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new VirtlabException(ErrorKind.QemuError, $"QEMU exited at start: {LastLines(run.QemuLog, 5)}");
            }

            if (File.Exists(run.QmpSocket))
            {
                try
                {
                    return await QmpClient.ConnectAsync(run.QmpSocket, null, cancellationToken).ConfigureAwait(false);
                }
                catch (QmpException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    // QEMU has created the socket but is not listening yet: retry.
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new VirtlabException(ErrorKind.Timeout, $"QEMU did not open its monitor within {Options.QmpReadyTimeout.TotalSeconds:0} s: {LastLines(run.QemuLog, 5)}");
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Watches a VM: QEMU's exit, and pause/resume events.</summary>
    private void Track(VmInstance vm)
    {
        _running[vm.Definition.Name] = vm;
        var events = vm.Qmp.Subscribe(e => e.Name is "STOP" or "RESUME");
        _ = Task.Run(async () =>
        {
            await foreach (var e in events.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                vm.Paused = e.Name == "STOP";
            }
        });
        _ = vm.Process.Exited.ContinueWith(
            async t =>
            {
                events.Dispose();
                Log?.Invoke($"'{vm.Definition.Name}' QEMU pid {vm.Process.Pid} exited with status {t.Result}");
                await ForgetAsync(vm).ConfigureAwait(false);
                ForgetIncomingThatDied(vm);
            },
            TaskScheduler.Default);
    }

    private async Task ForgetAsync(VmInstance vm)
    {
        if (_running.TryGetValue(vm.Definition.Name, out var current) && ReferenceEquals(current, vm) &&
            _running.TryRemove(vm.Definition.Name, out _))
        {
            Store.RemoveRuntime(vm.Definition.Name);
            await vm.DisposeAsync().ConfigureAwait(false);
            foreach (var s in vm.Run.ProcessFiles)
            {
                TryDelete(s);
            }
        }
    }

    private int NextId()
    {
        var used = _running.Values.Select(v => v.Id).ToHashSet();
        var id = 1;
        while (used.Contains(id))
        {
            id++;
        }

        return id;
    }

    private static void PrepareRunDir(VmRunPaths run)
    {
        VirtlabPathsCheck(run);
        Directory.CreateDirectory(run.Directory);
        File.SetUnixFileMode(run.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var s in run.ProcessFiles)
        {
            TryDelete(s);
        }
    }

    private static void VirtlabPathsCheck(VmRunPaths run)
    {
        Host.VirtlabPaths.CheckSocketPath(run.QmpSocket);
        Host.VirtlabPaths.CheckSocketPath(run.AgentSocket);
    }

    private static void RestrictSockets(VmRunPaths run)
    {
        foreach (var s in new[] { run.QmpSocket, run.AgentSocket })
        {
            if (File.Exists(s))
            {
                File.SetUnixFileMode(s, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    private static void TryDeleteRunDir(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    internal static string LastLines(string path, int n)
    {
        if (!File.Exists(path))
        {
            return "(no QEMU log)";
        }

        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).TakeLast(n);
        return string.Join(" | ", lines);
    }
}
