using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ViewSync;

/// <summary>
/// The graph's shared state and the push-pull algorithm (after Preact signals): a write pushes
/// "maybe changed" marks down to effects; effects then pull, and each computed recomputes only
/// if a source's version moved. All of it runs under <see cref="Gate"/>.
/// </summary>
internal static class ReactiveRuntime
{
    /// <summary>Effects that keep re-triggering each other this many rounds are a cycle.</summary>
    private const int MaxFlushRounds = 100;

    /// <summary>The one lock of the graph. Re-entrant, so effects may read and write freely.</summary>
    internal static readonly GraphGate Gate = new();

    /// <summary>The computed or effect that is running now, which records what it reads.</summary>
    internal static ObserverNode? Observer;

    /// <summary>The effect whose run owns effects and cleanups created now.</summary>
    internal static Effect? Owner;

    /// <summary>Bumped on every signal write: a computed that saw this version is up to date without checking.</summary>
    internal static long GlobalVersion;

    /// <summary>Effects waiting to run, in the order they were notified; entries before <see cref="s_queueHead"/> are done.</summary>
    private static Effect?[] s_queue = new Effect?[16];
    private static int s_queueHead;
    private static int s_queueCount;
    private static int s_batchDepth;

    /// <summary>
    /// Dropped links kept for reuse, at most <see cref="MaxFreeLinks"/>: a stack in an array rather than a chain through
    /// the links, because taking one out then stores nothing but a null, and putting one back stores one reference
    /// (each reference stored costs a GC write barrier).
    /// </summary>
    private static DependencyLink?[] s_freeLinks = new DependencyLink?[16];
    private static int s_freeLinkCount;
    private const int MaxFreeLinks = 4096;
    private static int s_flushRound;

    internal static void StartBatch() => s_batchDepth++;

    /// <summary>Puts back the observer a run replaced; a literal null when there was none, which needs no GC write barrier.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void RestoreObserver(ObserverNode? observer)
    {
        if (observer is null)
        {
            Observer = null;
        }
        else
        {
            Observer = observer;
        }
    }

    /// <summary>Puts back the owner a run replaced (see <see cref="RestoreObserver"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void RestoreOwner(Effect? owner)
    {
        if (owner is null)
        {
            Owner = null;
        }
        else
        {
            Owner = owner;
        }
    }

    /// <summary>Stops recording reads until disposed: for internal reads that must not subscribe the caller's observer.</summary>
    internal static TrackingSuspension SuspendTracking() => new(Observer);

    internal readonly ref struct TrackingSuspension
    {
        private readonly ObserverNode? _observer;

        public TrackingSuspension(ObserverNode? observer)
        {
            _observer = observer;
            Observer = null;
        }

        public void Dispose() => Observer = _observer;
    }

    /// <summary>
    /// Leaves a batch; leaving the outermost one runs the effects it triggered, each once, in the order
    /// they were notified, except that an effect's owners (when notified too) run before it. Nothing an
    /// effect does escapes the flush: its errors are reported (see <see cref="Effect.ReportError"/>), so
    /// every other queued effect still runs and the write that started the flush never throws for it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void EndBatch()
    {
        if (s_batchDepth > 1)
        {
            s_batchDepth--;
            return;
        }

        if (s_queueHead == s_queueCount)
        {
            // Nothing to run: the common end of a write whose effects are posted elsewhere or already ran.
            s_flushRound = 0;
            s_batchDepth--;
            return;
        }

        Flush();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Flush()
    {
        try
        {
            while (s_queueHead < s_queueCount)
            {
                s_flushRound++;
                var end = s_queueCount;
                while (s_queueHead < end)
                {
                    var effect = s_queue[s_queueHead]!;
                    s_queue[s_queueHead++] = null;
                    RunAfterOwners(effect);
                }
            }
        }
        finally
        {
            // Normally everything ran (and each entry was cleared as it ran); if something escaped anyway, what is
            // left stays queued (and notified) for the next flush.
            var left = s_queueCount - s_queueHead;
            if (left > 0)
            {
                Array.Copy(s_queue, s_queueHead, s_queue, 0, left);
                Array.Clear(s_queue, left, s_queueHead);
            }

            s_queueHead = 0;
            s_queueCount = left;
            s_flushRound = 0;
            s_batchDepth--;
        }
    }

    internal static void Enqueue(Effect effect)
    {
        if (s_queueCount == s_queue.Length)
        {
            Array.Resize(ref s_queue, s_queue.Length * 2);
        }

        s_queue[s_queueCount++] = effect;
    }

    /// <summary>Runs the notified owners of <paramref name="effect"/>, outermost first, then the effect: an owner's re-run disposes the effects it created.</summary>
    private static void RunAfterOwners(Effect effect)
    {
        if (effect.OwnerEffect is { } owner)
        {
            RunAfterOwners(owner);
        }

        RunQueued(effect);
    }

    /// <summary>Runs a queued effect if it is still notified and its sources changed. Never throws.</summary>
    private static void RunQueued(Effect effect)
    {
        if ((effect.Flags & NodeFlags.Notified) == 0)
        {
            return; // not queued, or already run for this notification (as an owner of an effect queued before it)
        }

        effect.Flags &= ~NodeFlags.Notified;
        if ((effect.Flags & NodeFlags.Disposed) != 0)
        {
            return;
        }

        try
        {
            if (NeedsToRecompute(effect) && effect.RunFromFlush() is { } error)
            {
                effect.ReportError(error.SourceException);
            }
        }
        catch (Exception e)
        {
            // Posting to a closed context, or the effect re-entered while running: the effect's failure, not the flush's.
            effect.ReportError(e);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ThrowIfEndlessLoop(ReactiveNode written)
    {
        if (s_flushRound > MaxFlushRounds)
        {
            ThrowEndlessLoop(written);
        }
    }

    [DoesNotReturn]
    private static void ThrowEndlessLoop(ReactiveNode written) =>
        throw new InvalidOperationException(
            $"Cycle detected: effects kept writing {written.DisplayName} and re-triggering each other for {MaxFlushRounds} rounds. " +
            "An effect must not write a signal that it (or an effect it triggers) reads; derive the value with a Computed instead.");

    /// <summary>True when one of the observer's sources has a version the observer has not seen.</summary>
    internal static bool NeedsToRecompute(ObserverNode target)
    {
        for (var link = target.Sources; link is not null; link = link.NextSource)
        {
            // Check the version first: refreshing a computed is the expensive part.
            if (link.Source.Version != link.Version || !link.Source.Refresh() || link.Source.Version != link.Version)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How far <see cref="Track"/> looks, before and after the cursor, for a link read out of order.</summary>
    /// <remarks>Beyond it a read out of order gets a duplicate link, which is harmless: it is notified and checked like the other.</remarks>
    private const int MaxLinkSearch = 16;

    /// <summary>
    /// Records that the running observer read <paramref name="source"/>, reusing its links from the last run: reads
    /// in the same order as last time only move the observer's cursor (<see cref="ObserverNode.SourcesTail"/>).
    /// Returns the link whose version the caller records, or null when nothing is tracked or this run read the
    /// source already.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static DependencyLink? Track(ReactiveNode source)
    {
        var observer = Observer;
        if (observer is null)
        {
            return null;
        }

        var tail = observer.SourcesTail;
        if (tail is not null && tail.Source == source)
        {
            return null; // read again right away
        }

        var next = tail is null ? observer.Sources : tail.NextSource;
        if (next is not null && next.Source == source)
        {
            observer.SourcesTail = next; // the same source as in the last run, in the same place
            return next;
        }

        return TrackOutOfOrder(observer, source, tail, next);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DependencyLink? TrackOutOfOrder(ObserverNode observer, ReactiveNode source, DependencyLink? tail, DependencyLink? next)
    {
        // Read earlier in this run?
        var searched = 0;
        for (var link = tail; link is not null && searched < MaxLinkSearch; link = link.PrevSource, searched++)
        {
            if (link.Source == source)
            {
                return null;
            }
        }

        // Read in the last run, later than now? Move its link to the cursor.
        searched = 0;
        for (var link = next?.NextSource; link is not null && searched < MaxLinkSearch; link = link.NextSource, searched++)
        {
            if (link.Source == source)
            {
                Unlink(observer, link);
                InsertAfter(observer, tail, link);
                observer.SourcesTail = link;
                return link;
            }
        }

        var created = NewLink(source, observer);
        InsertAfter(observer, tail, created);
        observer.SourcesTail = created;
        if ((observer.Flags & NodeFlags.Tracking) != 0)
        {
            source.Subscribe(created);
        }

        return created;
    }

    /// <summary>Takes <paramref name="link"/> out of its observer's list of sources.</summary>
    private static void Unlink(ObserverNode observer, DependencyLink link)
    {
        if (link.PrevSource is not null)
        {
            link.PrevSource.NextSource = link.NextSource;
        }
        else
        {
            observer.Sources = link.NextSource;
        }

        if (link.NextSource is not null)
        {
            link.NextSource.PrevSource = link.PrevSource;
        }

        link.PrevSource = link.NextSource = null;
    }

    /// <summary>Puts <paramref name="link"/> into the observer's list after <paramref name="after"/> (first when null).</summary>
    private static void InsertAfter(ObserverNode observer, DependencyLink? after, DependencyLink link)
    {
        // The link's own pointers are null here (new, freed or unlinked): store only non-null ones, which spares write barriers.
        var next = after is null ? observer.Sources : after.NextSource;
        if (after is not null)
        {
            link.PrevSource = after;
        }

        if (next is not null)
        {
            link.NextSource = next;
            next.PrevSource = link;
        }

        if (after is null)
        {
            observer.Sources = link;
        }
        else
        {
            after.NextSource = link;
        }
    }

    /// <summary>Before a run: the cursor goes back to the start; every link is unconfirmed until read again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PrepareSources(ObserverNode target) => target.SourcesTail = null;

    /// <summary>After a run: drop the links past the cursor (sources the run did not read again).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CleanupSources(ObserverNode target)
    {
        var tail = target.SourcesTail;
        var stale = tail is null ? target.Sources : tail.NextSource;
        if (stale is not null)
        {
            DropFrom(target, tail, stale);
        }

        target.SourcesTail = null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropFrom(ObserverNode target, DependencyLink? tail, DependencyLink stale)
    {
        if (tail is null)
        {
            target.Sources = null;
        }
        else
        {
            tail.NextSource = null;
        }

        for (var link = stale; link is not null;)
        {
            var next = link.NextSource;
            link.Source.Unsubscribe(link);
            FreeLink(link);
            link = next;
        }
    }

    /// <summary>Unsubscribes an observer from all its sources, e.g. when an effect is disposed.</summary>
    internal static void UnsubscribeAll(ObserverNode target)
    {
        var link = target.Sources;
        target.Sources = null;
        while (link is not null)
        {
            var next = link.NextSource;
            link.Source.Unsubscribe(link);
            FreeLink(link);
            link = next;
        }
    }

    private static DependencyLink NewLink(ReactiveNode source, ObserverNode target)
    {
        var count = s_freeLinkCount;
        if (count == 0)
        {
            return new DependencyLink(source, target);
        }

        var free = s_freeLinks;
        var link = free[--count]!;
        free[count] = null;
        s_freeLinkCount = count;
        link.Source = source;
        link.Target = target;
        return link;
    }

    /// <summary>Keeps a link that no list, source or run refers to any more, for <see cref="NewLink"/>.</summary>
    private static void FreeLink(DependencyLink link)
    {
        link.Source = null!;
        link.Target = null!;
        link.PrevSource = link.NextSource = link.PrevTarget = link.NextTarget = null;
        link.Version = 0;
        var count = s_freeLinkCount;
        if (count == s_freeLinks.Length)
        {
            if (count == MaxFreeLinks)
            {
                return;
            }

            Array.Resize(ref s_freeLinks, count * 2);
        }

        s_freeLinks[count] = link;
        s_freeLinkCount = count + 1;
    }

    /// <summary>Builds "a → b → a" for the cycle message: the path from the node read again to the observer that read it.</summary>
    /// <remarks>
    /// The nodes running now form one chain, and each read the next through a link that was recorded before the next
    /// one ran, so the path is found by following sources that are running. Nodes keep no pointer to the one that
    /// started them: that would be a store (and a GC write barrier) on every nested run, for an error message.
    /// </remarks>
    internal static string DescribeCycle(ObserverNode reentered)
    {
        var names = new List<string> { reentered.DisplayName };
        var node = reentered;
        while (node != Observer && RunningSourceOf(node, reentered) is { } next && names.Count <= MaxCycleNames)
        {
            names.Add(next.DisplayName);
            node = next;
        }

        if (node != Observer && Observer is { } observer)
        {
            // A read without a link (Peek) on the way: name the ends.
            names.Add("...");
            names.Add(observer.DisplayName);
        }

        names.Add(reentered.DisplayName);
        return string.Join(" -> ", names);
    }

    /// <summary>A cycle longer than this is named by its ends.</summary>
    private const int MaxCycleNames = 64;

    private static ObserverNode? RunningSourceOf(ObserverNode node, ObserverNode reentered)
    {
        for (var link = node.Sources; link is not null; link = link.NextSource)
        {
            if (link.Source is ObserverNode source && source != reentered && (source.Flags & NodeFlags.Running) != 0)
            {
                return source;
            }
        }

        return null;
    }
}
