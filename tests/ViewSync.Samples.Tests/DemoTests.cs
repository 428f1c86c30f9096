namespace ViewSync.Samples.Tests;

public sealed class DemoTests
{
    [Fact]
    public async Task The_story_runs_to_the_end_and_both_clients_agree()
    {
        using var demo = new DemoProcess();

        Assert.Equal(0, await demo.ExitCodeAsync());

        var output = demo.Output;
        Assert.Contains("each signs in (POST /auth/sign-in) and syncs user:alice", output, StringComparison.Ordinal);
        Assert.Contains("ok: B receives them", output, StringComparison.Ordinal);
        Assert.Contains("ok: A sees it done", output, StringComparison.Ordinal);
        Assert.Contains("ok: B sees it done", output, StringComparison.Ordinal);
        Assert.Contains("ok: B notices it is offline", output, StringComparison.Ordinal);
        Assert.Contains("B sees 3 todos, 2 pending, offline", output, StringComparison.Ordinal);
        Assert.Contains("B: the server rejected todo.rename (conflict)", output, StringComparison.Ordinal);
        Assert.Contains("A: [x] Buy milk", output, StringComparison.Ordinal);
        Assert.Contains("B: [ ] Bake bread", output, StringComparison.Ordinal);
        Assert.EndsWith("A and B agree.", output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interactive_mode_adds_edits_goes_offline_and_syncs_back()
    {
        using var demo = new DemoProcess("--interactive");
        var at = await demo.WaitForAsync("type `help`.");

        at = await Run(demo, "add Buy milk", "1. [ ] Buy milk", at);
        at = await Run(demo, "add Call mum", "2. [ ] Call mum", at);
        at = await Run(demo, "toggle 1", "1. [x] Buy milk", at);
        at = await Run(demo, "rename 2 Call mum back", "2. [ ] Call mum back", at);
        at = await Run(demo, "sync", "synced:", at);
        at = await Run(demo, "status", "online, 0 pending", at);
        at = await Run(demo, "list done", "1. [x] Buy milk", at);
        at = await Run(demo, "list open", "2. [ ] Call mum back", at);

        at = await Run(demo, "offline", "the network is unplugged", at);
        at = await Run(demo, "add Bake bread", "3. [ ] Bake bread", at);
        at = await Run(demo, "delete 1", "1. [ ] Call mum back", at);
        at = await Run(demo, "sync", "! ", at);
        at = await Run(demo, "status", "offline, 2 pending", at);

        at = await Run(demo, "online", "the network is plugged in", at);
        at = await Run(demo, "sync", "synced:", at);
        at = await Run(demo, "status", "online, 0 pending", at);
        at = await Run(demo, "list", "2. [ ] Bake bread", at);

        at = await Run(demo, "rename 1  ", "! A todo needs a title.", at);
        at = await Run(demo, "toggle 9", "! There is no todo '9'", at);
        at = await Run(demo, "frobnicate", "? unknown command 'frobnicate'", at);
        await demo.TypeAsync("quit");
        Assert.Equal(0, await demo.ExitCodeAsync());
    }

    private static async Task<int> Run(DemoProcess demo, string command, string expected, int from)
    {
        await demo.TypeAsync(command);
        return await demo.WaitForAsync(expected, from);
    }
}
