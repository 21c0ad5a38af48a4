using System.Globalization;

namespace Virtlab.Engine.Peers;

/// <summary>A Virtlab host's address: <c>virtlab+tcp://HOST:PORT</c> (its daemon's <c>--listen</c>; the API there is HTTPS with client certificates).</summary>
public sealed record VirtlabUri(string Host, int Port)
{
    public const string Scheme = "virtlab+tcp";

    public Uri HttpBase => new(string.Create(CultureInfo.InvariantCulture, $"https://{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}/"));

    public static VirtlabUri Parse(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Scheme || uri.Port <= 0 ||
            string.IsNullOrEmpty(uri.Host) || uri.AbsolutePath is not ("" or "/"))
        {
            throw new VirtlabException(
                ErrorKind.InvalidInput,
                $"'{text}' is not a Virtlab host URI: give virtlab+tcp://HOST:PORT, the address the other host's daemon listens on ('virtlab daemon start --listen HOST:PORT')");
        }

        return new VirtlabUri(uri.Host.Trim('[', ']'), uri.Port);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Scheme}://{Host}:{Port}");
}
