using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LlmdDoctor.Core.Io;

/// <summary>A file that was not read: not a regular file, too large, or unreadable. The message never holds the absolute path.</summary>
public sealed class UnreadableFileException(string reason, Exception? inner = null) : IOException(reason, inner);

/// <summary>
/// Reads files that someone else wrote (bundles, Envoy dumps): only regular files, never more than a cap, never
/// blocking. On Linux the file is opened with <c>O_NONBLOCK</c>, so a FIFO without a writer, a socket or a device
/// neither hangs nor streams forever: anything that cannot seek is refused before a byte is read.
/// </summary>
public static partial class BoundedFile
{
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;   // O_NONBLOCK on x86-64 and arm64 Linux
    private const int CloseOnExec = 0x80000; // O_CLOEXEC on x86-64 and arm64 Linux

    /// <summary>The whole file as bytes.</summary>
    /// <exception cref="UnreadableFileException">Not a regular file, larger than <paramref name="maxBytes"/>, or it could not be opened.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        using var stream = Open(path);
        if (!stream.CanSeek)
        {
            throw new UnreadableFileException("not a regular file (a FIFO, socket or device), skipped");
        }

        var length = stream.Length;
        if (length > maxBytes)
        {
            throw new UnreadableFileException($"{length} bytes, more than the {Describe(maxBytes)} this kind of file may hold, skipped");
        }

        var buffer = new byte[length];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        // A file that grows while being read is cut at the size it had when opened.
        return read == buffer.Length ? buffer : buffer[..read];
    }

    /// <summary>The whole file as UTF-8 text (a byte-order mark is dropped).</summary>
    /// <exception cref="UnreadableFileException">See <see cref="ReadAllBytes"/>.</exception>
    public static string ReadAllText(string path, long maxBytes)
    {
        var bytes = ReadAllBytes(path, maxBytes);
        var span = bytes.AsSpan();
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }

        return System.Text.Encoding.UTF8.GetString(span);
    }

    public static string Describe(long bytes) => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes} bytes";

    private static FileStream Open(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UnreadableFileException(ex is UnauthorizedAccessException ? "permission denied" : "could not be opened", ex);
            }
        }

        var fd = OpenFile(path, ReadOnly | NonBlocking | CloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new UnreadableFileException(errno switch
            {
                2 => "does not exist",
                13 => "permission denied",
                21 => "is a directory",
                _ => $"could not be opened (errno {errno})",
            });
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            return new FileStream(handle, FileAccess.Read, 1);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags);
}
