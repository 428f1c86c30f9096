using System.Text.Json;
using ViewSync.Benchmarks.ReactBench;

namespace ViewSync.Benchmarks.Tests;

/// <summary>
/// The ViewSync side of bench/reactbench: every shape runs through the real measuring code (tiny rounds), prints the JSON
/// the driver reads, has the names of bench/reactbench/shapes.json, and its check fails on wrong values.
/// </summary>
public sealed class ReactBenchTests
{
    private static readonly ReactBenchSettings s_tiny = new(Ops: 3, Rounds: 3, WarmupMs: 0);

    public static TheoryData<string> AllShapes => [.. ReactBenchRunner.Shapes];

    [Theory]
    [MemberData(nameof(AllShapes))]
    public void Each_shape_measures_checked_rounds_and_prints_the_json_the_driver_reads(string shape)
    {
        var result = ReactBenchRunner.Measure(shape, s_tiny);

        Assert.Equal(shape, result.Shape);
        Assert.Equal(3, result.OpsPerRound);
        Assert.Equal(3, result.CheckedOps);
        Assert.Equal(ReactBenchRunner.MinWarmupRounds, result.WarmupRounds);
        Assert.Equal(3, result.RoundNsPerOp.Count);
        Assert.All(result.RoundNsPerOp, ns => Assert.True(ns > 0, $"{ns} ns/op"));
        Assert.InRange(result.NsPerOp, result.RoundNsPerOp.Min(), result.RoundNsPerOp.Max());
        Assert.True(result.AllocatedBytesPerOp >= 0);

        using var json = JsonDocument.Parse(ReactBenchRunner.ToJson(result));
        var root = json.RootElement;
        Assert.Equal("viewsync", root.GetProperty("side").GetString());
        Assert.Equal(shape, root.GetProperty("shape").GetString());
        Assert.StartsWith(".NET ", root.GetProperty("runtime").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, root.GetProperty("opsPerRound").GetInt32());
        Assert.Equal(3, root.GetProperty("rounds").GetInt32());
        Assert.Equal(3, root.GetProperty("roundsNsPerOp").GetArrayLength());
        Assert.True(root.GetProperty("nsPerOp").GetDouble() > 0);
        Assert.True(root.GetProperty("allocatedBytesPerOp").GetDouble() >= 0);
    }

    [Theory]
    [InlineData("set-unobserved")]
    [InlineData("set-observed")]
    [InlineData("create-signal")]
    [InlineData("deep")]
    [InlineData("broad")]
    [InlineData("diamond")]
    [InlineData("triangle")]
    [InlineData("mux")]
    [InlineData("mux-array")]
    [InlineData("repeated")]
    [InlineData("unstable")]
    [InlineData("cellx1000-batched")]
    [InlineData("cellx1000-unbatched")]
    public void A_check_against_another_value_than_the_last_op_fails(string shape)
    {
        using var bench = ReactBenchRunner.Create(shape);
        bench.Run(1, 4);
        bench.Check(4);

        Assert.Throws<InvalidOperationException>(() => bench.Check(5));
    }

    [Fact]
    public void Checks_count_the_ops_of_the_micro_operations()
    {
        using var reads = ReactBenchRunner.Create("read-computed");
        reads.Run(1, 7);
        reads.Check(7); // 7 reads of s+1 = 2 → 14

        using var effects = ReactBenchRunner.Create("create-effect");
        effects.Run(1, 5);
        effects.Run(6, 2);
        effects.Check(7); // one run per created effect, 7 in all
    }

    [Fact]
    public void Viewsync_has_the_shapes_of_shapes_json_in_its_order()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "bench", "reactbench", "shapes.json")));
        var names = json.RootElement.GetProperty("shapes").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToArray();

        Assert.Equal(names, ReactBenchRunner.Shapes);
        Assert.All(json.RootElement.GetProperty("shapes").EnumerateArray(), s => Assert.True(s.GetProperty("ops").GetInt32() >= 1));
    }

    [Fact]
    public void The_command_line_prints_one_json_line_or_refuses_bad_arguments()
    {
        var (code, output, error) = Run("diamond", "--ops", "2", "--rounds", "1", "--warmup-ms", "0");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        using (var json = JsonDocument.Parse(output.Trim()))
        {
            Assert.Equal("diamond", json.RootElement.GetProperty("shape").GetString());
            Assert.Equal(1, json.RootElement.GetProperty("rounds").GetInt32());
        }

        Assert.Equal(2, Run("no-such-shape", "--ops", "2").Code);
        Assert.Equal(2, Run("diamond").Code); // --ops is required: the driver passes shapes.json's count
        Assert.Equal(2, Run("diamond", "--ops", "2", "--frobnicate").Code);

        var list = Run("--list");
        Assert.Equal(0, list.Code);
        Assert.Equal(ReactBenchRunner.Shapes, list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void A_round_that_would_pass_the_value_limit_starts_again_from_1()
    {
        Assert.Equal(5, ReactBenchRunner.NextRoundStart(5, 10));
        Assert.Equal(ReactBenchRunner.MaxValue - 10, ReactBenchRunner.NextRoundStart(ReactBenchRunner.MaxValue - 10, 10));
        Assert.Equal(0, ReactBenchRunner.NextRoundStart(ReactBenchRunner.MaxValue - 9, 10));

        using var bench = ReactBenchRunner.Create("unstable"); // odd → odd across the wrap is still a real change
        bench.Run(ReactBenchRunner.MaxValue - 1, 1);
        bench.Check(ReactBenchRunner.MaxValue - 1);
        bench.Run(1, 2);
        bench.Check(2);
    }

    [Fact]
    public void The_median_is_the_middle_round()
    {
        Assert.Equal(3, ReactBenchRunner.Median([5, 1, 3]));
        Assert.Equal(2.5, ReactBenchRunner.Median([4, 1, 2, 3]));
        Assert.Equal(7, ReactBenchRunner.Median([7]));
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = ReactBenchRunner.RunCommandLine(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ViewSync.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ViewSync.sln above {AppContext.BaseDirectory}.");
    }
}
