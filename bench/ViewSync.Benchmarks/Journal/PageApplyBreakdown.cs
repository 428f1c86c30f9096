using System.Diagnostics;
using System.Text.Json;
using TodoSample;
using ViewSync.Persistence;
using ViewSync.Store;

namespace ViewSync.Benchmarks.Journal;

/// <summary>
/// <c>--journal-breakdown</c>: where the time of <c>ApplyServerChanges</c> goes, without a profiler. Each
/// step the replica performs for a 100-change page is timed on its own (Stopwatch, many repetitions) at 1k
/// and 100k entities, next to the whole call with and without background compaction, and the
/// <c>JsonDocument.Parse</c> reference of <see cref="PageApplyBenchmarks"/>.
/// </summary>
internal static class PageApplyBreakdown
{
    private const int Repetitions = 3_000;

    public static async Task RunAsync()
    {
        if (Environment.GetCommandLineArgs().Contains("--restart-only"))
        {
            return;
        }

        var rows = new List<(string Step, double[] Micros)>();
        int[] sizes = [1_000, 100_000];
        // A first pass at 1k, discarded, so every step below runs tier-1 (fully optimised) code.
        await PassAsync([1_000], []);
        await PassAsync(sizes, rows);
        Console.WriteLine($"ApplyServerChanges of a {JournalData.PageSize}-change page, step by step; mean µs over {Repetitions:N0} repetitions after warm-up");
        Console.WriteLine($"| step | {string.Join(" | ", sizes.Select(s => $"{s:N0} entities"))} | 100k / 1k |");
        Console.WriteLine($"|---|{string.Concat(sizes.Select(_ => "---:|"))}---:|");
        foreach (var (name, micros) in rows)
        {
            Console.WriteLine($"| {name} | {string.Join(" | ", micros.Select(m => m.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))} | {micros[1] / micros[0]:F2} |");
        }
    }

    private static async Task PassAsync(int[] sizes, List<(string Step, double[] Micros)> rows)
    {
        foreach (var entities in sizes)
        {
            var pages = Enumerable.Range(0, 16).Select(p => JournalData.Page(p * 997 % entities, entities, p + 1)).ToArray();
            var json = JournalData.PageJson(pages[0], 1);
            var snapshot = JournalData.Snapshot(entities);
            var step = 0;
            void Add(string name, double micros)
            {
                if (rows.Count <= step)
                {
                    rows.Add((name, new double[sizes.Length]));
                }

                rows[step++].Micros[Array.IndexOf(sizes, entities)] = micros;
            }

            Add("JsonDocument.Parse of the page (reference)", Time(_ => JsonDocument.Parse(json).Dispose()));

            var buffer = new ByteBuffer(4096);
            Add("encode the page record (+ CRC)", Time(i =>
            {
                buffer.Clear();
                JournalRecords.Page(buffer, (ulong)i, pages[i % 16], []);
            }));

            var directory = JournalData.NewDirectory("breakdown");
            try
            {
                await File.WriteAllBytesAsync(Path.Combine(directory, FilePersistence.JournalFileName), []);
                await using (var file = new FilePersistence(directory))
                {
                    await file.OpenAsync();
                    var bytes = buffer.WrittenSpan.ToArray();
                    Add("write() the record to the OS (FilePersistence.Append)", Time(_ => file.Append(bytes)));
                    Add("reference: one fsync after one record (FilePersistence.FlushAsync), µs", Time(_ =>
                    {
                        file.Append(bytes);
                        file.FlushAsync().AsTask().GetAwaiter().GetResult();
                    }));
                }
            }
            finally
            {
                JournalData.DeleteDirectory(directory);
            }

            var confirmed = new ConfirmedState();
            confirmed.Load(new ConfirmedImage(snapshot.Entities.ToDictionary(e => e.Key, e => e.Value.ToDictionary(StringComparer.Ordinal), StringComparer.Ordinal)));
            Add("apply to the confirmed state (its mutable top delta)", Time(i => confirmed.Apply(pages[i % 16])));

            var store = new LocalStore();
            store.Load(snapshot);
            Add("apply to the visible LocalStore (rebase's writes)", Time(i => store.Apply(pages[i % 16])));

            var timed = new TimedPersistence(new FilePersistence(JournalData.NewDirectory("breakdown-timed")));
            Add("ApplyServerChanges, compaction on (default)", await WholeAsync(entities, pages, new JournalOptions(), timed));
            var perPage = 2.0 * Repetitions; // warm-up + measured calls
            Add("  of which compaction: writing and flushing the new file (background, outside the lock), per page", timed.RewriteWriting.TotalMicroseconds / perPage);
            Add("  of which compaction: Commit (rest of the tail + fsync + rename, under the journal lock), per page", timed.Commit.TotalMicroseconds / perPage);
            Add("  compactions during the run", timed.Commits);
            Add("  one Commit, mean ms (every append waits this long)", timed.Commits == 0 ? 0 : timed.Commit.TotalMilliseconds / timed.Commits);
            JournalData.DeleteDirectory(timed.Inner.DirectoryPath);
            Add("ApplyServerChanges, compaction off", await WholeAsync(entities, pages, new JournalOptions { CompactionThresholdBytes = long.MaxValue }));
            Add("ApplyServerChanges, compaction off, no fsync during the run (FlushWindow 1 h)", await WholeAsync(entities, pages, new JournalOptions { CompactionThresholdBytes = long.MaxValue, FlushWindow = TimeSpan.FromHours(1) }));
            Add("ApplyServerChanges, in memory (no journal)", await WholeAsync(entities, pages, options: null));
        }
    }

    private static async Task<double> WholeAsync(int entities, EntityWrite[][] pages, JournalOptions? options, IPersistence? persistence = null)
    {
        var directory = JournalData.NewDirectory("breakdown-whole");
        try
        {
            await using var replica = new Replica(TodoDb.Mutators);
            if (options is not null)
            {
                await replica.OpenAsync(persistence ?? new FilePersistence(directory), options);
            }

            replica.ResetConfirmed(JournalData.Snapshot(entities), 1, []);
            var cursor = 1UL;
            return Time(i => replica.ApplyServerChanges(pages[i % 16], ++cursor, []));
        }
        finally
        {
            JournalData.DeleteDirectory(directory);
        }
    }

    /// <summary>
    /// µs per call of <paramref name="step"/>, after as many warm-up calls: the median of 30 batch means, so
    /// other processes on the 2 cores (builds) skew it less than a plain mean would.
    /// </summary>
    private static double Time(Action<int> step)
    {
        for (var i = 0; i < Repetitions; i++)
        {
            step(i);
        }

        const int Batches = 30;
        var means = new double[Batches];
        for (int b = 0, i = 0; b < Batches; b++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var k = 0; k < Repetitions / Batches; k++, i++)
            {
                step(i);
            }

            means[b] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / (Repetitions / Batches);
        }

        Array.Sort(means);
        return means[Batches / 2];
    }

    /// <summary>Times what compaction does through the storage: writing the new file, and its commit (run under the journal's lock).</summary>
    private sealed class TimedPersistence(FilePersistence inner) : IPersistence
    {
        public FilePersistence Inner => inner;

        public TimeSpan RewriteWriting { get; private set; }

        public TimeSpan Commit { get; private set; }

        public int Commits { get; private set; }

        public string Location => inner.Location;

        public ValueTask<PersistenceImage> OpenAsync(CancellationToken cancellationToken = default) => inner.OpenAsync(cancellationToken);

        public void Append(ReadOnlySpan<byte> bytes) => inner.Append(bytes);

        public ValueTask FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public IPersistenceRewrite BeginRewrite() => new TimedRewrite(this, inner.BeginRewrite());

        public string? Preserve() => inner.Preserve();

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private sealed class TimedRewrite(TimedPersistence owner, IPersistenceRewrite rewrite) : IPersistenceRewrite, IPersistenceRewritePrepare
        {
            public void Prepare(long tailFrom)
            {
                var start = Stopwatch.GetTimestamp();
                (rewrite as IPersistenceRewritePrepare)?.Prepare(tailFrom);
                owner.RewriteWriting += Stopwatch.GetElapsedTime(start);
            }

            public void Append(ReadOnlySpan<byte> bytes)
            {
                var start = Stopwatch.GetTimestamp();
                rewrite.Append(bytes);
                owner.RewriteWriting += Stopwatch.GetElapsedTime(start);
            }

            public long Commit(long tailFrom)
            {
                var start = Stopwatch.GetTimestamp();
                var length = rewrite.Commit(tailFrom);
                owner.Commit += Stopwatch.GetElapsedTime(start);
                owner.Commits++;
                return length;
            }

            public void Dispose() => rewrite.Dispose();
        }
    }
}
