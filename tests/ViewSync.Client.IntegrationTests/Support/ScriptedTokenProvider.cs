namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>
/// An access token provider whose answers the test decides (<see cref="Next"/>, given whether a refresh is forced),
/// counting how it was asked.
/// </summary>
internal sealed class ScriptedTokenProvider(Func<bool, string?> next)
{
    private int _calls;
    private int _refreshes;

    public Func<bool, string?> Next { get; set; } = next;

    public int Calls => Volatile.Read(ref _calls);

    public int Refreshes => Volatile.Read(ref _refreshes);

    public ValueTask<string?> GetAsync(AccessTokenRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (request.ForceRefresh)
        {
            Interlocked.Increment(ref _refreshes);
        }

        return ValueTask.FromResult(Next(request.ForceRefresh));
    }
}
