namespace ViewSync.Runtime.Tests.Support;

/// <summary>A context pumped by the test itself; when closed, Post throws as a disposed WinForms control's context does.</summary>
public sealed class ManualSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();

    public bool Closed { get; set; }

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (Closed)
        {
            throw new InvalidOperationException("The context is closed.");
        }

        lock (_queue)
        {
            _queue.Enqueue((d, state));
        }
    }

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("Tests only post.");

    /// <summary>Runs what was posted, on the calling thread, with this context as the current one.</summary>
    public void RunPosted()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            while (true)
            {
                (SendOrPostCallback Callback, object? State) item;
                lock (_queue)
                {
                    if (!_queue.TryDequeue(out item))
                    {
                        return;
                    }
                }

                item.Callback(item.State);
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
