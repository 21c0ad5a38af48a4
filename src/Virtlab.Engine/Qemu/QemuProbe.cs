using Virtlab.Engine.Process;
using Virtlab.Qmp;

namespace Virtlab.Engine.Qemu;

/// <summary>
/// A short-lived QEMU with no machine (<c>-machine none -S</c>), started only to ask it questions
/// over QMP (CPU models, expansions, machine types), as libvirt probes its capabilities. It is our
/// direct child, spawned from an argv, and always quit and reaped before this returns.
/// </summary>
public static class QemuProbe
{
    public static async Task<T> RunAsync<T>(string qemuPath, string accel, string runDir, Func<QmpClient, Task<T>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        Directory.CreateDirectory(runDir);
        File.SetUnixFileMode(runDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var socket = Path.Combine(runDir, "qmp.sock");
        var log = Path.Combine(runDir, "qemu.log");
        File.Delete(socket);
        string[] argv =
        [
            qemuPath, "-machine", "none", "-accel", accel, "-S", "-nodefaults", "-no-user-config", "-display", "none",
            "-chardev", $"socket,id=monitor,path={Qemu.QemuOpts.Escape(socket)},server=on,wait=off",
            "-mon", "chardev=monitor,mode=control",
        ];
        var process = ChildProcess.Spawn(argv, log);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            QmpClient? qmp = null;
            while (qmp is null)
            {
                if (process.HasExited)
                {
                    throw new VirtlabException(ErrorKind.QemuError, $"the probing QEMU exited at start: {Domains.RunDirectory.LastLines(log, 3)}");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new VirtlabException(ErrorKind.Timeout, "the probing QEMU did not open its monitor within 15 s");
                }

                if (File.Exists(socket))
                {
                    try
                    {
                        qmp = await QmpClient.ConnectAsync(socket, null, cancellationToken).ConfigureAwait(false);
                        break;
                    }
                    catch (QmpException)
                    {
                    }
                }

                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }

            await using (qmp.ConfigureAwait(false))
            {
                var result = await body(qmp).ConfigureAwait(false);
                await qmp.QuitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
        finally
        {
            if (await Task.WhenAny(process.Exited, Task.Delay(3000, CancellationToken.None)).ConfigureAwait(false) != process.Exited)
            {
                process.Signal(9);
                await process.Exited.ConfigureAwait(false);
            }

            try
            {
                Directory.Delete(runDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
