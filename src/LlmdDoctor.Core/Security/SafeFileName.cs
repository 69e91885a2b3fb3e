using System.Security.Cryptography;
using System.Text;

namespace LlmdDoctor.Core.Security;

/// <summary>
/// Turns a cluster-supplied string (a kind, an API group, a namespace, a pod name) into one file or folder name that
/// stays where it is put: only ASCII letters, digits, <c>.</c>, <c>-</c> and <c>_</c>; no leading dot and no two dots in a row
/// (so never <c>.</c>, <c>..</c> or a hidden file); never empty; at most <see cref="MaxLength"/> characters. A name that had to
/// change gets a short hash of the original, so two different hostile names never land in one file.
/// </summary>
public static class SafeFileName
{
    /// <summary>Well under every file system's 255-byte limit, with room for an extension and a collision suffix.</summary>
    public const int MaxLength = 120;

    public static string Of(string? name)
    {
        name ??= "";
        var s = new StringBuilder(Math.Min(name.Length, MaxLength));
        foreach (var c in name)
        {
            s.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && s.Length > 0 && s[^1] != '.') ? c : '_');
        }

        var safe = s.ToString();
        if (safe == name && safe.Length is > 0 and <= MaxLength)
        {
            return safe;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        return $"{(safe.Length > MaxLength - 9 ? safe[..(MaxLength - 9)] : safe)}-{hash}";
    }
}
