using ViewSync.Mutations;
using ViewSync.Protocol;
using ViewSync.Server.Engine;

namespace ViewSync.Server.Tests.Support;

/// <summary>
/// Raises <see cref="ISyncEngine.LogAdvanced"/> exactly as told, in any order: the input side of the live hub,
/// for orderings a real engine produces only by chance (two pushes announcing out of order).
/// </summary>
internal sealed class AnnouncingEngine : ISyncEngine
{
    public event EventHandler<LogAdvancedEventArgs>? LogAdvanced;

    public void Announce(string scope, ulong cursor) => LogAdvanced?.Invoke(this, new LogAdvancedEventArgs(scope, cursor));

    public Task<IReadOnlyList<PushResult>> PushAsync(IReadOnlyList<Mutation> mutations, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<PullResponse> PullAsync(string scope, ulong cursor, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<SnapshotResponse> SnapshotAsync(string scope, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ulong> WriteSnapshotAsync(string scope, Stream output, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
