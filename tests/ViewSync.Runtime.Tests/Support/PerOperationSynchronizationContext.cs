using System.Collections.Concurrent;

namespace ViewSync.Runtime.Tests.Support;

/// <summary>
/// A WPF-like UI thread: one dedicated thread runs posted callbacks in order, and each callback runs under
/// a new instance of the context (as WPF's dispatcher does per operation), so reference comparison fails.
/// </summary>
public sealed class PerOperationSynchronizationContext : SynchronizationContext, IDisposable
{
    private readonly Pump _pump;

    public PerOperationSynchronizationContext()
        : this(new Pump())
    {
        _pump.Start(this);
    }

    private PerOperationSynchronizationContext(Pump pump) => _pump = pump;

    public int ThreadId => _pump.ThreadId;

    public List<Exception> Unhandled => _pump.Unhandled;

    public override void Post(SendOrPostCallback d, object? state) => _pump.Queue.Add((d, state));

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("Tests only post.");

    public override SynchronizationContext CreateCopy() => new PerOperationSynchronizationContext(_pump);

    public void Dispose() => _pump.Stop();

    private sealed class Pump
    {
        private Thread? _thread;

        public BlockingCollection<(SendOrPostCallback Callback, object? State)> Queue { get; } = new();

        public List<Exception> Unhandled { get; } = [];

        public int ThreadId => _thread!.ManagedThreadId;

        public void Start(PerOperationSynchronizationContext first)
        {
            _thread = new Thread(() => Run(first)) { IsBackground = true, Name = "test WPF-like UI thread" };
            _thread.Start();
        }

        public void Stop()
        {
            Queue.CompleteAdding();
            _thread!.Join();
            Queue.Dispose();
        }

        private void Run(PerOperationSynchronizationContext first)
        {
            foreach (var (callback, state) in Queue.GetConsumingEnumerable())
            {
                SetSynchronizationContext(first.CreateCopy());
                try
                {
                    callback(state);
                }
                catch (Exception e)
                {
                    lock (Unhandled)
                    {
                        Unhandled.Add(e);
                    }
                }
            }
        }
    }
}
