using System.Globalization;
using System.Text;
using Virtlab.Domain.Definitions;

namespace Virtlab.Domain.Validation;

public static partial class DomainValidator
{
    private static void ValidateOs(OsDefinition? os, List<ValidationError> errors)
    {
        if (os is null)
        {
            return;
        }

        ValidateHostPath(DomainPaths.OsKernel, "kernel", os.Kernel, errors);
        ValidateHostPath(DomainPaths.OsInitrd, "initrd", os.Initrd, errors);
        ValidateHostPath(DomainPaths.OsImage, "image directory", os.Image, errors);
        if (os.Initrd is not null && os.Kernel is null && os.Image is null)
        {
            errors.Add(new(DomainPaths.OsInitrd,
                "an initrd needs a kernel: set the kernel too, or leave both out to boot the default image"));
        }

        if (os.Image is not null && os.Kernel is not null)
        {
            errors.Add(new(DomainPaths.OsImage,
                "an image directory brings its own kernel: give either the image or the kernel, not both"));
        }

        if (os.Image is not null && os.Initrd is not null)
        {
            errors.Add(new(DomainPaths.OsImage,
                "an image directory brings its own initrd: give either the image or the initrd, not both"));
        }

        if (os.Cmdline is { } cmdline)
        {
            var bytes = Encoding.UTF8.GetByteCount(cmdline);
            if (bytes > DomainLimits.MaxKernelCmdlineBytes)
            {
                errors.Add(new(DomainPaths.OsCmdline, string.Create(CultureInfo.InvariantCulture,
                    $"the kernel command line is {bytes} bytes: x86 Linux takes at most {DomainLimits.MaxKernelCmdlineBytes}")));
            }

            if (IndexOfControl(cmdline) is { } at)
            {
                errors.Add(new(DomainPaths.OsCmdline, string.Create(CultureInfo.InvariantCulture,
                    $"the kernel command line has the control character U+{(int)cmdline[at]:X4} at position {at + 1}: separate options with spaces")));
            }
        }
    }

    private static void ValidateDevices(DomainDefinition d, List<ValidationError> errors)
    {
        ValidateHostPath(DomainPaths.ConsoleLog, "console log", d.ConsoleLog, errors);
        if (d.Balloon is { StatsPeriodSeconds: < 0 } balloon)
        {
            errors.Add(new(DomainPaths.BalloonStatsPeriod, string.Create(CultureInfo.InvariantCulture,
                $"{balloon.StatsPeriodSeconds} s is not a period: give seconds between statistics, or 0 to turn them off")));
        }
    }

    /// <summary>A file on the host: absolute (the daemon has no working directory of the user's), no control characters.</summary>
    private static void ValidateHostPath(string path, string what, string? value, List<ValidationError> errors)
    {
        if (value is null)
        {
            return;
        }

        if (!value.StartsWith('/'))
        {
            errors.Add(new(path, value.Length == 0
                ? $"the {what} path is empty: give an absolute path, or leave it out"
                : $"the {what} path '{value}' is relative: give an absolute path (the daemon does not know your working directory)"));
        }
        else if (IndexOfControl(value) is { } at)
        {
            errors.Add(new(path, string.Create(CultureInfo.InvariantCulture,
                $"the {what} path has the control character U+{(int)value[at]:X4} at position {at + 1}: rename the file")));
        }
    }

    private static int? IndexOfControl(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsControl(text[i]))
            {
                return i;
            }
        }

        return null;
    }
}
