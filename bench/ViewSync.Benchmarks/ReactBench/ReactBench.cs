using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ViewSync.Benchmarks.Shapes;

namespace ViewSync.Benchmarks.ReactBench;

/// <summary>One shape or micro-op as the reactbench runner drives it: ops with the values <c>firstV…firstV+count-1</c>, then a check.</summary>
public interface IReactBenchCase : IDisposable
{
    /// <summary>Runs <paramref name="count"/> ops with the values <paramref name="firstV"/>, <paramref name="firstV"/>+1, ….</summary>
    void Run(int firstV, int count);

    /// <summary>Throws <see cref="InvalidOperationException"/> when the check of BENCH_SHAPES.md fails after the op with value <paramref name="lastV"/>.</summary>
    void Check(int lastV);
}

/// <summary>How much to run: ops per round, timed rounds, and the minimum warm-up time.</summary>
/// <param name="Ops">Ops per round (the same count on both sides of the comparison).</param>
/// <param name="Rounds">Timed rounds; the result is their median.</param>
/// <param name="WarmupMs">Untimed rounds run until at least this long has passed (at least <see cref="ReactBenchRunner.MinWarmupRounds"/>).</param>
public sealed record ReactBenchSettings(int Ops, int Rounds = 51, int WarmupMs = 500);

/// <summary>What one process measured for one shape.</summary>
public sealed record ReactBenchResult(
    string Shape,
    int OpsPerRound,
    int CheckedOps,
    int WarmupRounds,
    IReadOnlyList<double> RoundNsPerOp,
    double NsPerOp,
    double AllocatedBytesPerOp);

/// <summary>
/// The ViewSync side of <c>bench/reactbench</c>: the same methodology as its <c>shapes.mjs</c> for alien-signals. Per process, one
/// shape: <c>min(ops, 10,000)</c> single ops each followed by the shape's check; untimed rounds of <c>ops</c> ops for at least the
/// warm-up time (at least 2 rounds); one full GC; then timed rounds of <c>ops</c> ops (Stopwatch around the loop only, the check after each round's
/// last op). ns/op is the median of the rounds; allocated bytes are counted around the timed loops only.
/// </summary>
public static class ReactBenchRunner
{
    /// <summary>Single ops checked one by one before the warm-up rounds, at most.</summary>
    public const int MaxCheckedOps = 10_000;

    /// <summary>Untimed full rounds run at least, whatever the warm-up time.</summary>
    public const int MinWarmupRounds = 2;

    /// <summary>
    /// Op values stay below this: a round that would pass it starts again from 1 (still a real change), so every check's arithmetic
    /// (up to 40 × v for unstable) stays inside <c>int</c> and V8's small integers.
    /// </summary>
    public const int MaxValue = 1 << 24;

    private static readonly (string Name, Func<IReactBenchCase> Create)[] s_cases =
    [
        ("read-signal", () => new MicroCase((ops, _, count) => ops.ReadSignal(count), (_, count, _) => count, "total")),
        ("read-computed", () => new MicroCase((ops, _, count) => ops.ReadComputed(count), (_, count, _) => 2L * count, "total")),
        ("set-unobserved", () => new MicroCase((ops, first, count) => ops.SetUnobserved(first, count), (v, _, _) => v, "signal")),
        ("set-observed", () => new MicroCase((ops, first, count) => { ops.SetObserved(first, count); return ops.Sink; }, (v, _, _) => v, "effect sink")),
        ("create-signal", () => new MicroCase((ops, first, count) => { ops.CreateSignals(first, count); return ops.LastCreated!.Peek(); }, (v, _, _) => v, "created signal")),
        ("create-effect", () => new MicroCase((ops, _, count) => { ops.CreateEffectsAndDispose(count); return ops.CreatedEffectRuns; }, (_, _, done) => done, "effect runs")),
        ("deep", () => new ShapeCase(new DeepShape())),
        ("broad", () => new ShapeCase(new BroadShape())),
        ("diamond", () => new ShapeCase(new DiamondShape())),
        ("triangle", () => new ShapeCase(new TriangleShape())),
        ("mux", () => new ShapeCase(new MuxShape())),
        ("mux-array", () => new ShapeCase(new MuxShape(useArray: true))),
        ("repeated", () => new ShapeCase(new RepeatedObserversShape())),
        ("unstable", () => new ShapeCase(new UnstableShape())),
        ("avoidable", () => new ShapeCase(new AvoidableShape())),
        ("cellx1000-batched", () => new ShapeCase(new CellxShape(1000, batched: true))),
        ("cellx1000-unbatched", () => new ShapeCase(new CellxShape(1000, batched: false))),
        ("cellx1000-build", () => new CellxBuildCase(1000)),
    ];

    /// <summary>Every shape and micro-op, by the name <c>bench/reactbench/shapes.json</c> uses.</summary>
    public static IReadOnlyList<string> Shapes { get; } = [.. s_cases.Select(c => c.Name)];

    /// <summary>A fresh instance of the shape called <paramref name="name"/>.</summary>
    public static IReactBenchCase Create(string name)
    {
        foreach (var (caseName, create) in s_cases)
        {
            if (caseName == name)
            {
                return create();
            }
        }

        throw new ArgumentException($"Unknown shape '{name}'; the shapes are: {string.Join(", ", Shapes)}.", nameof(name));
    }

    /// <summary>Measures one shape in this process (see the class remarks).</summary>
    public static ReactBenchResult Measure(string shape, ReactBenchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Ops, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.Ops, MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Rounds, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.WarmupMs);

        using var bench = Create(shape);
        var v = 0;

        var checkedOps = Math.Min(settings.Ops, MaxCheckedOps);
        for (var i = 0; i < checkedOps; i++)
        {
            v++;
            bench.Run(v, 1);
            bench.Check(v);
        }

        var warmupRounds = 0;
        var warmup = Stopwatch.StartNew();
        while (warmupRounds < MinWarmupRounds || warmup.ElapsedMilliseconds < settings.WarmupMs)
        {
            v = NextRoundStart(v, settings.Ops);
            bench.Run(v + 1, settings.Ops);
            v += settings.Ops;
            bench.Check(v);
            warmupRounds++;
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var rounds = new double[settings.Rounds];
        long allocated = 0;
        for (var r = 0; r < rounds.Length; r++)
        {
            v = NextRoundStart(v, settings.Ops);
            var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            bench.Run(v + 1, settings.Ops);
            var end = Stopwatch.GetTimestamp();
            allocated += GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
            v += settings.Ops;
            bench.Check(v);
            rounds[r] = (end - start) * 1e9 / Stopwatch.Frequency / settings.Ops;
        }

        return new ReactBenchResult(
            shape,
            settings.Ops,
            checkedOps,
            warmupRounds,
            rounds,
            Median(rounds),
            (double)allocated / ((long)settings.Ops * settings.Rounds));
    }

    /// <summary>The last value before a round of <paramref name="ops"/> ops: <paramref name="v"/>, or 0 when the round would pass <see cref="MaxValue"/>.</summary>
    public static int NextRoundStart(int v, int ops) => v + ops > MaxValue ? 0 : v;

    /// <summary>The middle value (the mean of the two middle values for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 != 0 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The result as the one-line JSON object that <c>shapes.mjs</c> prints too.</summary>
    public static string ToJson(ReactBenchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("side", "viewsync");
            json.WriteString("shape", result.Shape);
            json.WriteString("runtime", $".NET {Environment.Version}");
            json.WriteNumber("opsPerRound", result.OpsPerRound);
            json.WriteNumber("checkedOps", result.CheckedOps);
            json.WriteNumber("warmupRounds", result.WarmupRounds);
            json.WriteNumber("rounds", result.RoundNsPerOp.Count);
            json.WriteNumber("nsPerOp", Math.Round(result.NsPerOp, 3));
            json.WriteStartArray("roundsNsPerOp");
            foreach (var round in result.RoundNsPerOp)
            {
                json.WriteNumberValue(Math.Round(round, 3));
            }

            json.WriteEndArray();
            json.WriteNumber("allocatedBytesPerOp", Math.Round(result.AllocatedBytesPerOp, 2));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// <c>--reactbench &lt;shape&gt; --ops N [--rounds R] [--warmup-ms W]</c> prints one JSON line; <c>--reactbench --list</c>
    /// prints the shape names. Returns the process exit code (2 for bad arguments, 1 for a failed check).
    /// </summary>
    public static int RunCommandLine(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Count == 1 && args[0] == "--list")
        {
            foreach (var name in Shapes)
            {
                output.WriteLine(name);
            }

            return 0;
        }

        string? shape = null;
        int? ops = null;
        var rounds = 51;
        var warmupMs = 500;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--ops" when i + 1 < args.Count:
                    ops = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--rounds" when i + 1 < args.Count:
                    rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--warmup-ms" when i + 1 < args.Count:
                    warmupMs = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case var name when shape is null && !name.StartsWith("--", StringComparison.Ordinal):
                    shape = name;
                    break;
                default:
                    error.WriteLine($"reactbench: unexpected argument '{args[i]}'.");
                    return 2;
            }
        }

        if (shape is null || ops is null || !Shapes.Contains(shape))
        {
            error.WriteLine("usage: --reactbench <shape> --ops N [--rounds R] [--warmup-ms W]   (bench/reactbench/run drives this)");
            error.WriteLine($"shapes: {string.Join(", ", Shapes)}");
            return 2;
        }

        try
        {
            output.WriteLine(ToJson(Measure(shape, new ReactBenchSettings(ops.Value, rounds, warmupMs))));
            return 0;
        }
        catch (InvalidOperationException failed)
        {
            error.WriteLine($"reactbench {shape}: check failed: {failed.Message}");
            return 1;
        }
    }

    /// <summary>A graph shape: each op is <see cref="IShape.Op"/>, the check is the shape's own.</summary>
    private sealed class ShapeCase(IShape shape) : IReactBenchCase
    {
        public void Run(int firstV, int count)
        {
            for (var v = firstV; v < firstV + count; v++)
            {
                shape.Op(v);
            }
        }

        public void Check(int lastV) => shape.Check(lastV);

        public void Dispose() => shape.Dispose();
    }

    /// <summary>
    /// A micro-op: <paramref name="run"/> runs a loop of <see cref="MicroOps"/> and returns what to check; <paramref name="expected"/>
    /// gets the last value, the last run's count and the ops so far.
    /// </summary>
    private sealed class MicroCase(Func<MicroOps, int, int, int> run, Func<int, int, long, long> expected, string what) : IReactBenchCase
    {
        private readonly MicroOps _ops = new();
        private int _observed;
        private int _lastCount;
        private long _done;

        public void Run(int firstV, int count)
        {
            _observed = run(_ops, firstV, count);
            _lastCount = count;
            _done += count;
        }

        public void Check(int lastV) => ShapeCheck.Equal(expected(lastV, _lastCount, _done), _observed, what);

        public void Dispose() => _ops.Dispose();
    }

    /// <summary>cellx build: one op builds the whole graph (its 4 × layers effects run once), reads the four end cells and disposes it.</summary>
    private sealed class CellxBuildCase(int layers) : IReactBenchCase
    {
        private int[] _end = [];
        private int _effectRuns;

        public void Run(int firstV, int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var shape = new CellxShape(layers);
                _end = shape.End;
                _effectRuns = shape.EffectRuns;
            }
        }

        public void Check(int lastV)
        {
            int[] expected = [-3, -6, -2, 2];
            if (!expected.SequenceEqual(_end))
            {
                throw new InvalidOperationException($"cellx build end: expected [{string.Join(",", expected)}], got [{string.Join(",", _end)}].");
            }

            ShapeCheck.Equal(4L * layers, _effectRuns, "cellx build effect runs");
        }

        public void Dispose()
        {
        }
    }
}
