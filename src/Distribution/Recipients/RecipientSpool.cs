using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PromotionEngine.Distribution.Recipients;

/// <summary>
/// The folder where uploads and imports keep recipients files while they work on them (under the Host's data folder by
/// default, never the system's temporary folder). Each file is held open, with a shared lock, by whoever created it,
/// and deleted when they let go of it, whatever happened (an aborted upload, an exception, a cancelled import); so a
/// file nobody holds a lock on was left by a process that died, and <see cref="SweepOrphans"/> deletes it. Instances
/// sharing a data folder never sweep each other's files: a live process's lock makes the sweep pass it by.
/// </summary>
internal sealed partial class RecipientSpool(IOptions<DistributionOptions> options, ILogger<RecipientSpool> log)
{
    public const string DefaultFolder = "distribution-spool";

    public string Folder => options.Value.SpoolDirectory;

    /// <summary>A new empty file in the spool, named after <paramref name="kind"/>; deleted when the returned handle is disposed.</summary>
    public SpooledFile Create(string kind)
    {
        var path = Path.Combine(Folder, $"{kind}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(Folder);
            // FileShare.Read takes a shared lock (flock on Linux) for as long as the handle lives; DeleteOnClose removes the file with it.
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 64 * 1024,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            return new SpooledFile(path, stream);
        }
        catch (IOException e)
        {
            throw SpooledFile.Unavailable(Folder, e);
        }
    }

    /// <summary>
    /// Creates the folder if need be (so a folder that cannot be made fails the start), then deletes the files no live
    /// process holds (left by a crash); returns how many.
    /// </summary>
    public int SweepOrphans()
    {
        Directory.CreateDirectory(Folder);
        var swept = 0;
        foreach (var path in Directory.EnumerateFiles(Folder))
        {
            try
            {
                // An exclusive lock is granted only when nobody holds the file; closing it then deletes it.
                using var orphan = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                swept++;
            }
            catch (IOException)
            {
                // Held by a live process (or gone meanwhile): not an orphan.
            }
            catch (UnauthorizedAccessException e)
            {
                LogCannotSweep(e, path);
            }
        }
        if (swept > 0) LogSwept(swept, Folder);
        return swept;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Swept {Count} files left in the recipients spool {Folder} by a process that stopped")]
    private partial void LogSwept(int count, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot sweep {Path} from the recipients spool")]
    private partial void LogCannotSweep(Exception error, string path);
}

/// <summary>A file in the spool, held open (and locked) until disposed, when it is deleted.</summary>
internal sealed class SpooledFile(string path, FileStream stream) : IDisposable
{
    public string Path { get; } = path;

    /// <summary>
    /// The creator's handle: write the content here (or through <see cref="WriteAsync"/>); others read the file by
    /// <see cref="Path"/>.
    /// </summary>
    public FileStream Stream { get; } = stream;

    /// <summary>
    /// Appends; a disk that fails is the server's fault, never the request's: no IOException comes out (nor from
    /// <see cref="FlushAsync"/>).
    /// </summary>
    public Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct) => Guarded(() => Stream.WriteAsync(bytes, ct).AsTask());

    public Task FlushAsync(CancellationToken ct) => Guarded(() => Stream.FlushAsync(ct));

    /// <summary>
    /// Copies <paramref name="source"/> (an upload) into the file, hashing it on the way: its length and SHA-256, or null as
    /// soon as it passes <paramref name="limit"/> bytes. A failing source throws its own exceptions; a failing disk, not an IOException.
    /// </summary>
    public async Task<SpooledCopy?> CopyFromAsync(Stream source, long limit, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > limit) return null;
            sha.AppendData(buffer, 0, read);
            await WriteAsync(buffer.AsMemory(0, read), ct);
        }
        await FlushAsync(ct);
        return new SpooledCopy(total, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private async Task Guarded(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (IOException e)
        {
            throw Unavailable(System.IO.Path.GetDirectoryName(Path) ?? Path, e);
        }
    }

    public static InvalidOperationException Unavailable(string folder, IOException e) =>
        new($"The recipients spool {folder} cannot be written: {e.Message}", e);

    public void Dispose() => Stream.Dispose();
}

/// <summary>What <see cref="SpooledFile.CopyFromAsync"/> stored: the length and the SHA-256 (lower-case hex) of the content.</summary>
internal sealed record SpooledCopy(long Bytes, string Sha256);

/// <summary>At start, before the first upload or import: the spool's orphans go (and a spool that cannot be made stops the start).</summary>
internal sealed class SweepRecipientSpool(RecipientSpool spool) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        spool.SweepOrphans();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
