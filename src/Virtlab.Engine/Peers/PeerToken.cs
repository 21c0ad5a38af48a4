using System.Security.Cryptography;
using System.Text;

namespace Virtlab.Engine.Peers;

/// <summary>
/// A daemon's random API token (<c>$VIRTLAB_HOME/token</c>, 0600), created once per home: the second factor after
/// the TLS client certificate on every TCP request. Compared in constant time.
/// </summary>
public sealed class PeerToken
{
    private readonly byte[] _expected;

    private PeerToken(string value)
    {
        Value = value;
        _expected = Header(value);
    }

    public string Value { get; }

    public static PeerToken LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length >= 32)
            {
                File.SetUnixFileMode(path, SecretFile.OwnerOnly);
                return new PeerToken(existing);
            }
        }

        var value = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        SecretFile.Write(path, value + "\n");
        return new PeerToken(value);
    }

    /// <summary>Whether an Authorization header carries this token, in constant time.</summary>
    public bool Matches(string authorization) => Equal(authorization, _expected);

    /// <summary>Whether an Authorization header carries <paramref name="token"/>, in constant time.</summary>
    public static bool Matches(string authorization, string token) => Equal(authorization, Header(token));

    /// <summary>
    /// The one comparison every token check goes through: <see cref="CryptographicOperations.FixedTimeEquals"/>, whose
    /// time depends only on the length (which is public: 64 hex digits), never on where the bytes differ.
    /// </summary>
    public static bool Equal(string authorization, byte[] expected)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentNullException.ThrowIfNull(expected);
        var given = Encoding.ASCII.GetBytes(authorization);
        return given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private static byte[] Header(string token) => Encoding.ASCII.GetBytes("Bearer " + token.Trim());
}
