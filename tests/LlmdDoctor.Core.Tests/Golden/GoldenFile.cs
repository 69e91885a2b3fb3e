using System.Runtime.CompilerServices;

namespace LlmdDoctor.Core.Tests;

/// <summary>Compares rendered output with a reviewed file under Golden/; <c>UPDATE_GOLDEN=1</c> rewrites it.</summary>
public static class GoldenFile
{
    public static void Verify(string name, string actual, [CallerFilePath] string caller = "")
    {
        var dir = Path.Combine(FindProjectDir(caller), "Golden");
        var path = Path.Combine(dir, name);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1" || !File.Exists(path) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing: run the tests once with UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }

    /// <summary>
    /// Compares bytes exactly, without normalising line endings, for output served as bytes (<c>/metrics</c>);
    /// on a difference, the message shows the first differing line.
    /// </summary>
    public static void VerifyBytes(string name, ReadOnlySpan<byte> actual, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(FindProjectDir(caller), "Golden", name);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1" || !File.Exists(path) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            File.WriteAllBytes(path, actual.ToArray());
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing: run the tests once with UPDATE_GOLDEN=1 and review it");
        var expected = File.ReadAllBytes(path);
        if (!actual.SequenceEqual(expected))
        {
            // The same comparison as text, for a readable message (and a failure even if the texts happen to be equal).
            Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(actual));
            Assert.Fail($"{name}: the bytes differ from the golden file's");
        }
    }

    private static string FindProjectDir(string caller)
    {
        var dir = Path.GetDirectoryName(caller);
        while (dir is not null && !Directory.EnumerateFiles(dir, "*.csproj").Any())
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException($"no project directory above {caller}");
    }
}
