using Virtlab.Qmp;

namespace Virtlab.Engine.Domains;

/// <summary>Runs a QMP call on a domain's monitor and turns its failure into a <see cref="VirtlabException"/> naming the domain.</summary>
public static class QmpCalls
{
    public static async Task<T> CallAsync<T>(DomainObject domain, Func<QmpClient, Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call(domain.Qmp).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            throw new VirtlabException(ErrorKind.QemuError, $"QEMU of '{domain.Name}': {e.Message}", e);
        }
    }

    public static async Task CallAsync(DomainObject domain, Func<QmpClient, Task> call)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            await call(domain.Qmp).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            throw new VirtlabException(ErrorKind.QemuError, $"QEMU of '{domain.Name}': {e.Message}", e);
        }
    }
}
