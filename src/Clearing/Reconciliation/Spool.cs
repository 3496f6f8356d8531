using System.Text;

namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>
/// Records written to one of N partition files by a hash of their key and read back one partition at a time, so matching a
/// day of a million orders holds one partition in memory, not the day. The files live in a folder of their own, removed on
/// dispose.
/// </summary>
internal sealed class Spool : IDisposable
{
    private readonly string _folder;
    private readonly BinaryWriter[] _writers;

    public Spool(string parent, string name, int partitions)
    {
        _folder = Path.Combine(parent, $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
        _writers = new BinaryWriter[partitions];
        for (var i = 0; i < partitions; i++)
        {
            var file = new FileStream(PartitionPath(i), FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024);
            _writers[i] = new BinaryWriter(file, Encoding.UTF8);
        }
    }

    public int Partitions => _writers.Length;

    public BinaryWriter For(string key) => _writers[Partition(key)];

    public BinaryWriter For(long key) => _writers[(int)((ulong)key % (ulong)_writers.Length)];

    // The process's string hash: partitions only need to agree within one run.
    private int Partition(string key) => (int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_writers.Length);

    /// <summary>Ends the writing; the partitions can be read from here on.</summary>
    public void Seal()
    {
        foreach (var w in _writers) w.Dispose();
    }

    /// <summary>One partition, read into memory whole (a partition is the day's rows / partitions): reading record by record from the
    /// file asks the file its length at every record.</summary>
    public BinaryReader Read(int partition) => new(new MemoryStream(File.ReadAllBytes(PartitionPath(partition)), writable: false), Encoding.UTF8);

    private string PartitionPath(int i) => Path.Combine(_folder, $"{i}.bin");

    public void Dispose()
    {
        foreach (var w in _writers) w.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A partition still open by a reader that failed: the folder goes with the next clean-up of the work folder.
        }
    }
}
