namespace LlmdDoctor.Kubernetes;

/// <summary>
/// Lists the files of a bundle without leaving it: directories are walked by hand, a symlink is followed only to a
/// regular file inside the root (a symlinked directory is never followed, so no loop and no walk of <c>/</c>), the
/// depth and the number of files are bounded. What is skipped is reported with its path relative to the root.
/// </summary>
public static class BundleWalk
{
    /// <summary>A file to read: <paramref name="Path"/> is where to open it, <paramref name="Relative"/> how to name it (always '/').</summary>
    public sealed record Entry(string Path, string Relative);

    public static IReadOnlyList<Entry> Files(string root, List<BundleProblem> problems)
    {
        var files = new List<Entry>();
        var rootInfo = new DirectoryInfo(root);
        Walk(rootInfo, rootInfo.FullName, 0, files, problems);
        files.Sort((a, b) => string.CompareOrdinal(a.Relative, b.Relative));
        return files;
    }

    private static void Walk(DirectoryInfo directory, string root, int depth, List<Entry> files, List<BundleProblem> problems)
    {
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = [.. directory.EnumerateFileSystemInfos("*", new EnumerationOptions
            {
                RecurseSubdirectories = false,
                AttributesToSkip = 0,
                IgnoreInaccessible = false,
                ReturnSpecialDirectories = false,
            }).OrderBy(e => e.Name, StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add(new BundleProblem(Relative(root, directory.FullName) + "/", ex is UnauthorizedAccessException ? "permission denied, skipped" : "could not be listed, skipped"));
            return;
        }

        foreach (var entry in entries)
        {
            var relative = Relative(root, entry.FullName);
            if (files.Count >= BundleReader.MaxFiles)
            {
                problems.Add(new BundleProblem(relative, $"more than {BundleReader.MaxFiles} files in the bundle: this and the rest were not read"));
                return;
            }

            if (entry.LinkTarget is not null)
            {
                FollowLink(entry, relative, root, files, problems);
            }
            else if (entry is DirectoryInfo sub)
            {
                if (depth + 1 > BundleReader.MaxDirectoryDepth)
                {
                    problems.Add(new BundleProblem(relative + "/", $"deeper than {BundleReader.MaxDirectoryDepth} directory levels, skipped"));
                }
                else
                {
                    Walk(sub, root, depth + 1, files, problems);
                }
            }
            else
            {
                files.Add(new Entry(entry.FullName, relative));
            }
        }
    }

    private static void FollowLink(FileSystemInfo link, string relative, string root, List<Entry> files, List<BundleProblem> problems)
    {
        FileSystemInfo? target;
        try
        {
            target = link.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException)
        {
            target = null;
        }

        if (target is null || !target.Exists)
        {
            problems.Add(new BundleProblem(relative, "a symlink to nothing, skipped"));
        }
        else if (!IsUnder(target.FullName, root))
        {
            problems.Add(new BundleProblem(relative, "a symlink to a path outside the bundle, not followed"));
        }
        else if (target is DirectoryInfo)
        {
            problems.Add(new BundleProblem(relative, "a symlink to a directory, not followed"));
        }
        else
        {
            files.Add(new Entry(target.FullName, relative));
        }
    }

    private static bool IsUnder(string path, string root) =>
        path == root.TrimEnd('/') || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);

    private static string Relative(string root, string path) =>
        Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
}
