using System.CommandLine;

namespace Virtlab.Lab;

/// <summary>virtlab lab: run | downtime | examples. The CLI ('virtlab lab ...') hands its arguments to this program.</summary>
internal static class LabApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("virtlab lab: test an application on this machine and across a matrix of VMs, with events during the run");
        var parse = root.Parse(args);
        return await parse.InvokeAsync().ConfigureAwait(false);
    }
}
