namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>Unix permissions of a file (the tests run where the services run: Linux).</summary>
public static class FileModes
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static UnixFileMode Of(string path)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("File modes are Unix's.");
        return File.GetUnixFileMode(path);
    }

    public static void Set(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("File modes are Unix's.");
        File.SetUnixFileMode(path, mode);
    }
}
