using ViewSync.Persistence;

namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>A real <see cref="MemoryPersistence"/> whose next appends fail, as a full disk or quota would.</summary>
internal sealed class FailingPersistence : IPersistence
{
    private int _failures;

    /// <summary>The persistence underneath, which holds what was written.</summary>
    public MemoryPersistence Inner { get; } = new();

    /// <summary>How many of the next appends fail with an <see cref="IOException"/>.</summary>
    public void FailNextAppends(int count) => Volatile.Write(ref _failures, count);

    /// <summary>Called before each append: true fails it. Lets a test fail exactly the write it is after.</summary>
    public Func<bool>? FailWhen { get; set; }

    public string Location => Inner.Location;

    public ValueTask<PersistenceImage> OpenAsync(CancellationToken cancellationToken = default) => Inner.OpenAsync(cancellationToken);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (Interlocked.Decrement(ref _failures) >= 0 || FailWhen?.Invoke() == true)
        {
            throw new IOException("No space left on device (test).");
        }

        Inner.Append(bytes);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => Inner.FlushAsync(cancellationToken);

    public IPersistenceRewrite BeginRewrite() => Inner.BeginRewrite();

    public string? Preserve() => Inner.Preserve();

    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}
