using System.Reflection;
using System.Security.Cryptography;
using Virtlab.Engine.Peers;

namespace Virtlab.Engine.Tests.Peers;

/// <summary>The bearer token, the second factor after the client certificate: made once, 0600, compared in constant time.</summary>
public sealed class PeerTokenTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vl-token-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_new_token_is_64_hex_digits_in_a_file_of_mode_0600_and_is_kept_across_loads()
    {
        var path = Path.Combine(_dir, "token");

        var first = PeerToken.LoadOrCreate(path);
        var again = PeerToken.LoadOrCreate(path);

        Assert.Matches("^[0-9a-f]{64}$", first.Value);
        Assert.Equal(first.Value, again.Value);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Only_the_exact_bearer_header_matches()
    {
        var token = PeerToken.LoadOrCreate(Path.Combine(_dir, "token"));
        var wrongLastDigit = token.Value[..^1] + (token.Value[^1] == '0' ? '1' : '0');

        Assert.True(token.Matches("Bearer " + token.Value));
        Assert.False(token.Matches("Bearer " + wrongLastDigit));
        Assert.False(token.Matches("Bearer " + token.Value[..^1]));
        Assert.False(token.Matches("Bearer " + token.Value + "0"));
        Assert.False(token.Matches(token.Value));
        Assert.False(token.Matches(string.Empty));
        Assert.True(PeerToken.Matches("Bearer " + token.Value, token.Value));
        Assert.False(PeerToken.Matches("Bearer " + wrongLastDigit, token.Value));
    }

    /// <summary>A review held by a test: the one comparison calls FixedTimeEquals and nothing that stops at the first difference.</summary>
    [Fact]
    public void The_comparison_is_CryptographicOperations_FixedTimeEquals_and_no_early_exit_equality()
    {
        var called = CalledMethods(typeof(PeerToken).GetMethod(nameof(PeerToken.Equal))!).ToList();

        Assert.Contains(called, m => m.DeclaringType == typeof(CryptographicOperations) && m.Name == nameof(CryptographicOperations.FixedTimeEquals));
        Assert.DoesNotContain(called, m => m.Name is "op_Equality" or "Equals" or "SequenceEqual" or "CompareOrdinal" or "StartsWith" or "Compare");
        foreach (var matches in typeof(PeerToken).GetMethods().Where(m => m.Name == nameof(PeerToken.Matches)))
        {
            Assert.Contains(CalledMethods(matches), m => m.DeclaringType == typeof(PeerToken) && m.Name == nameof(PeerToken.Equal));
        }
    }

    [Fact]
    public void The_daemon_checks_the_authorization_header_only_through_PeerToken()
    {
        var source = File.ReadAllText(Path.Combine(RepoRoot(), "src", "Virtlab.Daemon", "TokenAuth.cs"));

        Assert.Contains("token.Matches(authorization)", source, StringComparison.Ordinal);
        Assert.Contains("PeerToken.Matches(authorization, shared)", source, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"authorization\s*(==|!=)|\.Equals\(|SequenceEqual|StartsWith\(", source);
    }

    /// <summary>The methods a method's IL calls (call, callvirt).</summary>
    private static IEnumerable<MethodBase> CalledMethods(MethodInfo method)
    {
        var il = method.GetMethodBody()!.GetILAsByteArray()!;
        for (var i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] is 0x28 or 0x6F)
            {
                var token = BitConverter.ToInt32(il, i + 1);
                MethodBase? target = null;
                try
                {
                    target = method.Module.ResolveMethod(token);
                }
                catch (ArgumentException)
                {
                }

                if (target is not null)
                {
                    yield return target;
                }
            }
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Virtlab.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("no Virtlab.slnx above the test's directory");
    }
}
