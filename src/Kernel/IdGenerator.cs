namespace PromotionEngine.Kernel;

/// <summary>
/// Time-ordered 64-bit ids made in the application, so big tables need no AUTO_INCREMENT hot spot
/// (TiDB) and ids sort by creation time: 41 bits of milliseconds since 2024-01-01, 10 bits of worker,
/// 12 bits of sequence. Each running instance needs its own worker number.
/// </summary>
public sealed class IdGenerator
{
    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int WorkerBits = 10;
    private const int SequenceBits = 12;
    public const int MaxWorker = (1 << WorkerBits) - 1;
    private const long SequenceMask = (1L << SequenceBits) - 1;

    private readonly TimeProvider _clock;
    private readonly long _worker;
    private readonly Lock _gate = new();
    private long _lastMillis = -1;
    private long _sequence;

    public IdGenerator(TimeProvider clock, int worker)
    {
        if (worker is < 0 or > MaxWorker) throw new ArgumentOutOfRangeException(nameof(worker), $"A worker number is 0 to {MaxWorker}.");
        _clock = clock;
        _worker = worker;
    }

    /// <summary>When an id was made (to the millisecond), read back from its high bits.</summary>
    public static DateTimeOffset TimeOf(long id) => Epoch + TimeSpan.FromMilliseconds(id >> (WorkerBits + SequenceBits));

    public long Next()
    {
        lock (_gate)
        {
            // A clock before the epoch counts as its first millisecond, never as 0: id 0 is never issued.
            var millis = Math.Max((_clock.GetUtcNow() - Epoch).Ticks / TimeSpan.TicksPerMillisecond, 1);
            // A clock that steps back must not produce an id already issued: keep counting on the last millisecond.
            if (millis <= _lastMillis)
            {
                millis = _lastMillis;
                _sequence = (_sequence + 1) & SequenceMask;
                if (_sequence == 0) millis = ++_lastMillis; // 4096 ids in one millisecond: borrow the next one
            }
            else
            {
                _sequence = 0;
            }
            _lastMillis = millis;
            return (millis << (WorkerBits + SequenceBits)) | (_worker << SequenceBits) | _sequence;
        }
    }
}
