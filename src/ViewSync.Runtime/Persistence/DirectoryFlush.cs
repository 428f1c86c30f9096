using System.Runtime.InteropServices;
using System.Text;

namespace ViewSync.Persistence;

/// <summary>
/// Makes a rename durable by flushing its directory to disk (POSIX <c>fsync</c> on the directory).
/// Without it a crash of the machine (not just the process) could undo a rename that had returned.
/// </summary>
internal static class DirectoryFlush
{
    private const int ReadOnly = 0; // O_RDONLY is 0 on Linux, macOS and the BSDs.

    /// <summary>Best effort: file systems that cannot flush a directory are left alone.</summary>
    /// <returns><see langword="true"/> when the directory was flushed; <see langword="false"/> when the platform or file system cannot.</returns>
    public static bool Flush(string directory)
    {
        // Windows has no directory handle to flush; NTFS journals renames itself.
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
        {
            return false;
        }

        var path = Encoding.UTF8.GetBytes(directory + "\0");
        int fd;
        try
        {
            fd = Open(ref path[0], ReadOnly);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }

        if (fd < 0)
        {
            return false;
        }

        try
        {
            return FSync(fd) == 0;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(ref byte path, int flags);

    [DllImport("libc", EntryPoint = "fsync")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int FSync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
}
